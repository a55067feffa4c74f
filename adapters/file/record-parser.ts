import type { Measure } from '../sdk';
import { CsvSyntaxError, parseCsvLine } from '../common/csv';
import { compileMapping, mapOne, readJsonPath, type MapResult, type Mapping, type RecordMapper } from '../common/mapping';

/** Turns one line of the file into measures, or says why it cannot. */
export interface RecordParser {
  /** True until the CSV header line has been read. */
  readonly wantsHeader: boolean;
  /** Takes the header line (CSV with header: true). */
  header(line: string): void;
  /** The column names to remember across restarts (CSV), or undefined. */
  readonly columns?: readonly string[];
  /** Appends the line's measures to `out`; returns why it cannot, or undefined. */
  parseInto(line: string, out: Measure[]): string | undefined;
  /** parseInto for one line, as a result object. */
  parse(line: string): MapResult;
}

export interface CsvOptions {
  delimiter: string;
  quote: string;
  header: boolean;
  columns?: string[];
}

/** CSV rows through a column mapping; the default mapping reads columns named like the measure's fields. */
export class CsvRecordParser implements RecordParser {
  private names?: string[];
  private mapper?: RecordMapper<string[]>;

  constructor(
    private readonly options: CsvOptions,
    private readonly mapping: Mapping = {},
    private readonly defaultExperiment?: string,
  ) {
    if (options.columns) this.use(options.columns);
  }

  get wantsHeader(): boolean {
    return this.options.header && this.names === undefined;
  }

  get columns(): readonly string[] | undefined {
    return this.names;
  }

  header(line: string): void {
    const names = parseCsvLine(line, this.options.delimiter, this.options.quote).map((name) => name.trim());
    this.use(this.options.columns ?? names);
  }

  /** Columns remembered from the header of an earlier run. */
  restore(columns: readonly string[]): void {
    if (!this.names) this.use([...columns]);
  }

  private use(names: string[]): void {
    const index = new Map(names.map((name, i) => [name, i] as const));
    this.names = names;
    this.mapper = compileMapping<string[]>(
      this.mapping,
      (column) => {
        const i = index.get(column);
        return i === undefined ? undefined : (fields) => fields[i];
      },
      this.defaultExperiment,
    );
  }

  parse(line: string): MapResult {
    return mapOne((text: string, out) => this.parseInto(text, out), line);
  }

  parseInto(line: string, out: Measure[]): string | undefined {
    if (!this.mapper || !this.names) return 'no CSV header read yet';
    let fields: string[];
    try {
      fields = parseCsvLine(line, this.options.delimiter, this.options.quote);
    } catch (error) {
      if (error instanceof CsvSyntaxError) return `malformed CSV: ${error.message}`;
      throw error;
    }
    if (fields.length !== this.names.length) return `malformed CSV: ${fields.length} fields, the header has ${this.names.length}`;
    return this.mapper(fields, out);
  }
}

/**
 * JSON lines. With a mapping, each line is an object whose (dotted) fields the mapping reads; without,
 * each line is a message body as the contract defines it (a measure, an array, or {"measures": [...]}),
 * and measures without an experiment get the default one.
 */
export class JsonLinesRecordParser implements RecordParser {
  readonly wantsHeader = false;
  readonly columns = undefined;
  private readonly mapper?: RecordMapper<unknown>;

  constructor(
    mapping: Mapping | undefined,
    private readonly defaultExperiment?: string,
  ) {
    if (mapping) this.mapper = compileMapping<unknown>(mapping, (column) => (record) => readJsonPath(record, column), defaultExperiment);
  }

  header(): void {
    // JSON lines have no header.
  }

  parse(line: string): MapResult {
    return mapOne((text: string, out) => this.parseInto(text, out), line);
  }

  parseInto(line: string, out: Measure[]): string | undefined {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return `malformed JSON: ${(error as Error).message}`;
    }
    if (this.mapper) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a JSON object was expected';
      return this.mapper(value, out);
    }
    const list: unknown[] | undefined = Array.isArray(value)
      ? value
      : value !== null && typeof value === 'object' && 'measures' in value && Array.isArray((value as { measures: unknown }).measures)
        ? (value as { measures: unknown[] }).measures
        : value !== null && typeof value === 'object'
          ? [value]
          : undefined;
    if (!list) return 'a measure, an array of measures or {"measures": [...]} was expected';
    for (const item of list) {
      if (this.defaultExperiment && item !== null && typeof item === 'object' && !('experiment' in item)) {
        out.push({ experiment: this.defaultExperiment, ...item } as Measure);
      } else out.push(item as Measure);
    }
    return undefined;
  }
}
