/**
 * Timestamps are integer microseconds since the Unix epoch, UTC, as a bigint: the contract's range (years
 * 0000 to 9999) is about ±2.5e17 µs, far past 2^53, where a double stops holding every integer. This is the
 * one RFC 3339 parser of the platform: REST query parameters and the AMQP consumer both read dates here.
 */

/** 0000-01-01T00:00:00Z, the first instant of the contract's range. */
export const MIN_TIMESTAMP_US = -62_167_219_200_000_000n;
/** 9999-12-31T23:59:59.999999Z, the last. */
export const MAX_TIMESTAMP_US = 253_402_300_799_999_999n;
/** The largest epoch-milliseconds timestamp openapi.yaml allows (9999-12-31T23:59:59.999Z). */
export const MAX_EPOCH_MS = 253402300799999;

export const MINUTE_US = 60_000_000n;
export const HOUR_US = 3_600_000_000n;

/**
 * RFC 3339 `date-time` (section 5.6): `T` between date and time, or `t`, or a space as its NOTE allows;
 * `Z`, `z` or a `±hh:mm` offset, nothing else (ISO 8601's `+hhmm` and `+hh` are not RFC 3339).
 */
export const RFC3339_SHAPE = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MAX_SAFE_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000) - 1;

/** The number the two ASCII digits at `at` write (RFC3339_SHAPE has checked that they are digits). */
function two(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

/**
 * The instant an RFC 3339 date-time names, in microseconds, or undefined when `text` is not one, names no
 * real calendar date or time (month 13, Feb 30, hour 24, offset +24:00), or falls outside years 0000-9999 UTC.
 *
 * A leap second (`:60`) is accepted only where the UTC time is 23:59, as leap seconds are inserted, and is
 * read as the last microsecond of that minute: POSIX time has no instant for it, and this keeps it in order
 * without colliding with the next minute's first measure. Digits finer than the microsecond are cut.
 */
export function parseTimestampUs(text: string): bigint | undefined {
  if (!RFC3339_SHAPE.test(text)) return undefined;
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const leapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leapYear ? 29 : DAYS[month])) return undefined;
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  let end = 19;
  if (text.charCodeAt(end) === 46 /* . */) {
    end += 1;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end += 1;
  }
  const sign = text.charCodeAt(end);
  const offsetMinutes = sign === 43 /* + */ || sign === 45 /* - */ ? checkedOffset(text, end, sign === 45 ? -1 : 1) : 0;
  if (Number.isNaN(offsetMinutes) || hour > 23 || minute > 59 || second > 60) return undefined;
  const leap = second === 60;
  if (leap && (((hour * 60 + minute - offsetMinutes) % 1440) + 1440) % 1440 !== 1439) return undefined;
  let micros = 999_999;
  if (!leap) {
    micros = 0;
    for (let at = 20; at < 26; at++) micros = micros * 10 + (at < end ? text.charCodeAt(at) - 48 : 0);
  }
  const ms =
    daysFromCivil(year, month, day) * 86_400_000 +
    (hour * 60 + minute - offsetMinutes) * 60_000 +
    (leap ? 59 : second) * 1000;
  const us = ms > -MAX_SAFE_MS && ms < MAX_SAFE_MS ? BigInt(ms * 1000 + micros) : BigInt(ms) * 1000n + BigInt(micros);
  return us < MIN_TIMESTAMP_US || us > MAX_TIMESTAMP_US ? undefined : us;
}

/** Whether `text` is a date-time parseTimestampUs reads: the `date-time` format of every validator here. */
export function isTimestamp(text: string): boolean {
  return parseTimestampUs(text) !== undefined;
}

/** `±hh:mm` at `at` in minutes east of UTC, or NaN past 23:59. */
function checkedOffset(text: string, at: number, sign: number): number {
  const hours = two(text, at + 1);
  const minutes = two(text, at + 4);
  return hours > 23 || minutes > 59 ? Number.NaN : sign * (hours * 60 + minutes);
}

/**
 * Epoch milliseconds (finite, 0 to MAX_EPOCH_MS, fractions allowed) to the nearest microsecond. Below 2^53
 * µs this is `Math.round(ms * 1000)`, as it always was (a redelivered message keeps its timestamp); above,
 * the whole milliseconds and the fraction are converted apart, since the product is no longer exact.
 */
export function epochMsToUs(ms: number): bigint {
  const product = ms * 1000;
  if (product <= Number.MAX_SAFE_INTEGER) return BigInt(Math.round(product));
  const whole = Math.floor(ms);
  return BigInt(whole) * 1000n + BigInt(Math.round((ms - whole) * 1000));
}

/** Floor division, for negative values too (BigInt division truncates toward zero). */
export function floorUs(value: bigint, width: bigint): bigint {
  const rest = value % width;
  return rest < 0n ? value - rest - width : value - rest;
}

export function ceilUs(value: bigint, width: bigint): bigint {
  const floor = floorUs(value, width);
  return floor === value ? value : floor + width;
}

/** RFC 3339 in UTC with six fraction digits, e.g. `2024-03-01T12:34:56.123456Z`. */
export function formatTimestampUs(us: bigint): string {
  const ms = floorUs(us, 1000n);
  const micros = String(Number(us - ms)).padStart(3, '0');
  return new Date(Number(ms / 1000n)).toISOString().replace('Z', `${micros}Z`);
}

/** A microsecond timestamp of the contract's range as integer milliseconds (floored), for Date-based columns. */
export function timestampMs(us: bigint): number {
  return Number(floorUs(us, 1000n) / 1000n);
}

/**
 * Digits only, optionally signed, within the contract's range: how timestamps travel where JSON numbers
 * would lose them (cursors).
 */
export function timestampFromDecimal(text: string): bigint | undefined {
  if (!/^-?\d{1,18}$/.test(text)) return undefined;
  const us = BigInt(text);
  return us < MIN_TIMESTAMP_US || us > MAX_TIMESTAMP_US ? undefined : us;
}

/** Days from 1970-01-01 to a valid date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
