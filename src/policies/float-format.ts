/**
 * C's `printf("%g")` with 6 significant digits, rounding the exact binary value half to even (as glibc does):
 * JavaScript's toPrecision rounds ties away from zero, which MonPoly's output never does.
 */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const body = x === 0 ? '0' : formatPositive(Math.abs(x));
  return negative ? `-${body}` : body;
}

const PRECISION = 6;

/** The exact decimal expansion of a positive finite double: digits and the power of ten of the first digit. */
function exactDecimal(x: number): { digits: string; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let e2: number;
  if (biased === 0) e2 = -1074;
  else {
    mantissa |= 1n << 52n;
    e2 = biased - 1075;
  }
  let digits: string;
  let pointShift: number; // value = digits * 10^-pointShift
  if (e2 >= 0) {
    digits = (mantissa << BigInt(e2)).toString();
    pointShift = 0;
  } else {
    digits = (mantissa * 5n ** BigInt(-e2)).toString();
    pointShift = -e2;
  }
  const stripped = digits.replace(/^0+/, '');
  return { digits: stripped, exponent: stripped.length - 1 - pointShift };
}

function formatPositive(x: number): string {
  const { digits, exponent } = exactDecimal(x);
  let kept = digits.slice(0, PRECISION).padEnd(PRECISION, '0');
  let exp = exponent;
  const rest = digits.slice(PRECISION);
  if (rest.length > 0) {
    const first = rest.charCodeAt(0) - 48;
    const beyond = /[1-9]/.test(rest.slice(1));
    const lastOdd = (kept.charCodeAt(PRECISION - 1) - 48) % 2 === 1;
    if (first > 5 || (first === 5 && (beyond || lastOdd))) {
      const up = (BigInt(kept) + 1n).toString();
      if (up.length > PRECISION) {
        kept = up.slice(0, PRECISION);
        exp += 1;
      } else kept = up;
    }
  }
  if (exp < -4 || exp >= PRECISION) {
    const mant = trimZeros(`${kept[0]}.${kept.slice(1)}`);
    const sign = exp < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) return trimZeros(`${kept.slice(0, exp + 1)}.${kept.slice(exp + 1)}`);
  return trimZeros(`0.${'0'.repeat(-exp - 1)}${kept}`);
}

function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}
