/**
 * PromQL's literal tokens as Prometheus 2.42's lexer reads them: Go-quoted strings ("", '' and raw
 * backticks, with Go's escape sequences) and numbers (decimal, exponent, hex, Go's octal `010`, Inf, NaN).
 * Errors carry the offset inside the token where Prometheus reports them.
 */

export class LiteralError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const SIMPLE_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['a', 7],
  ['b', 8],
  ['f', 12],
  ['n', 10],
  ['r', 13],
  ['t', 9],
  ['v', 11],
  ['\\', 92],
]);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function describeRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`;
}

/**
 * The value of a quoted PromQL string, token text included quotes. Bytes written with `\x` or octal
 * escapes are kept as bytes, as in Go: an invalid UTF-8 result decodes with U+FFFD, as Go's JSON would.
 */
export function unquoteString(token: string): string {
  const quote = token[0];
  if (quote === '`') {
    if (token.length < 2 || !token.endsWith('`')) throw new LiteralError(0, 'unterminated raw string');
    return token.slice(1, -1);
  }
  if (quote !== '"' && quote !== "'") throw new LiteralError(0, 'not a string');
  const bytes: number[] = [];
  let i = 1;
  for (;;) {
    const ch = token[i];
    if (ch === undefined || ch === '\n') throw new LiteralError(0, 'unterminated quoted string');
    if (ch === quote) {
      if (i !== token.length - 1) throw new LiteralError(i + 1, 'unexpected text after string');
      break;
    }
    if (ch !== '\\') {
      const cp = token.codePointAt(i) ?? 0;
      const chars = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(chars));
      i += chars.length;
      continue;
    }
    i = readEscape(token, i + 1, quote, bytes);
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** Reads the escape after a backslash at `start`; returns the index after it. */
function readEscape(token: string, start: number, quote: string, bytes: number[]): number {
  const ch = token[start];
  if (ch === undefined) throw new LiteralError(0, 'escape sequence not terminated');
  const simple = SIMPLE_ESCAPES.get(ch);
  if (simple !== undefined) {
    bytes.push(simple);
    return start + 1;
  }
  if (ch === quote) {
    bytes.push(ch.charCodeAt(0));
    return start + 1;
  }
  let digits: number;
  let base: number;
  let max: number;
  let from = start;
  if (ch >= '0' && ch <= '7') {
    [digits, base, max] = [3, 8, 255];
  } else if (ch === 'x') {
    [digits, base, max, from] = [2, 16, 255, start + 1];
  } else if (ch === 'u') {
    [digits, base, max, from] = [4, 16, 0x10ffff, start + 1];
  } else if (ch === 'U') {
    [digits, base, max, from] = [8, 16, 0x10ffff, start + 1];
  } else {
    throw new LiteralError(0, `unknown escape sequence ${describeRune(String.fromCodePoint(token.codePointAt(start) ?? 0))}`);
  }
  let value = 0;
  for (let k = 0; k < digits; k++) {
    const d = token[from + k];
    const v = d === undefined ? NaN : parseInt(d, base);
    if (d === undefined || Number.isNaN(v)) {
      if (d === undefined) throw new LiteralError(0, 'escape sequence not terminated');
      throw new LiteralError(0, `illegal character ${describeRune(d)} in escape sequence`);
    }
    value = value * base + v;
  }
  if (value > max || (value >= 0xd800 && value < 0xe000)) {
    throw new LiteralError(0, 'escape sequence is an invalid Unicode code point');
  }
  if (max === 255) bytes.push(value);
  else bytes.push(...encoder.encode(String.fromCodePoint(value)));
  return from + digits;
}

const DECIMAL_RE = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_RE = /^0[xX][0-9a-fA-F]+$/;
const OCTAL_RE = /^0[0-7]+$/;
const DURATION_TOKEN_RE = /^(\d+(y|w|d|h|m|s|ms))+$/;

/** Whether a number-like token is a duration (`5m`, `1h30m`) rather than a number. */
export function isDurationToken(text: string): boolean {
  return DURATION_TOKEN_RE.test(text);
}

/**
 * The value of an unsigned number token, as Go's strconv.ParseInt(s, 0, 64) then ParseFloat read it:
 * `0x1f` is 31, `010` is 8 (octal), `09` is 9, `Inf` and `NaN` in any case. undefined: not a number.
 */
export function parseNumberToken(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  if (HEX_RE.test(text)) {
    const value = Number(text.toLowerCase());
    return value <= 2 ** 63 ? value : undefined;
  }
  if (OCTAL_RE.test(text)) {
    // Past int64 Go's ParseInt fails and ParseFloat reads the same digits as a decimal.
    const value = BigInt(`0o${text.slice(1)}`);
    return value < 2n ** 63n ? Number(value) : Number(text);
  }
  if (DECIMAL_RE.test(text)) return Number(text);
  return undefined;
}
