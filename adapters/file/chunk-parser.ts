import { isValidMeasure, measureCheckApplies } from '../../lib/contract/measure-check';
import type { Measure } from '../sdk';
import { MeasureValidator } from '../sdk/measure-validator';
import { serializeMappedMeasure } from '../sdk/mapped-measure';
import type { Mapping } from '../common/mapping';
import { compileCsvRowWriter, type CsvRowWriter } from './csv-row-writer';
import { CsvRecordParser, JsonLinesRecordParser, type CsvOptions, type RecordParser } from './record-parser';

export interface ChunkParserOptions {
  format: 'csv' | 'jsonl';
  csv: CsvOptions;
  mapping?: Mapping;
  defaultExperiment?: string;
  maxMeasuresPerMessage: number;
  maxMessageBytes: number;
  /** openapi.yaml; default: found upwards from the SDK. */
  schemaPath?: string;
  /** The byte-level fast path for plain CSV rows (csv-row-writer.ts); default true. Tests turn it off to compare. */
  fastPath?: boolean;
}

/** A bad line or a refused measure, at its line in the chunk (1 = the chunk's first line). */
export interface ChunkProblem {
  line: number;
  reason: string;
}

/** What a chunk of lines became: ready message bodies, and what could not be published. */
export interface ChunkResult {
  /** Lines consumed (empty ones included). */
  lines: number;
  /** Non-empty lines, the header included. */
  linesRead: number;
  /** Measures the lines held, valid or not. */
  measures: number;
  /** Lines that did not parse or map. */
  bad: ChunkProblem[];
  /** Measures the contract refuses, with the schema's reasons. */
  invalid: ChunkProblem[];
  /** The messages, one after the other in `body`: message i is `sizes[i]` bytes holding `counts[i]` measures. */
  body: Buffer;
  sizes: number[];
  counts: number[];
  /** Valid measures held back to fill the next message (sent by a later chunk or flush). */
  carried: number;
  /** The CSV columns in use, to remember across restarts. */
  columns?: string[];
}

/**
 * ChunkParser turns chunks of complete lines into message bodies ready to publish: CSV parse or JSON,
 * column mapping, validation against openapi.yaml's Measure schema, serialisation. It runs in the file
 * adapter's worker thread (parse-worker.ts), so the main thread only publishes and tracks confirms.
 *
 * Measures of a column mapping (CSV always; JSON lines with a mapping) have a shape the mapping guarantees,
 * so they are checked with `isValidMeasure` (lib/contract, the consumer's fast check) and serialised field
 * by field, both exactly equivalent to ajv and JSON.stringify for that shape (proved in
 * test/unit/adapters/mapped-measure.test.ts), as long
 * as openapi.yaml holds the schema that check implements; otherwise, and for unmapped JSON lines, ajv
 * validates and JSON.stringify serialises. A measure the check refuses gets ajv's verdict and reasons.
 *
 * Messages are filled up to maxMeasuresPerMessage across chunks (as the SDK batches): the measures of a
 * chunk's last, partial message are carried into the next chunk's first message, until flush().
 */
export class ChunkParser {
  private parser: RecordParser;
  private readonly validator: MeasureValidator;
  private readonly fast: boolean;
  private writer?: CsvRowWriter;
  private writerColumns?: readonly string[];
  /** Sealed messages are output[0, messageStart); the message being filled is output[messageStart, outputAt). */
  private output: Buffer = Buffer.allocUnsafeSlow(1 << 21);
  private outputAt = 0;
  private messageStart = 0;
  private messageCount = 0;
  private sizes: number[] = [];
  private counts: number[] = [];

  constructor(private readonly options: ChunkParserOptions) {
    this.parser = this.newParser();
    this.validator = new MeasureValidator(options.schemaPath);
    const mapped = options.format === 'csv' || options.mapping !== undefined;
    this.fast = mapped && measureCheckApplies(this.validator.schemas);
  }

  /** Forgets the CSV header (a new file); `columns` restores those remembered from an earlier run. */
  reset(columns?: readonly string[]): void {
    this.parser = this.newParser();
    if (columns && this.parser instanceof CsvRecordParser) this.parser.restore(columns);
    this.outputAt = this.messageStart;
    this.messageCount = 0;
  }

  /** Whether the fast check is in use (openapi.yaml holds the schema it implements). */
  get fastCheck(): boolean {
    return this.fast;
  }

