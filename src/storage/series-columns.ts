/** Series columns store "no source" / "no unit" as '' (they are part of a unique key); the domain says null. */
export function orNull(value: string): string | null {
  return value === '' ? null : value;
}
