/** Shared by the administration pages' filter forms (this file is not a page: no route.ts). */

/** A datetime-local input's value as RFC 3339 (UTC), or undefined when empty or not a date. */
export function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const time = new Date(local).getTime();
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

/** The value of an input or select in an event handler. */
export function valueOf(event: Event): string {
  return (event.target as HTMLInputElement | HTMLSelectElement).value;
}
