import type { Mapping } from '../common/mapping';
import { isValidMeasure } from '../../lib/contract/measure-check';

/**
 * The fast path for CSV rows in the long format (one measure per row), on the bytes of the file: for a row
 * it can certify, it writes the measure's JSON straight into the message buffer, with no strings, field
 * arrays or measure objects in between. It certifies only plain rows: no quote, no CR, ASCII only, the
 * header's number of fields, every field it reads non-empty and in a canonical form, namely
 * experiment/metric/source matching the contract's patterns, the value a canonical decimal of at most 15
 * significant digits (so that `String(Number(raw))` is `raw`), and the timestamp
 * `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with a real date and time. For those rows its JSON is exactly what the
 * general path (CsvRecordParser + column mapping + isValidMeasure + serializeMappedMeasure) produces;
 * every other row goes to the general path, which decides and reports. test/unit/adapters/mapped-measure.test.ts
 * compares the two on fuzzed rows.
 */
export interface CsvRowWriter {
  /**
   * Writes the JSON of the row `src[from, to)` at `out[at]`, returning the new end, or -1 if the row needs
   * the general path (nothing useful written). `out` must have `maxRowBytes(to - from)` bytes free at `at`.
   */
  write(src: Buffer, from: number, to: number, out: Buffer, at: number): number;
  maxRowBytes(rowBytes: number): number;
}

const NAME = new Uint8Array(256);
const EXPERIMENT = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-') EXPERIMENT[c.charCodeAt(0)] = 1;
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/-') NAME[c.charCodeAt(0)] = 1;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MAX_FIELDS = 256;

type Field = { column: number } | { constant: Buffer };
type Source = Field | undefined;

/** Compiles the fast path for a mapping and a header, or undefined when the mapping is not one it handles. */
export function compileCsvRowWriter(
  mapping: Mapping,
  columns: readonly string[],
  delimiter: string,
  quote: string,
  defaultExperiment?: string,
): CsvRowWriter | undefined {
  if (mapping.metrics || mapping.tags || columns.length > MAX_FIELDS) return undefined;
  if (delimiter.length !== 1 || quote.length !== 1 || delimiter.charCodeAt(0) >= 128 || quote.charCodeAt(0) >= 128) return undefined;
  const index = new Map(columns.map((name, i) => [name, i] as const)); // as CsvRecordParser: the last of a duplicated name
  const field = (spec: { column: string } | { value: string } | undefined, name: string): Field | 'none' => {
    if (spec && 'value' in spec) return { constant: Buffer.from(spec.value) };
    const column = spec?.column ?? (index.has(name) ? name : undefined);
    if (column === undefined) return 'none';
    const i = index.get(column);
    return i === undefined ? 'none' : { column: i }; // a mapped column the header lacks: always empty
  };
  const mappedExperiment = field(mapping.experiment, 'experiment');
  if (mappedExperiment === 'none' && defaultExperiment === undefined) return undefined;
  const exp: Field = mappedExperiment === 'none' ? { constant: Buffer.from(defaultExperiment ?? '') } : mappedExperiment;
  const metric = field(mapping.metric, 'metric');
  const source = field(mapping.source, 'source');
  const unit = field(mapping.unit, 'unit');
  const valueIndex = index.get(mapping.value?.column ?? 'value');
  const ts = mapping.timestamp ?? (index.has('timestamp') ? { column: 'timestamp', format: 'auto' as const } : undefined);
  if (!ts || 'now' in ts || (ts.format !== 'auto' && ts.format !== 'rfc3339')) return undefined;
  const tsIndex = index.get(ts.column);
  if (metric === 'none' || valueIndex === undefined || tsIndex === undefined) return undefined;
  if (unit !== 'none' && 'column' in unit) return undefined;
  // Constants must pass the same check the general path applies, or the general path reports them.
  const probe = {
    experiment: 'constant' in exp ? exp.constant.toString() : 'E',
    metric: 'constant' in metric ? metric.constant.toString() : 'm',
    value: 1,
    timestamp: 0,
    ...(source !== 'none' && 'constant' in source ? { source: source.constant.toString() } : {}),
    ...(unit !== 'none' && 'constant' in unit ? { unit: unit.constant.toString() } : {}),
  };
  if (!isValidMeasure(probe)) return undefined;
  const unitJson = probe.unit !== undefined ? Buffer.from(`,"unit":${JSON.stringify(probe.unit)}}`) : Buffer.from('}');
  const src = source === 'none' ? undefined : source;
  const delim = delimiter.charCodeAt(0);
  const q = quote.charCodeAt(0);
  const fieldCount = columns.length;
  const starts = new Int32Array(fieldCount);
  const ends = new Int32Array(fieldCount);
  const T_EXP = Buffer.from('{"experiment":"');
  const T_METRIC = Buffer.from('","metric":"');
  const T_VALUE = Buffer.from('","value":');
  const T_TS = Buffer.from(',"timestamp":"');
  const T_SOURCE = Buffer.from('","source":"');
  const T_END = Buffer.from('"');
  const fixed = T_EXP.length + T_METRIC.length + T_VALUE.length + T_TS.length + T_SOURCE.length + T_END.length + unitJson.length;
  const constantBytes = (s: Source) => (s && 'constant' in s ? s.constant.length : 0);
  const extra = constantBytes(exp) + constantBytes(metric) + constantBytes(src);

  const copy = (bytes: Buffer, out: Buffer, at: number): number => {
    for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i];
    return at;
  };
  /** Copies a field (a column, checked against `table` and `max`, or a constant); -1 if it needs the general path. */
  const put = (s: Field, table: Uint8Array, max: number, src: Buffer, out: Buffer, at: number): number => {
    if ('constant' in s) return copy(s.constant, out, at);
    const from = starts[s.column];
    const to = ends[s.column];
    if (to === from || to - from > max) return -1;
    for (let i = from; i < to; i++) {
      const c = src[i];
      if (table[c] === 0) return -1;
      out[at++] = c;
    }
    return at;
  };

  return {
    maxRowBytes: (rowBytes) => fixed + extra + rowBytes,
    write(buf, from, to, out, at) {
      // Split on the delimiter; anything quoted, CR or non-ASCII goes to the general path.
      let n = 0;
      starts[0] = from;
      for (let i = from; i < to; i++) {
        const c = buf[i];
        if (c === delim) {
          ends[n] = i;
          n += 1;
          if (n >= fieldCount) return -1;
          starts[n] = i + 1;
        } else if (c === q || c === 13 || c >= 128) return -1;
      }
      ends[n] = to;
      if (n !== fieldCount - 1) return -1;
      at = copy(T_EXP, out, at);
      at = put(exp, EXPERIMENT, 64, buf, out, at);
      if (at < 0) return -1;
      at = copy(T_METRIC, out, at);
      at = put(metric, NAME, 128, buf, out, at);
      if (at < 0) return -1;
      at = copy(T_VALUE, out, at);
      if (!canonicalNumber(buf, starts[valueIndex], ends[valueIndex])) return -1;
      for (let i = starts[valueIndex]; i < ends[valueIndex]; i++) out[at++] = buf[i];
      at = copy(T_TS, out, at);
      if (!plainUtcDateTime(buf, starts[tsIndex], ends[tsIndex])) return -1;
      for (let i = starts[tsIndex]; i < ends[tsIndex]; i++) out[at++] = buf[i];
      if (src) {
        at = copy(T_SOURCE, out, at);
        at = put(src, NAME, 128, buf, out, at);
        if (at < 0) return -1;
      }
      at = copy(T_END, out, at);
      return copy(unitJson, out, at);
    },
  };
}

