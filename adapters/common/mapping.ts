import { z } from 'zod';
import type { Measure } from '../sdk';
import { keyedRecord } from './keyed-record';
import { parseTimestamp, type TimestampFormat } from './timestamps';

/**
 * How a record (a CSV row, a JSON object) becomes measures. Each field of the measure comes from a column
 * (`{ column: name }`; for JSON a dotted path) or is a constant (`{ value: ... }`). Unmapped fields are
 * read from the column of the same name when there is one; `experiment` falls back to the configured
 * default experiment, `timestamp` to the time of reading.
 *
 * Long format: one measure per record (`metric` and `value` columns). Wide format: `metrics` maps metric
 * names to value columns, one measure per non-empty cell.
 */
const columnField = z.strictObject({ column: z.string().min(1) });
const constantField = z.strictObject({ value: z.string().min(1) });
export const fieldSchema = z.union([columnField, constantField]);
export const timestampFormatSchema = z.enum(['auto', 'rfc3339', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns']);

export const mappingSchema = z
  .strictObject({
    experiment: fieldSchema.optional(),
    metric: fieldSchema.optional(),
    value: columnField.optional(),
    source: fieldSchema.optional(),
    unit: fieldSchema.optional(),
    timestamp: z
      .union([
        z.strictObject({ column: z.string().min(1), format: timestampFormatSchema.default('auto') }),
        z.strictObject({ now: z.literal(true) }),
      ])
      .optional(),
    tags: keyedRecord(fieldSchema, z.string().regex(/^[A-Za-z0-9_.:/-]{1,64}$/, 'a tag key')).optional(),
    metrics: keyedRecord(z.strictObject({ column: z.string().min(1), unit: z.string().min(1).optional() })).optional(),
  })
  .refine((m) => !(m.metrics && (m.metric || m.value)), { message: 'use either metrics (wide format) or metric/value (long format), not both' });

export type Mapping = z.infer<typeof mappingSchema>;
type Field = z.infer<typeof fieldSchema>;

/** What a record is made of, as the mapper reads it: a cell by column name, undefined when absent. */
export type Cell = string | number | boolean | null | undefined;
/**
 * Resolves a column once, when the mapping is compiled, to a function reading that cell from a record
 * (CSV: the column's index in the header; JSON: a dotted path); undefined when there is no such column.
 */
export type ColumnAccessor<R> = (column: string) => ((record: R) => Cell) | undefined;

export type MapResult = { ok: true; measures: Measure[] } | { ok: false; error: string };

/** Appends a record's measures to `out`; returns why it cannot, or undefined. Allocates nothing else. */
export type RecordMapper<R> = (record: R, out: Measure[]) => string | undefined;

/** The MapResult form of a mapper, for one record at a time. */
export function mapOne<R>(mapper: RecordMapper<R>, record: R): MapResult {
  const measures: Measure[] = [];
  const error = mapper(record, measures);
  return error === undefined ? { ok: true, measures } : { ok: false, error };
}

type Getter<R> = (record: R) => string | undefined;

/**
 * Compiles a mapping once (per CSV header) into a function from records to measures. `hasColumn` says
 * which columns exist (CSV: the header; JSON: always true, absence shows as undefined at read time).
 */
export function compileMapping<R>(
  mapping: Mapping,
  accessor: ColumnAccessor<R>,
  defaultExperiment?: string,
  now: () => number = Date.now,
): RecordMapper<R> {
  const none = () => undefined;
  const read = (column: string): ((record: R) => Cell) => accessor(column) ?? none;
  const hasColumn = (column: string) => accessor(column) !== undefined;
  const getter = (field: Field | undefined, name: string): Getter<R> | undefined => {
    if (field && 'value' in field) {
      const constant = field.value;
      return () => constant;
    }
    const column = field?.column ?? (hasColumn(name) ? name : undefined);
    if (column === undefined) return undefined;
    const cell = read(column);
    return (record) => text(cell(record));
  };
  const experiment = getter(mapping.experiment, 'experiment');
  const source = getter(mapping.source, 'source');
  const unit = getter(mapping.unit, 'unit');
  const tags = Object.entries(mapping.tags ?? {}).map(([key, field]) => [key, getter(field, key) as Getter<R>] as const);
  // Unmapped: the `timestamp` column when there is one and the cell is not empty, else the time of reading.
  // Mapped to a column: that cell, which must not be empty.
  const timestampField = mapping.timestamp ?? (hasColumn('timestamp') ? { column: 'timestamp', format: 'auto' as const, optional: true } : { now: true as const });
  const timestampCell = 'now' in timestampField ? none : read(timestampField.column);
  const timestamp: (record: R) => string | number =
    'now' in timestampField
      ? () => now()
      : (record) => {
          const raw = text(timestampCell(record));
          if (raw === undefined) {
            if ('optional' in timestampField) return now();
            throw new Error(`timestamp column "${timestampField.column}" is empty`);
          }
          return parseTimestamp(raw, resolveFormat(raw, timestampField.format));
        };

  const series: Array<{ metric: Getter<R>; value: string; cell: (record: R) => Cell; unit?: Getter<R> }> = [];
  if (mapping.metrics) {
    for (const [metric, spec] of Object.entries(mapping.metrics)) {
      const unitOf = spec.unit === undefined ? unit : () => spec.unit;
      series.push({ metric: () => metric, value: spec.column, cell: read(spec.column), unit: unitOf });
    }
  } else {
    const metric = getter(mapping.metric, 'metric');
    const valueColumn = mapping.value?.column ?? 'value';
    if (!metric) throw new Error('mapping: no metric (map metric to a column or a constant, or use metrics for wide rows)');
    series.push({ metric, value: valueColumn, cell: read(valueColumn), unit });
  }
  const wide = mapping.metrics !== undefined;

  return (record, out) => {
    try {
      const exp = experiment?.(record) ?? defaultExperiment;
      if (exp === undefined) return 'no experiment: the experiment column is empty and no default experiment is configured';
      const ts = timestamp(record);
      const src = source?.(record);
      let tagValues: Record<string, string> | undefined;
      for (const [key, get] of tags) {
        const value = get(record);
        if (value !== undefined) (tagValues ??= Object.create(null) as Record<string, string>)[key] = value;
      }
      const start = out.length;
      for (const s of series) {
        const cell = s.cell(record);
        const raw = text(cell);
        if (raw === undefined) {
          if (wide) continue;
          return `value column "${s.value}" is empty`;
        }
        const value = typeof cell === 'number' ? cell : Number(raw);
        if (!Number.isFinite(value) || raw.trim() === '') {
          out.length = start;
          return `value ${JSON.stringify(raw)} in column "${s.value}" is not a finite number`;
        }
        const metric = s.metric(record);
        if (metric === undefined) {
          out.length = start;
          return 'metric column is empty';
        }
        const measure: Measure = { experiment: exp, metric, value, timestamp: ts };
        if (src !== undefined) measure.source = src;
        const u = s.unit?.(record);
        if (u !== undefined) measure.unit = u;
        if (tagValues) measure.tags = tagValues;
        out.push(measure);
      }
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

function text(cell: Cell): string | undefined {
  if (cell === undefined || cell === null || cell === '') return undefined;
  return typeof cell === 'string' ? cell : String(cell);
}

/** auto: a number (a digit first, no date punctuation) is epoch milliseconds, anything else RFC 3339. */
function resolveFormat(raw: string, format: z.infer<typeof timestampFormatSchema>): TimestampFormat {
  if (format !== 'auto') return format;
  const first = raw.charCodeAt(0);
  return first >= 48 && first <= 57 && !raw.includes('-', 1) && !raw.includes(':') ? 'epoch_ms' : 'rfc3339';
}

/** Reads a dotted path (`data.temp`) from a parsed JSON object. */
export function readJsonPath(record: unknown, path: string): Cell {
  let node: unknown = record;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  if (node === null || node === undefined) return undefined;
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return node;
  return JSON.stringify(node);
}
