/**
 * Plugin versions: a plain integer (`7`) or MAJOR.MINOR.PATCH (`1.4.0`), without leading zeros. Compared
 * part by part as integers of any size (BigInt: a version past 2^53 still orders exactly), missing parts
 * counting as 0, so `2` equals `2.0.0`. A plugin keeps to one form; mixing them orders as said.
 */
export const VERSION_PATTERN = /^(0|[1-9][0-9]{0,29})(\.(0|[1-9][0-9]{0,29})\.(0|[1-9][0-9]{0,29}))?$/;

export function isPluginVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

function parts(version: string): bigint[] {
  if (!isPluginVersion(version)) throw new Error(`not a plugin version: ${JSON.stringify(version)}`);
  return version.split('.').map((part) => BigInt(part));
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const left = parts(a);
  const right = parts(b);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const l = left[i] ?? 0n;
    const r = right[i] ?? 0n;
    if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}
