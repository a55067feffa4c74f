/**
 * Go's float formatting as Prometheus's HTTP API writes values, byte for byte (checked against Prometheus
 * 2.42): sample values are strings, from strconv.FormatFloat with the shortest digits that read back.
 */

/** The shortest round-trip digits of a finite non-zero |v| and its decimal exponent: v = 0.d1d2... * 10^(exponent + 1). */
function shortest(v: number): { digits: string; exponent: number } {
  const [mantissa = '', exponent = '0'] = Math.abs(v).toExponential().split('e');
  return { digits: mantissa.replace('.', ''), exponent: Number(exponent) };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

/** strconv.FormatFloat(v, 'f', -1, 64): never an exponent (1e21 is "1000000000000000000000"). */
export function formatFloatF(v: number): string {
  const other = special(v);
  if (other !== undefined) return other;
  const { digits, exponent } = shortest(v);
  const sign = v < 0 ? '-' : '';
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** strconv.FormatFloat(v, 'e', -1, 64): at least two exponent digits ("1e-07", "1e+21"). */
export function formatFloatE(v: number): string {
  const other = special(v);
  if (other !== undefined) return other === '0' || other === '-0' ? `${other}e+00` : other;
  const { digits, exponent } = shortest(v);
  const sign = v < 0 ? '-' : '';
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}

/** A vector or matrix sample's value (Prometheus's marshalValue): 'e' below 1e-6 and from 1e21, else 'f'. */
export function formatSampleValue(v: number): string {
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-6 || abs >= 1e21) && Number.isFinite(v) ? formatFloatE(v) : formatFloatF(v);
}

/**
 * A vector or matrix sample's timestamp (Prometheus's marshalTimestamp): seconds, and when the millisecond
 * is not whole, all three fraction digits ("1700000000.100").
 */
export function formatPointTime(ms: number): string {
  const abs = Math.abs(Math.trunc(ms));
  const fraction = abs % 1000;
  const seconds = (abs - fraction) / 1000;
  const sign = ms < 0 && abs !== 0 ? '-' : '';
  return fraction === 0 ? `${sign}${seconds}` : `${sign}${seconds}.${String(fraction).padStart(3, '0')}`;
}

/** A scalar's or string's timestamp: Go's JSON encoding of float64(ms) / 1000 ("1700000000.1"), which JavaScript's matches. */
export function formatScalarTime(ms: number): string {
  return String(ms / 1000);
}