  /** Parses complete lines separated by `\n` (no final newline); with `flush`, sends what is carried too. */
  parse(input: Buffer | string, flush = false): ChunkResult {
    const src = typeof input === 'string' ? Buffer.from(input) : input;
    const bad: ChunkProblem[] = [];
    const invalid: ChunkProblem[] = [];
    const measures: Measure[] = [];
    const max = this.options.maxMeasuresPerMessage;
    const maxBytes = this.options.maxMessageBytes;
    let lines = 0;
    let linesRead = 0;
    let count = 0;
    let at = 0;
    if (src.length > 0 || !flush) {
      for (;;) {
        const newline = src.indexOf(NEWLINE, at);
        const end = newline < 0 ? src.length : newline;
        lines += 1;
        if (end > at) {
          let done = false;
          const writer = this.writerFor();
          if (writer) {
            const bound = writer.maxRowBytes(end - at) + 2;
            if (bound <= maxBytes) {
              if (this.messageCount > 0 && this.outputAt - this.messageStart + bound > maxBytes) this.seal();
              this.reserve(bound);
              const first = this.messageCount === 0;
              this.output[this.outputAt] = first ? OPEN : COMMA;
              const written = writer.write(src, at, end, this.output, this.outputAt + 1);
              if (written >= 0) {
                done = true;
                linesRead += 1;
                count += 1;
                this.outputAt = written;
                this.messageCount += 1;
                if (this.messageCount >= max) this.seal();
              }
            }
          }
          if (!done) {
            const line = src.toString('utf8', at, end);
            if (line.trim() !== '') {
              linesRead += 1;
              const parser = this.parser;
              if (parser.wantsHeader) parser.header(line);
              else {
                measures.length = 0;
                const error = parser.parseInto(line, measures);
                if (error !== undefined) bad.push({ line: lines, reason: error });
                else {
                  count += measures.length;
                  for (const measure of measures) {
                    let reason: string | undefined;
                    if (this.fast ? isValidMeasure(measure) : this.validator.isValid(measure)) {
                      reason = this.add(this.fast ? serializeMappedMeasure(measure) : JSON.stringify(measure));
                    } else {
                      const errors = this.validator.errors(measure);
                      if (errors.length === 0) reason = this.add(JSON.stringify(measure)); // ajv has the last word
                      else reason = errors.join('; ');
                    }
                    if (reason !== undefined) invalid.push({ line: lines, reason });
                  }
                }
              }
            }
          }
        }
        if (newline < 0) break;
        at = newline + 1;
      }
    }
    if (flush) this.seal();
    const result: ChunkResult = {
      lines,
      linesRead,
      measures: count,
      bad,
      invalid,
      body: this.output.subarray(0, this.messageStart),
      sizes: this.sizes,
      counts: this.counts,
      carried: this.messageCount,
      columns: this.parser.columns ? [...this.parser.columns] : undefined,
    };
    // The sealed messages are handed over (transferred from the worker); the one being filled moves to a new buffer.
    const next = Buffer.allocUnsafeSlow(Math.max(1 << 21, this.messageStart + (this.messageStart >> 2)));
    this.output.copy(next, 0, this.messageStart, this.outputAt);
    this.output = next;
    this.outputAt -= this.messageStart;
    this.messageStart = 0;
    this.sizes = [];
    this.counts = [];
    return result;
  }

  /** The fast path for the current header, if the mapping is one it handles (and the fast check applies). */
  private writerFor(): CsvRowWriter | undefined {
    if (!this.fast || this.options.fastPath === false || !(this.parser instanceof CsvRecordParser) || this.parser.wantsHeader) return undefined;
    const columns = this.parser.columns;
    if (columns !== this.writerColumns) {
      this.writerColumns = columns;
      const csv = this.options.csv;
      this.writer = columns ? compileCsvRowWriter(this.options.mapping ?? {}, columns, csv.delimiter, csv.quote, this.options.defaultExperiment) : undefined;
    }
    return this.writer;
  }

  /** Adds one measure's JSON to the message being filled; or says why it cannot be sent. */
  private add(json: string): string | undefined {
    const bytes = Buffer.byteLength(json);
    const maxBytes = this.options.maxMessageBytes;
    if (bytes + 2 > maxBytes) return `the measure is ${bytes} bytes of JSON, more than a message may hold (maxMessageBytes ${maxBytes})`;
    // '[' or ',' before it, ']' after the last
    if (this.messageCount > 0 && this.outputAt - this.messageStart + bytes + 2 > maxBytes) this.seal();
    this.reserve(bytes + 2);
    this.output[this.outputAt] = this.messageCount === 0 ? OPEN : COMMA;
    this.outputAt += 1 + this.output.write(json, this.outputAt + 1, bytes, 'utf8');
    this.messageCount += 1;
    if (this.messageCount >= this.options.maxMeasuresPerMessage) this.seal();
    return undefined;
  }

  /** Closes the message being filled. */
  private seal(): void {
    if (this.messageCount === 0) return;
    this.reserve(1);
    this.output[this.outputAt++] = CLOSE;
    this.sizes.push(this.outputAt - this.messageStart);
    this.counts.push(this.messageCount);
    this.messageStart = this.outputAt;
    this.messageCount = 0;
  }

  private reserve(bytes: number): void {
    if (this.outputAt + bytes <= this.output.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.output.length * 2, this.outputAt + bytes));
    this.output.copy(grown, 0, 0, this.outputAt);
    this.output = grown;
  }

  private newParser(): RecordParser {
    return this.options.format === 'jsonl'
      ? new JsonLinesRecordParser(this.options.mapping, this.options.defaultExperiment)
      : new CsvRecordParser(this.options.csv, this.options.mapping ?? {}, this.options.defaultExperiment);
  }
}

const NEWLINE = 0x0a;
const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]
