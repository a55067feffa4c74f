/**
 * Go's float text conversions as Prometheus uses them: strconv.FormatFloat(v, 'f', -1, 64) for label
 * values, strconv.ParseFloat(s, 64) for the `le` label of histogram buckets.
 */

export { formatGoFloat } from '../evaluator/go-math';

const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const HEX = /^([+-]?)0x([0-9a-f]*\.?[0-9a-f]*)p([+-]?\d+)$/i;

/**
 * strconv.ParseFloat(s, 64): the value, or undefined where Go returns an error (malformed text, or a
 * finite number beyond float64's range). Underscores are accepted between digits, as in Go literals.
 */
export function parseGoFloat(text: string): number | undefined {
  const special = SPECIAL.exec(text);
  if (special) {
    if ((special[2] ?? '').toLowerCase() === 'nan') {
      return special[1] === '' ? NaN : undefined;
    }
    return special[1] === '-' ? -Infinity : Infinity;
  }
  let s = text;
  if (s.includes('_')) {
    if (!underscoresOk(s)) {
      return undefined;
    }
    s = s.replaceAll('_', '');
  }
  let value: number;
  if (DECIMAL.test(s)) {
    value = Number(s);
  } else {
    const hex = HEX.exec(s);
    if (!hex) {
      return undefined;
    }
    value = parseHexFloat(hex[1] ?? '', hex[2] ?? '', Number(hex[3]));
    if (Number.isNaN(value)) {
      return undefined;
    }
  }
  return Number.isFinite(value) ? value : undefined;
}

function parseHexFloat(sign: string, body: string, exponent: number): number {
  const dot = body.indexOf('.');
  const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
  if (digits === '') {
    return NaN;
  }
  const fractionDigits = dot < 0 ? 0 : body.length - dot - 1;
  // BigInt keeps every mantissa bit; the one rounding happens in the final scaling.
  const mantissa = BigInt(`0x${digits}`);
  const value = scaleByPowerOfTwo(mantissa, exponent - 4 * fractionDigits);
  return sign === '-' ? -value : value;
}

function scaleByPowerOfTwo(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) {
    return 0;
  }
  if (exponent >= 0) {
    return Number(mantissa << BigInt(Math.min(exponent, 2000)));
  }
  // Round to nearest, ties to even, at float64's precision (subnormals included).
  const bitLength = mantissa.toString(2).length;
  const resultExponent = bitLength + exponent; // value in [2^(resultExponent-1), 2^resultExponent)
  const keepBits = Math.max(Math.min(53, resultExponent + 1074), 0);
  const drop = bitLength - keepBits;
  if (drop <= 0) {
    return Number(mantissa) * 2 ** exponent;
  }
  const dropBig = BigInt(drop);
  let kept = mantissa >> dropBig;
  const remainder = mantissa - (kept << dropBig);
  const half = 1n << (dropBig - 1n);
  if (remainder > half || (remainder === half && (kept & 1n) === 1n)) {
    kept += 1n;
  }
  return Number(kept) * 2 ** (exponent + drop);
}

/** Go's underscoreOK: an underscore only between digits (or after a base prefix). */
function underscoresOk(text: string): boolean {
  let s = text;
  if (s.startsWith('+') || s.startsWith('-')) {
    s = s.slice(1);
  }
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes((s[1] ?? '').toLowerCase())) {
    i = 2;
    saw = '0';
    hex = (s[1] ?? '').toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? '';
    if ((c >= '0' && c <= '9') || (hex && /[a-f]/i.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw === '_') {
      return false;
    }
    saw = '!';
  }
  return saw !== '_';
}
