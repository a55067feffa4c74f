/**
 * Go's fmt formatting of float64 (%v, %g, %e, %f with a precision), digit for digit: Go rounds the exact
 * binary value half to even, where JavaScript's toFixed/toPrecision round ties away from zero, so the
 * digits come from the exact decimal expansion of the double.
 */

interface Digits {
  /** Significant digits, no leading or trailing zeros ('' for zero). */
  readonly digits: string;
  /** Position of the decimal point: value = 0.digits × 10^point. */
  readonly point: number;
}

/** The exact decimal expansion of a finite, non-negative double. */
function exactDigits(value: number): Digits {
  if (value === 0) return { digits: '', point: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  let text: string;
  let point: number;
  if (exponent >= 0) {
    text = (mantissa << BigInt(exponent)).toString();
    point = text.length;
  } else {
    text = (mantissa * 5n ** BigInt(-exponent)).toString();
    point = text.length + exponent;
  }
  const leading = text.length - text.replace(/^0+/, '').length;
  text = text.slice(leading).replace(/0+$/, '');
  return { digits: text, point: point - leading };
}

/** Rounds to `count` significant digits, half to even on an exact tie (Go's strconv). */
function roundDigits(d: Digits, count: number): Digits {
  if (count < 0) return { digits: '', point: d.point };
  if (d.digits.length <= count) return d;
  const next = d.digits.charCodeAt(count) - 48;
  const exactHalf = next === 5 && d.digits.length === count + 1;
  const previousOdd = count > 0 && (d.digits.charCodeAt(count - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (!exactHalf || previousOdd));
  let kept = d.digits.slice(0, count);
  let point = d.point;
  if (up) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === '9') i -= 1;
    if (i < 0) {
      kept = '1';
      point += 1;
    } else {
      kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
    }
  }
  return { digits: kept.replace(/0+$/, ''), point };
}

function special(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return undefined;
}

function sign(value: number): string {
  return value < 0 || Object.is(value, -0) ? '-' : '';
}

function fixed(d: Digits, decimals: number): string {
  const all = d.digits.padEnd(Math.max(d.point + decimals, 0), '0');
  const intPart = d.point > 0 ? all.slice(0, d.point).padEnd(d.point, '0') : '0';
  const frac = d.point >= 0 ? all.slice(d.point, d.point + decimals) : ('0'.repeat(-d.point) + all).slice(0, decimals);
  return decimals > 0 ? `${intPart}.${frac.padEnd(decimals, '0')}` : intPart;
}

function exponential(d: Digits, decimals: number): string {
  const digits = d.digits === '' ? '0' : d.digits;
  const exp = d.digits === '' ? 0 : d.point - 1;
  const mantissa = decimals > 0 ? `${digits[0]}.${digits.slice(1).padEnd(decimals, '0')}` : digits[0];
  const magnitude = String(Math.abs(exp)).padStart(2, '0');
  return `${mantissa}e${exp < 0 ? '-' : '+'}${magnitude}`;
}

/** %.{precision}f */
export function formatF(value: number, precision = 6): string {
  const s = special(value);
  if (s !== undefined) return s;
  const rounded = roundDigits(exactDigits(Math.abs(value)), exactDigits(Math.abs(value)).point + precision);
  return sign(value) + fixed(rounded, precision);
}

/** %.{precision}e */
export function formatE(value: number, precision = 6): string {
  const s = special(value);
  if (s !== undefined) return s;
  const rounded = roundDigits(exactDigits(Math.abs(value)), precision + 1);
  return sign(value) + exponential(rounded, precision);
}

/** Go's shortest digits that read back as the same double (what JavaScript's toExponential() also gives). */
function shortestDigits(value: number): Digits {
  if (value === 0) return { digits: '', point: 0 };
  const [mantissa = '', exp = '0'] = value.toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  return { digits, point: Number(exp) + 1 };
}

/** %g with a precision, or the shortest representation (%v of a float64) when precision is undefined. */
export function formatG(value: number, precision?: number): string {
  const s = special(value);
  if (s !== undefined) return s;
  const abs = Math.abs(value);
  const shortest = precision === undefined;
  let prec = shortest ? -1 : Math.max(precision, 1);
  const d = shortest ? shortestDigits(abs) : roundDigits(exactDigits(abs), prec);
  const nd = d.digits.length;
  if (shortest) prec = nd;
  let eprec = prec;
  if (eprec > nd && nd >= d.point) eprec = nd;
  if (shortest) eprec = 6;
  const exp = d.point - 1;
  if (exp < -4 || exp >= eprec) {
    return sign(value) + exponential(d, Math.max(Math.min(prec, nd) - 1, 0));
  }
  if (prec > d.point) prec = nd;
  return sign(value) + fixed(d, Math.max(prec - d.point, 0));
}
