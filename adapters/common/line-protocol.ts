/**
 * InfluxDB line protocol (what Telegraf, many PLC gateways and IoT devices already speak), parsed as
 * InfluxDB 1.x parses it (models/points.go; test/unit/adapters/line-protocol-conformance.test.ts holds the
 * table of cases and their source):
 *
 *   measurement[,tag=value...] field=value[,field=value...] [timestamp]
 *
 * A character after a backslash is never a delimiter. Unescaped: `\,` `\ ` in the measurement; `\,` `\ `
 * `\=` in tag keys, tag values and field keys (also `\"` in field keys); `\"` `\\` in string field values.
 * Any other backslash stays as written. Field values: float (`1.5`, `-2e3`, `.5`), integer (`12i`, int64),
 * unsigned (`12u`, uint64), string (`"..."`, may hold newlines), boolean (t T true True TRUE f F false False
 * FALSE). Timestamps: integer, may be negative, in the request's precision, within InfluxDB's range.
 * Lines whose first non-blank character is `#`, and blank lines, are skipped.
 */
export type FieldValue =
  | { type: 'float'; value: number }
  | { type: 'integer'; value: bigint }
  | { type: 'unsigned'; value: bigint }
  | { type: 'boolean'; value: boolean }
  | { type: 'string'; value: string };

export interface Point {
  measurement: string;
  /** In line order; Maps, since keys are the sender's. */
  tags: Map<string, string>;
  fields: Map<string, FieldValue>;
  /** The timestamp as written (unit given by the precision); undefined when absent. */
  timestamp?: bigint;
}

export class LineProtocolError extends Error {
  override readonly name = 'LineProtocolError';
}

/** Units of a line-protocol timestamp: InfluxDB 1.x `precision` (n, u, ms, s, m, h) and 2.x (ns, us, ms, s). */
export type Precision = 'ns' | 'n' | 'us' | 'u' | 'ms' | 's' | 'm' | 'h';
export const PRECISIONS: readonly Precision[] = ['ns', 'n', 'us', 'u', 'ms', 's', 'm', 'h'];

export const NANOS_PER_UNIT: Readonly<Record<Precision, bigint>> = Object.freeze({
  ns: 1n, n: 1n, us: 1_000n, u: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
});

// InfluxDB's MinNanoTime and MaxNanoTime (math.MinInt64 + 2, math.MaxInt64 - 1).
const MIN_NANO_TIME = -9_223_372_036_854_775_806n;
const MAX_NANO_TIME = 9_223_372_036_854_775_806n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['t', true], ['T', true], ['true', true], ['True', true], ['TRUE', true],
  ['f', false], ['F', false], ['false', false], ['False', false], ['FALSE', false],
]);
const FLOAT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^-?\d+i$/;
const UNSIGNED = /^\d+u$/;

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\0';

/** Replaces `\x` by `x` for x in `escapable`, left to right; other backslashes stay. */
function unescape(raw: string, escapable: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const next = raw[i + 1];
    if (raw[i] === '\\' && next !== undefined && escapable.includes(next)) {
      out += next;
      i += 1;
    } else out += raw[i];
  }
  return out;
}

