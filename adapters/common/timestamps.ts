import { RFC3339_SHAPE } from '../../lib/contract/timestamp';

/** How a timestamp is written in the input. */
export type TimestampFormat = 'rfc3339' | 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'epoch_ns';

const DIGITS_PER_UNIT: Record<Exclude<TimestampFormat, 'rfc3339'>, number> = {
  epoch_s: 0,
  epoch_ms: 3,
  epoch_us: 6,
  epoch_ns: 9,
};

const EPOCH = /^-?\d+(\.\d+)?$/;

/**
 * A timestamp as the contract takes it: epoch milliseconds (a number) when that is exact, otherwise an
 * RFC 3339 string with microseconds, so that a nanosecond or microsecond input keeps its microseconds
 * (a double holds epoch milliseconds to about a microsecond only by luck). Throws on what it cannot read.
 */
export function parseTimestamp(raw: string, format: TimestampFormat): string | number {
  const text = raw.trim();
  if (format === 'rfc3339') {
    // The shape only: the SDK's schema check (ajv's date-time format) refuses impossible dates (2024-02-30).
    if (!RFC3339_SHAPE.test(text)) {
      throw new Error(`"${raw}" is not an RFC 3339 date-time with an offset (e.g. 2024-05-01T12:00:00Z)`);
    }
    return text;
  }
  if (!EPOCH.test(text)) throw new Error(`"${raw}" is not a number of ${format.replace('epoch_', '')} since the epoch`);
  return epochToTimestamp(text, DIGITS_PER_UNIT[format]);
}

/** `digits` is how many decimal digits the unit has below the second (0 s, 3 ms, 6 us, 9 ns). */
export function epochToTimestamp(text: string, digits: number): string | number {
  const negative = text.startsWith('-');
  if (negative) throw new Error(`"${text}": timestamps before 1970 are not accepted`);
  const [whole, fraction = ''] = text.split('.');
  // Shift the decimal point so that the value is in microseconds, exactly, with BigInt.
  const shift = 6 - digits;
  let micros: bigint;
  if (shift >= 0) {
    const frac = fraction.padEnd(shift, '0').slice(0, shift);
    micros = BigInt(whole + frac);
  } else {
    micros = BigInt(whole) / 10n ** BigInt(-shift);
  }
  const millis = micros / 1000n;
  if (millis > 253_402_300_799_999n) throw new Error(`"${text}" is after the year 9999`);
  if (micros % 1000n === 0n) return Number(millis);
  return microsToRfc3339(micros);
}

export function microsToRfc3339(micros: bigint): string {
  // Floor, not truncation: before 1970 the microseconds still count forwards from the millisecond.
  const floored = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const millis = Number(floored);
  const rest = Number(micros - floored * 1000n);
  const iso = new Date(millis).toISOString(); // 2024-05-01T12:00:00.123Z
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}
