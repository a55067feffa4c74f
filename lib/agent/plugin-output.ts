/**
 * The plugin output contract: a plugin prints, as the LAST non-empty line of its standard output, one
 * JSON object `{"value": <number or null>, "message": "<text>"}` (lines before it are ignored, so a plugin
 * may log progress). Its exit status says whether the check succeeded: 0 ok, anything else failed.
 */
export type PluginOutput = { readonly ok: true; readonly value: number | null; readonly message: string } | { readonly ok: false; readonly reason: string };

export function parsePluginOutput(stdout: string): PluginOutput {
  const lines = stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
  const last = lines[lines.length - 1];
  if (last === undefined) return { ok: false, reason: 'the plugin printed nothing (expected a last line {"value": ..., "message": ...})' };
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch {
    return { ok: false, reason: `the plugin's last line is not JSON: ${last.slice(0, 200)}` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ok: false, reason: "the plugin's last line is not a JSON object" };
  const value: unknown = Object.hasOwn(json, 'value') ? (json as { value: unknown }).value : null;
  const message: unknown = Object.hasOwn(json, 'message') ? (json as { message: unknown }).message : '';
  // JSON.parse reads 1e400 as Infinity: refused like any non-number.
  if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
    return { ok: false, reason: `the plugin's value is not a finite number or null: ${JSON.stringify(value) ?? String(value)}` };
  }
  if (typeof message !== 'string') return { ok: false, reason: "the plugin's message is not a string" };
  return { ok: true, value, message };
}