function digit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?`, not `-0`, at most 15 significant digits, no more than 5 zeros after `0.`: then String(Number(raw)) is raw. */
export function canonicalNumber(buf: Buffer | Uint8Array, from: number, to: number): boolean {
  let i = from;
  if (i < to && buf[i] === 45) i += 1;
  if (i >= to || !digit(buf[i])) return false;
  const intStart = i;
  if (buf[i] === 48) i += 1;
  else while (i < to && digit(buf[i])) i += 1;
  const intDigits = i - intStart;
  const zeroInt = intDigits === 1 && buf[intStart] === 48;
  if (i === to) return !(zeroInt && buf[from] === 45) && intDigits <= 15;
  if (buf[i] !== 46) return false;
  i += 1;
  const fracStart = i;
  while (i < to && digit(buf[i])) i += 1;
  if (i !== to || i === fracStart || buf[to - 1] === 48) return false;
  let significant = intDigits + (to - fracStart);
  if (zeroInt) {
    let zeros = 0;
    while (buf[fracStart + zeros] === 48) zeros += 1;
    if (zeros > 5) return false;
    significant = to - fracStart - zeros;
  }
  return significant <= 15;
}

/** `YYYY-MM-DDTHH:MM:SS[.d+]Z` with a real calendar date, hours 00-23, minutes and seconds 00-59. */
export function plainUtcDateTime(buf: Buffer | Uint8Array, from: number, to: number): boolean {
  const len = to - from;
  if (len < 20 || buf[to - 1] !== 90 /* Z */) return false;
  const d = (k: number) => buf[from + k] - 48;
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!digit(buf[from + k])) return false;
  if (buf[from + 4] !== 45 || buf[from + 7] !== 45 || buf[from + 10] !== 84 || buf[from + 13] !== 58 || buf[from + 16] !== 58) return false;
  if (len > 20) {
    if (buf[from + 19] !== 46 || len < 22) return false;
    for (let k = from + 20; k < to - 1; k++) if (!digit(buf[k])) return false;
  }
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month])) return false;
  return d(11) * 10 + d(12) <= 23 && d(14) * 10 + d(15) <= 59 && d(17) * 10 + d(18) <= 59;
}
