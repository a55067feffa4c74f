import type { Measure } from '../sdk';
import { sanitizeName } from './names';
import { epochToTimestamp } from './timestamps';

/**
 * InfluxDB line protocol (what Telegraf, many PLC gateways and IoT devices already speak):
 *
 *   measurement[,tag=value...] field=value[,field=value...] [timestamp]
 *
 * Measurement: `\,` and `\ ` escape comma and space. Tag keys, tag values and field keys: `\,` `\=` `\ `.
 * String field values are double-quoted with `\"` and `\\`. Field values: float (`1.5`, `-2e3`), integer
 * (`12i`), unsigned (`12u`), string, boolean (t, T, true, True, TRUE, f, F, false, False, FALSE).
 * Lines starting with `#` and blank lines are skipped.
 */
export type FieldValue = number | boolean | string;

export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** The timestamp's digits, as written (unit given by the precision); undefined when absent. */
  timestamp?: string;
}

export class LineProtocolError extends Error {
  override readonly name = 'LineProtocolError';
}

const BOOLEAN: Record<string, boolean> = {
  t: true, T: true, true: true, True: true, TRUE: true,
  f: false, F: false, false: false, False: false, FALSE: false,
};

/** Parses one line; throws LineProtocolError saying what is wrong and at which column. */
export function parseLine(line: string): Point {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  let i = 0;

  /** Reads up to an unescaped stop character; escapes are `\` + one of `escapable`. */
  const token = (stops: string, escapable: string): string => {
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && i + 1 < text.length && escapable.includes(text[i + 1])) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      if (stops.includes(c)) break;
      out += c;
      i += 1;
    }
    return out;
  };
  const fail = (message: string): never => {
    throw new LineProtocolError(`${message} (column ${i + 1})`);
  };

  const measurement = token(', ', ', \\');
  if (measurement === '') fail('missing measurement');
  const tags: Record<string, string> = {};
  while (text[i] === ',') {
    i += 1;
    const key = token('=, ', ',= \\');
    if (key === '') fail('empty tag key');
    if (text[i] !== '=') fail(`tag "${key}" has no "="`);
    i += 1;
    const value = token(', ', ',= \\');
    if (value === '') fail(`tag "${key}" has an empty value`);
    tags[key] = value;
  }
  if (text[i] !== ' ') fail('expected a space and fields after the measurement and tags');
  while (text[i] === ' ') i += 1;

  const fields: Record<string, FieldValue> = {};
  for (;;) {
    const key = token('=, ', ',= \\');
    if (key === '') fail('empty field key');
    if (text[i] !== '=') fail(`field "${key}" has no "="`);
    i += 1;
    fields[key] = fieldValue(key);
    if (text[i] === ',') {
      i += 1;
      continue;
    }
    break;
  }

  function fieldValue(key: string): FieldValue {
    if (text[i] === '"') {
      i += 1;
      let out = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          out += text[i + 1];
          i += 2;
        } else {
          out += text[i];
          i += 1;
        }
      }
      if (text[i] !== '"') fail(`unterminated string value of field "${key}"`);
      i += 1;
      return out;
    }
    const start = i;
    while (i < text.length && text[i] !== ',' && text[i] !== ' ') i += 1;
    const raw = text.slice(start, i);
    if (raw === '') fail(`field "${key}" has no value`);
    if (raw in BOOLEAN) return BOOLEAN[raw];
    if (/^-?\d+i$/.test(raw) || /^\d+u$/.test(raw)) return Number(raw.slice(0, -1));
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
    return fail(`field "${key}" has an invalid value ${JSON.stringify(raw)}`);
  }

  let timestamp: string | undefined;
  if (i < text.length) {
    if (text[i] !== ' ') fail('expected a space before the timestamp');
    while (text[i] === ' ') i += 1;
    const rest = text.slice(i).trimEnd();
    if (rest !== '') {
      if (!/^-?\d+$/.test(rest)) fail(`invalid timestamp ${JSON.stringify(rest)}`);
      timestamp = rest;
    }
  }
  return { measurement, tags, fields, timestamp };
}

