/**
 * A rule file or request body as validation reads it: mappings are Maps, so user-chosen keys (label
 * names, `__proto__`) never touch an object prototype. YAML scalars arrive as strings (failsafe schema,
 * as Go's yaml decodes them into string fields); JSON keeps its types.
 */
export type Raw = string | number | boolean | null | readonly Raw[] | RawMap;
export type RawMap = ReadonlyMap<string, Raw>;

export function isRawMap(value: Raw | undefined): value is RawMap {
  return value instanceof Map;
}

/** A parsed JSON value as Raw: objects become Maps (own keys only, `__proto__` included). */
export function rawFromJson(value: unknown): Raw {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(rawFromJson);
  if (typeof value === 'object') {
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, rawFromJson(v)]));
  }
  return null;
}
