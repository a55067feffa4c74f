/**
 * A measure as adapters publish it: the shape of `components.schemas.Measure` in openapi.yaml, the only
 * shape the MyMONIT consumer accepts. `timestamp` is an RFC 3339 string (UTC offset required, up to
 * microseconds) or a number of epoch milliseconds (fractions allowed).
 */
export interface PublishedMeasure {
  /** The experiment's code, e.g. `EXP-1` (`^[A-Za-z0-9_.-]{1,64}$`). */
  experiment: string;
  /** What is measured, e.g. `temperature` (`^[A-Za-z0-9_.:/-]{1,128}$`). */
  metric: string;
  /** The sensor or host that measured it (same pattern as metric). */
  source?: string;
  value: number;
  unit?: string;
  timestamp: string | number;
  /** At most 16 tags; keys `^[A-Za-z0-9_.:/-]{1,64}$`, values up to 128 characters. */
  tags?: Record<string, string>;
}
