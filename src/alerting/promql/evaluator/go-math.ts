/** Go's float64 behaviour where JavaScript's differs: math.Pow's special cases and strconv formatting. */

/** Go's math.Pow: Pow(1, y) = 1 and Pow(-1, ±Inf) = 1 for every y, where JavaScript gives NaN. */
export function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** Go's math.Mod is the exact IEEE fmod, like JavaScript's `%` (sign of x, NaN for y = 0 or x = ±Inf). */
export function goMod(x: number, y: number): number {
  return x % y;
}

function shortestDigits(v: number): { neg: boolean; digits: string; exp: number } {
  // toExponential() without argument gives the shortest digits that round-trip, like Go's shortest mode.
  const text = v.toExponential();
  const [mantissa = '', exponent = '0'] = text.split('e');
  const neg = mantissa.startsWith('-');
  return { neg, digits: mantissa.replace('-', '').replace('.', ''), exp: Number(exponent) };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

function fixed(neg: boolean, digits: string, exp: number): string {
  const point = exp + 1;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (neg ? '-' : '') + out;
}

/** strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent (count_values). */
export function formatGoFloat(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const { neg, digits, exp } = shortestDigits(v);
  return fixed(neg, digits, exp);
}

/** fmt's %v of a float64 (strconv 'g', shortest): an exponent below 1e-4 and from 1e+06, for error messages. */
export function formatGoFloatV(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const { neg, digits, exp } = shortestDigits(v);
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${neg ? '-' : ''}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return fixed(neg, digits, exp);
}