export interface ParsedBody {
  points: Array<{ line: number; point: Point }>;
  errors: Array<{ line: number; message: string }>;
}

/** Parses a whole body; a bad line is an error with its 1-based line number, and the others still count. */
export function parseLineProtocol(body: string): ParsedBody {
  const result: ParsedBody = { points: [], errors: [] };
  const lines = body.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      result.points.push({ line: n + 1, point: parseLine(line.trimStart()) });
    } catch (error) {
      result.errors.push({ line: n + 1, message: (error as Error).message });
    }
  }
  return result;
}

/** Units of a line-protocol timestamp: InfluxDB 1.x `precision` (n, u, ms, s, m, h) and 2.x (ns, us, ms, s). */
export type Precision = 'ns' | 'n' | 'us' | 'u' | 'ms' | 's' | 'm' | 'h';
export const PRECISIONS: readonly Precision[] = ['ns', 'n', 'us', 'u', 'ms', 's', 'm', 'h'];

export function lineTimestamp(digits: string, precision: Precision): string | number {
  switch (precision) {
    case 'ns':
    case 'n':
      return epochToTimestamp(digits, 9);
    case 'us':
    case 'u':
      return epochToTimestamp(digits, 6);
    case 'ms':
      return epochToTimestamp(digits, 3);
    case 's':
      return epochToTimestamp(digits, 0);
    case 'm':
      return epochToTimestamp(String(BigInt(digits) * 60n), 0);
    case 'h':
      return epochToTimestamp(String(BigInt(digits) * 3600n), 0);
  }
}

export interface PointMapping {
  /** Experiment when the point has no `experiment` tag (e.g. the request's `db`/`bucket`). */
  experiment?: string;
  precision: Precision;
  /** Tags whose value becomes the measure's source (first present wins; removed from the tags). */
  sourceTags: readonly string[];
  /** Between measurement and field in the metric name; a field named `value` gives the measurement alone. */
  separator: string;
  now: () => number;
}

export const DEFAULT_POINT_MAPPING: PointMapping = {
  precision: 'ns',
  sourceTags: ['source', 'host'],
  separator: '_',
  now: Date.now,
};

/**
 * A point's numeric and boolean fields as measures (booleans as 1/0; string fields are not measures and
 * are left out). The `experiment` and `unit` tags set those fields of the measure; the first tag of
 * sourceTags sets the source; the rest stay tags. Throws when there is no experiment or no numeric field.
 */
export function pointToMeasures(point: Point, mapping: PointMapping): Measure[] {
  const tags: Record<string, string> = {};
  let experiment = mapping.experiment;
  let unit: string | undefined;
  let source: string | undefined;
  for (const [key, value] of Object.entries(point.tags)) {
    if (key === 'experiment') experiment = value;
    else if (key === 'unit') unit = value;
    else tags[sanitizeName(key, 64)] = value;
  }
  for (const key of mapping.sourceTags) {
    const value = point.tags[key];
    if (value !== undefined && key !== 'experiment' && key !== 'unit') {
      source = sanitizeName(value);
      delete tags[sanitizeName(key, 64)];
      break;
    }
  }
  if (!experiment) throw new LineProtocolError('no experiment: add an experiment tag, or name one in the request (db, bucket or experiment parameter)');
  const timestamp = point.timestamp === undefined ? mapping.now() : lineTimestamp(point.timestamp, mapping.precision);
  const measures: Measure[] = [];
  for (const [field, raw] of Object.entries(point.fields)) {
    if (typeof raw === 'string') continue;
    const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
    if (!Number.isFinite(value)) continue;
    const metric = sanitizeName(field === 'value' ? point.measurement : `${point.measurement}${mapping.separator}${field}`);
    const measure: Measure = { experiment, metric, value, timestamp };
    if (source !== undefined) measure.source = source;
    if (unit !== undefined) measure.unit = unit;
    if (Object.keys(tags).length > 0) measure.tags = tags;
    measures.push(measure);
  }
  if (measures.length === 0) throw new LineProtocolError('no numeric or boolean field: nothing to measure');
  return measures;
}
