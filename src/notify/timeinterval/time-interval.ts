/**
 * Alertmanager's timeinterval.TimeInterval (0.25): every non-empty field must match. Times of day in
 * minutes [start, end); weekdays 0 = Sunday; days of month may be negative (from the end); months 1-12;
 * location an IANA zone name (default UTC).
 */
export interface TimeInterval {
  readonly times: readonly { readonly startMinute: number; readonly endMinute: number }[];
  readonly weekdays: readonly { readonly begin: number; readonly end: number }[];
  readonly daysOfMonth: readonly { readonly begin: number; readonly end: number }[];
  readonly months: readonly { readonly begin: number; readonly end: number }[];
  readonly years: readonly { readonly begin: number; readonly end: number }[];
  readonly location: string;
}
