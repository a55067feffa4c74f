/**
 * Prometheus's duration strings (prometheus/common model.ParseDuration and Duration.String, as in 2.42):
 * units y w d h m s ms, each at most once and in that order, integers only; "0" alone is zero.
 * Kept here for rule files; src/alerting/promql may grow its own for queries.
 */

const UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 24 * 3_600_000],
  ['w', 7 * 24 * 3_600_000],
  ['d', 24 * 3_600_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

const PATTERN = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

/** Go's time.Duration is an int64 of nanoseconds: Prometheus refuses what does not fit. */
const MAX_MS = Number(2n ** 63n / 1_000_000n);

/** Milliseconds, or a message saying what is wrong (Prometheus's wording). */
export function parseDuration(text: string): number | { readonly error: string } {
  if (text === '0') return 0;
  const match = text === '' ? null : PATTERN.exec(text);
  if (!match) return { error: `not a valid duration string: ${JSON.stringify(text)}` };
  let total = 0;
  UNITS.forEach(([, ms], i) => {
    const digits = match[i + 1];
    if (digits !== undefined) total += Number(digits) * ms;
  });
  if (!Number.isSafeInteger(total) || total > MAX_MS) return { error: `duration out of range: ${JSON.stringify(text)}` };
  return total;
}

/** Prometheus's canonical form: "0s", "1h30m", "90d" (years and weeks only when exact). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
