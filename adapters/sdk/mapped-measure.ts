import type { Measure } from './measure';

/**
 * `JSON.stringify(m)` for a measure of the mapped shape (`common/mapping.ts`: `experiment`, `metric` and the
 * optional `source` and `unit` are strings, `value` a number, `timestamp` a string or a number, `tags` an
 * object of strings, no other key) that `isValidMeasure` (lib/contract/measure-check.ts) accepted, built
 * from its fields: experiment, metric and source match patterns that need no escaping, and so does a
 * date-time unless a tab (or another \s) separates its date and time.
 */
export function serializeMappedMeasure(m: Measure): string {
  const ts = m.timestamp;
  let timestamp: string;
  if (typeof ts === 'number') timestamp = String(ts);
  else {
    const separator = ts.charCodeAt(10);
    timestamp = separator === 84 /* T */ || separator === 116 /* t */ || separator === 32 ? `"${ts}"` : JSON.stringify(ts);
  }
  let json = `{"experiment":"${m.experiment}","metric":"${m.metric}","value":${String(m.value)},"timestamp":${timestamp}`;
  if (m.source !== undefined) json += `,"source":"${m.source}"`;
  if (m.unit !== undefined) json += `,"unit":${JSON.stringify(m.unit)}`;
  if (m.tags !== undefined) json += `,"tags":${JSON.stringify(m.tags)}`;
  return `${json}}`;
}
