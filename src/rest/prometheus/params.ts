/**
 * Request parameters as Prometheus's HTTP API reads them (web/api/v1/api.go of 2.42): form values from a
 * urlencoded body first, then the URL's query string; times as unix seconds or RFC 3339; durations as
 * seconds or Prometheus durations. Errors carry Prometheus's own messages.
 */
import { PromqlError } from '../../alerting/promql/engine-api';
import { parseTimestampUs } from '../../../lib/contract/timestamp';

/** Go's time.Parse(time.RFC3339Nano, s): an upper-case T, Z or ±hh:mm, up to nine fraction digits. */
const GO_RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/;
/** strconv.ParseFloat's decimal syntax (no hexadecimal, no underscores), and its inf/infinity/nan words. */
const GO_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)$|^nan$/i;
/** Prometheus's bounds, which clients send for "unbounded" (api.go minTime / maxTime, formatted). */
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';
/** Beyond this, JavaScript has no exact millisecond (nor a Date). */
const MAX_ABS_MS = 8.64e15;
/** Go's largest time.Duration (2^63 - 1 ns), as the double Go compares against. */
const MAX_DURATION_NS = 2 ** 63;

/** A request's form: the values of each name, body values before query-string values (Go's r.Form). */
export class FormParams {
  private readonly values = new Map<string, string[]>();

  constructor(queryString: string, body?: string) {
    for (const source of [body, queryString]) {
      if (source === undefined || source === '') continue;
      for (const [name, value] of new URLSearchParams(source)) {
        const list = this.values.get(name);
        if (list) list.push(value);
        else this.values.set(name, [value]);
      }
    }
  }

  /** The first value, '' when there is none (Go's FormValue). */
  get(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }
}

/** bad_data, with the prefix Prometheus's invalidParamError adds. */
export function invalidParam(parameter: string, message: string): PromqlError {
  return new PromqlError('bad_data', `invalid parameter ${JSON.stringify(parameter)}: ${message}`);
}

/** Go's math.Round: half away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * A time in milliseconds: unix seconds (rounded to the millisecond, as Prometheus does) or RFC 3339
 * (truncated to the millisecond, as PromQL sees it). ±Infinity for Prometheus's own min/max time texts.
 * Throws the bare reason; callers add the parameter (Prometheus words it differently per endpoint).
 */
export function parseTime(text: string): number {
  const cannot = () => new Error(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
  if (GO_FLOAT.test(text)) {
    const seconds = Number(/^[+-]?(inf|infinity)$/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : text);
    // Prometheus turns Inf and NaN into an arbitrary instant; refusing them is more useful.
    if (!Number.isFinite(seconds)) throw cannot();
    const whole = Math.trunc(seconds);
    const ms = whole * 1000 + roundHalfAway((seconds - whole) * 1000);
    if (Math.abs(ms) > MAX_ABS_MS) throw cannot();
    return ms;
  }
  if (text === MIN_TIME_TEXT) return -Infinity;
  if (text === MAX_TIME_TEXT) return Infinity;
  // Go's time.Parse has no leap second (second 60 is out of range); the platform's parser reads one.
  const us = GO_RFC3339.test(text) && text.slice(17, 19) !== '60' ? parseTimestampUs(text) : undefined;
  if (us === undefined) throw cannot();
  const rest = ((us % 1000n) + 1000n) % 1000n;
  return Number((us - rest) / 1000n);
}

/**
 * `name`'s time, `fallback` when absent (parseTimeParam): errors read
 * `invalid parameter "start": Invalid time value for 'start': cannot parse ...`.
 */
export function timeParam(form: FormParams, name: string, fallback: number): number {
  const text = form.get(name);
  if (text === '') return fallback;
  try {
    return parseTime(text);
  } catch (error) {
    throw invalidParam(name, `Invalid time value for '${name}': ${(error as Error).message}`);
  }
}

/** model.ParseDuration of prometheus/common: units y w d h m s ms, each at most once, in that order. */
const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/**
 * A duration in milliseconds (fractions down to the nanosecond): float seconds, or a Prometheus duration.
 * Throws the bare reason (`cannot parse "x" to a valid duration`).
 */
export function parseDuration(text: string): number {
  const cannot = (suffix = '') => new Error(`cannot parse ${JSON.stringify(text)} to a valid duration${suffix}`);
  if (GO_FLOAT.test(text)) {
    const seconds = /^nan$/i.test(text) ? Number.NaN : Number(text.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
    const ns = seconds * 1e9;
    if (ns > MAX_DURATION_NS || ns < -MAX_DURATION_NS) throw cannot('. It overflows int64');
    // Go turns NaN into the most negative duration: a step or timeout that is not positive.
    if (Number.isNaN(ns)) return -Infinity;
    return Math.trunc(ns) / 1e6;
  }
  if (text === '') throw cannot();
  const match = PROM_DURATION.exec(text);
  if (!match) throw cannot();
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const amount = match[i + 1];
    if (amount !== undefined) ms += Number(amount) * (UNIT_MS[i] as number);
  }
  if (ms * 1e6 > MAX_DURATION_NS) throw cannot();
  return ms;
}

export function durationParam(form: FormParams, name: string): number {
  try {
    return parseDuration(form.get(name));
  } catch (error) {
    throw invalidParam(name, (error as Error).message);
  }
}
