/**
 * Durations as Prometheus writes them (common/model ParseDuration and Duration.String): `1h30m`, `500ms`,
 * units y w d h m s ms in that order, integer counts only. All values are milliseconds.
 */
import { PromqlError } from './engine-api';

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

const UNIT_MS: readonly (readonly [string, number])[] = [
  ['y', 365 * 24 * 3_600_000],
  ['w', 7 * 24 * 3_600_000],
  ['d', 24 * 3_600_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Go's time.Duration is int64 nanoseconds: the longest duration Prometheus can hold, in ms. */
const MAX_DURATION_MS = Math.floor((2 ** 63 - 1) / 1e6);

/**
 * Parses a Prometheus duration (`1h30m`, `0`, `500ms`) into ms. Zero is accepted: callers that need a
 * positive duration (ranges, offsets, steps) say so themselves.
 */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new PromqlError('bad_data', 'empty duration string');
  const match = DURATION_RE.exec(text);
  if (match === null) throw new PromqlError('bad_data', `not a valid duration string: ${JSON.stringify(text)}`);
  let total = 0;
  UNIT_MS.forEach(([, mult], i) => {
    const count = match[i + 1];
    if (count !== undefined) total += Number(count) * mult;
  });
  if (total > MAX_DURATION_MS) throw new PromqlError('bad_data', 'duration out of range');
  return total;
}

/** Prometheus's Duration.String(): `1h30m`, `90d` (years and weeks only when exact), `0s`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, mult] of UNIT_MS) {
    const exactOnly = unit === 'y' || unit === 'w';
    if (exactOnly && rest % mult !== 0) continue;
    const count = Math.floor(rest / mult);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * mult;
    }
  }
  return out;
}

/**
 * A duration as Prometheus's HTTP API reads it (`step`, `timeout`, `lookback_delta`): a float number of
 * seconds (`15`, `0.5`) or a Prometheus duration (`15s`). Rounded to the millisecond.
 */
export function parseApiDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed !== '' && trimmed === text && Number.isFinite(Number(trimmed)) && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    if (Math.abs(ms) > MAX_DURATION_MS) {
      throw new PromqlError('bad_data', `cannot parse ${JSON.stringify(text)} to a valid duration. It overflows int64`);
    }
    return Math.round(ms);
  }
  try {
    return parseDuration(text);
  } catch {
    throw new PromqlError('bad_data', `cannot parse ${JSON.stringify(text)} to a valid duration`);
  }
}