/** Parses one line (no comment, not blank); throws LineProtocolError saying what is wrong. */
export function parseLine(text: string, precision: Precision = 'ns'): Point {
  let i = 0;
  while (isBlank(text[i])) i += 1;
  const fail = (message: string): never => {
    throw new LineProtocolError(message);
  };
  const escaped = (at: number) => text[at - 1] === '\\';

  // Measurement: up to an unescaped comma (tags follow) or space (fields follow).
  const start = i;
  if (i >= text.length || text[i] === ',') fail('missing measurement');
  let state: 'tags' | 'fields';
  for (;;) {
    i += 1;
    if (i >= text.length) return fail('missing fields');
    if (escaped(i)) continue;
    if (text[i] === ',') {
      state = 'tags';
      break;
    }
    if (text[i] === ' ') {
      state = 'fields';
      break;
    }
  }
  const measurement = unescape(text.slice(start, i), ', ');

  const tags = new Map<string, string>();
  while (state === 'tags') {
    i += 1;
    const keyStart = i;
    if (i >= text.length || text[i] === ' ' || text[i] === ',' || text[i] === '=') fail('missing tag key');
    for (;;) {
      i += 1;
      if (i >= text.length || ((text[i] === ' ' || text[i] === ',') && !escaped(i))) fail('missing tag value');
      if (text[i] === '=' && !escaped(i)) break;
    }
    const key = unescape(text.slice(keyStart, i), ', =');
    i += 1;
    const valueStart = i;
    if (i >= text.length || text[i] === ',' || text[i] === ' ') fail('missing tag value');
    for (;;) {
      i += 1;
      if (i >= text.length) fail('missing fields');
      if (escaped(i)) continue;
      if (text[i] === '=') fail('invalid tag format');
      if (text[i] === ',' || text[i] === ' ') break;
    }
    if (tags.has(key)) fail('duplicate tags');
    tags.set(key, unescape(text.slice(valueStart, i), ', ='));
    if (text[i] === ' ') state = 'fields';
  }

  while (isBlank(text[i])) i += 1;
  const fields = new Map<string, FieldValue>();
  for (;;) {
    // Field key: a backslash escapes the next character, whatever it is.
    const keyStart = i;
    while (i < text.length && text[i] !== '=') {
      if (text[i] === '\\' && i + 1 < text.length) i += 2;
      else if (text[i] === ' ' || text[i] === ',') fail('invalid field format');
      else i += 1;
    }
    if (i >= text.length) fail(fields.size === 0 && i === keyStart ? 'missing fields' : 'invalid field format');
    if (i === keyStart) fail('missing field key');
    const key = unescape(text.slice(keyStart, i), ', ="');
    i += 1;
    if (i >= text.length || text[i] === ',' || text[i] === ' ') fail(`missing field value (field "${key}")`);
    fields.set(key, fieldValue(key));
    if (text[i] === ',') {
      i += 1;
      continue;
    }
    break;
  }

  function fieldValue(key: string): FieldValue {
    if (text[i] === '"') {
      const valueStart = i + 1;
      i += 1;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' && i + 1 < text.length ? 2 : 1;
      if (i >= text.length) fail(`unbalanced quotes (field "${key}")`);
      const value = unescape(text.slice(valueStart, i), '"\\');
      i += 1;
      if (i < text.length && text[i] !== ',' && text[i] !== ' ') fail('invalid field format');
      return { type: 'string', value };
    }
    const valueStart = i;
    while (i < text.length && text[i] !== ',' && text[i] !== ' ') i += 1;
    const raw = text.slice(valueStart, i);
    const first = raw[0] ?? '';
    if (!(first >= '0' && first <= '9') && first !== '.' && first !== '-' && first !== 'n' && first !== 'N') {
      const bool = BOOLEANS.get(raw);
      if (bool === undefined) fail(`invalid boolean ${JSON.stringify(raw)} (field "${key}")`);
      return { type: 'boolean', value: bool as boolean };
    }
    if (INTEGER.test(raw)) {
      const value = BigInt(raw.slice(0, -1));
      if (value < INT64_MIN || value > INT64_MAX) fail(`unable to parse integer ${raw.slice(0, -1)}: value out of range (field "${key}")`);
      return { type: 'integer', value };
    }
    if (UNSIGNED.test(raw)) {
      const value = BigInt(raw.slice(0, -1));
      if (value > UINT64_MAX) fail(`unable to parse unsigned ${raw.slice(0, -1)}: value out of range (field "${key}")`);
      return { type: 'unsigned', value };
    }
    if (!FLOAT.test(raw)) return fail(`invalid number ${JSON.stringify(raw)} (field "${key}")`);
    const value = Number(raw);
    if (!Number.isFinite(value)) fail(`invalid float ${JSON.stringify(raw)} (field "${key}")`);
    return { type: 'float', value };
  }

  while (isBlank(text[i])) i += 1;
  let timestamp: bigint | undefined;
  if (i < text.length) {
    const tsStart = i;
    while (i < text.length && text[i] !== ' ') i += 1;
    const raw = text.slice(tsStart, i);
    if (!/^-?\d*$/.test(raw)) fail(`bad timestamp ${JSON.stringify(raw)}`);
    if (!/^-?\d+$/.test(raw)) fail(`unable to parse timestamp ${JSON.stringify(raw)}`);
    const value = BigInt(raw);
    if (value < INT64_MIN || value > INT64_MAX) fail(`unable to parse timestamp ${raw}: value out of range`);
    const nanos = value * NANOS_PER_UNIT[precision];
    if (nanos < MIN_NANO_TIME || nanos > MAX_NANO_TIME) fail(`time outside range ${MIN_NANO_TIME} - ${MAX_NANO_TIME} (timestamp ${raw}, precision ${precision})`);
    while (i < text.length) if (text[i++] !== ' ') fail('point is invalid: text after the timestamp');
    timestamp = value;
  }
  return { measurement, tags, fields, timestamp };
}

export interface ParsedBody {
  points: Array<{ line: number; point: Point }>;
  errors: Array<{ line: number; message: string }>;
}

/**
 * Splits a body into lines as InfluxDB does: a newline ends a line unless a backslash escapes it or it is
 * inside a quoted string field value. Yields each line with the 1-based number of the line it starts on.
 */
export function* splitLines(body: string): Generator<{ line: number; text: string }> {
  let start = 0;
  let startLine = 1;
  let line = 1;
  let quoted = false;
  let inFields = false;
  let equals = 0;
  let commas = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '\\') {
      if (body[i + 1] === '\n') line += 1;
      i += 2;
      continue;
    }
    if (c === ' ') inFields = true;
    if (inFields) {
      if (!quoted && c === '=') equals += 1;
      else if (!quoted && c === ',') commas += 1;
      else if (c === '"' && equals > commas) quoted = !quoted;
    }
    if (c === '\n') {
      line += 1;
      if (!quoted) {
        yield { line: startLine, text: body.slice(start, i) };
        start = i + 1;
        startLine = line;
        inFields = false;
        equals = 0;
        commas = 0;
      }
    }
    i += 1;
  }
  if (start < body.length) yield { line: startLine, text: body.slice(start) };
}

/** Parses a whole body; a bad line is an error with its 1-based line number, and the others still count. */
export function parseLineProtocol(body: string, precision: Precision = 'ns'): ParsedBody {
  const result: ParsedBody = { points: [], errors: [] };
  for (const { line, text } of splitLines(body)) {
    let first = 0;
    while (isBlank(text[first])) first += 1;
    if (first >= text.length || text[first] === '#') continue;
    try {
      result.points.push({ line, point: parseLine(text, precision) });
    } catch (error) {
      if (!(error instanceof LineProtocolError)) throw error;
      result.errors.push({ line, message: error.message });
    }
  }
  return result;
}
