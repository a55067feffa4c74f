import fs from 'node:fs/promises';
import path from 'node:path';
import { PublisherClosedError, type MeasurePublisher, type Measure } from '../sdk';
import { BadInputReporter } from '../common/bad-input';
import type { AdapterJob } from '../common/cli';
import type { AdapterLogger } from '../common/logger';
import { defaultStateFile, resolveFormat, type FileSection } from './config';
import { CsvRecordParser, JsonLinesRecordParser, type RecordParser } from './record-parser';
import { StateFile, type FilePosition } from './state-file';

const NEWLINE = 0x0a;

/** A position the file adapter may save once the publisher confirmed every measure up to `sequence`. */
interface Checkpoint {
  sequence: number;
  offset: number;
  line: number;
}

/**
 * FileAdapter reads a CSV or JSON-lines file, once or following it as it grows, and publishes each line's
 * measures. It remembers, in a state file, the byte offset after the last line whose measures the broker
 * confirmed: a restart resumes there (at worst republishing up to one chunk, which the consumer
 * deduplicates), and a rotated, replaced or truncated file is read from its start.
 */
export class FileAdapter implements AdapterJob {
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly file: string;
  private readonly parser: RecordParser;
  private readonly state: StateFile;
  private readonly bad: BadInputReporter;
  private readonly checkpoints: Checkpoint[] = [];

  private handle?: fs.FileHandle;
  private identity = { dev: 0, ino: 0 };
  private offset = 0;
  private line = 0;
  private leftover: Buffer = Buffer.alloc(0);
  private saved?: { offset: number; line: number; ino: number };
  private stopping = false;
  private loop?: Promise<void>;
  private checkpointTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private readonly counters = { linesRead: 0, measuresRead: 0, badLines: 0, invalidMeasures: 0, restarts: 0 };

  constructor(
    private readonly config: FileSection,
    private readonly publisher: MeasurePublisher,
    private readonly logger: AdapterLogger,
    defaultExperiment?: string,
  ) {
    this.file = config.path;
    this.parser =
      resolveFormat(config.path, config.format) === 'jsonl'
        ? new JsonLinesRecordParser(config.mapping, defaultExperiment)
        : new CsvRecordParser(config.csv, config.mapping ?? {}, defaultExperiment);
    this.state = new StateFile(config.stateFile ?? defaultStateFile(config.path));
    this.bad = new BadInputReporter(logger);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  async start(): Promise<void> {
    await this.open(await this.state.read());
    this.checkpointTimer = setInterval(() => void this.checkpoint(), this.config.checkpointIntervalMs);
    this.loop = this.run().catch((error: Error) => {
      if (error instanceof PublisherClosedError && this.stopping) return; // stopped while waiting for buffer space
      this.logger.error('file adapter stopped on an error', { file: this.file, error: error.message });
      throw error;
    });
    this.loop.then(
      () => this.resolveFinished(),
      () => this.resolveFinished(),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // The loop ends after the chunk it is publishing; with the broker gone and the buffer full, that
    // publish() waits for space, so stop does not wait for it: the publisher's close() ends that wait.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop?.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
    clearInterval(this.checkpointTimer);
    await this.settle();
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  summary(): Record<string, unknown> {
    return { file: this.file, ...this.counters, badInput: this.bad.count, offset: this.saved?.offset ?? 0, stateFile: this.state.file };
  }

  /** Opens the file at the remembered position, unless it is another file now or shorter than that. */
  private async open(position: FilePosition | undefined): Promise<void> {
    this.handle = await fs.open(this.file, 'r');
    const stat = await this.handle.stat();
    this.identity = { dev: stat.dev, ino: stat.ino };
    this.offset = 0;
    this.line = 0;
    this.leftover = Buffer.alloc(0);
    if (position && position.ino === stat.ino && position.dev === stat.dev && position.offset <= stat.size) {
      this.offset = position.offset;
      this.line = position.line;
      if (position.columns && this.parser instanceof CsvRecordParser) this.parser.restore(position.columns);
      this.logger.info('resuming at the remembered position', { file: this.file, offset: this.offset, line: this.line });
    } else if (position) {
      this.counters.restarts += 1;
      this.logger.info('the file was replaced or truncated since the last run: reading it from the start', { file: this.file });
    }
    this.saved = { offset: this.offset, line: this.line, ino: stat.ino };
  }

  private async run(): Promise<void> {
    const buffer = Buffer.allocUnsafe(this.config.chunkBytes);
    for (;;) {
      const read = await this.readAvailable(buffer);
      if (this.stopping) return;
      if (this.config.mode === 'once') {
        await this.endOfInput();
        await this.settle();
        return;
      }
      if (!read) {
        await this.sleep(this.config.pollIntervalMs);
        if (this.stopping) return;
        await this.checkRotation(buffer);
      }
    }
  }

  /** Reads and publishes everything there is now; true if anything was read. */
  private async readAvailable(buffer: Buffer): Promise<boolean> {
    let any = false;
    while (!this.stopping && this.handle) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.offset + this.leftover.length);
      if (bytesRead === 0) return any;
      any = true;
      const chunk = buffer.subarray(0, bytesRead);
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      if (lastNewline < 0) {
        this.leftover = Buffer.concat([this.leftover, chunk]);
        continue;
      }
      const complete = this.leftover.length > 0 ? Buffer.concat([this.leftover, chunk.subarray(0, lastNewline)]) : chunk.subarray(0, lastNewline);
      const consumed = complete.length + 1;
      this.leftover = Buffer.from(chunk.subarray(lastNewline + 1));
      await this.publishLines(complete.toString('utf8').split('\n'), this.offset + consumed);
      this.offset += consumed;
    }
    return any;
  }

  /** At the end of a file read once, a last line without a newline still counts. */
  private async endOfInput(): Promise<void> {
    if (this.leftover.length === 0) return;
    const last = this.leftover;
    this.leftover = Buffer.alloc(0);
    await this.publishLines([last.toString('utf8')], this.offset + last.length);
    this.offset += last.length;
  }

  private async publishLines(lines: string[], endOffset: number): Promise<void> {
    const measures: Measure[] = [];
    const lineOf: number[] = [];
    for (const text of lines) {
      this.line += 1;
      if (text.trim() === '') continue;
      this.counters.linesRead += 1;
      if (this.parser.wantsHeader) {
        this.parser.header(text);
        continue;
      }
      const error = this.parser.parseInto(text, measures);
      if (error !== undefined) {
        this.counters.badLines += 1;
        this.bad.report({ file: this.file, line: this.line }, error);
        continue;
      }
      while (lineOf.length < measures.length) lineOf.push(this.line);
    }
    if (measures.length > 0) {
      const outcome = await this.publisher.publish(measures);
      this.counters.measuresRead += measures.length;
      for (const invalid of outcome.invalid) {
        this.counters.invalidMeasures += 1;
        this.bad.report({ file: this.file, line: lineOf[invalid.index] }, invalid.errors.join('; '));
      }
    }
    this.checkpoints.push({ sequence: this.publisher.lastSequence(), offset: endOffset, line: this.line });
  }

  /** Saves the furthest position whose measures are all confirmed. */
  private async checkpoint(): Promise<void> {
    const confirmed = this.publisher.confirmedThrough();
    let reached: Checkpoint | undefined;
    while (this.checkpoints.length > 0 && this.checkpoints[0].sequence <= confirmed) reached = this.checkpoints.shift();
    if (!reached) return;
    if (this.saved && this.saved.offset === reached.offset && this.saved.ino === this.identity.ino) return;
    const position: FilePosition = {
      version: 1,
      path: path.resolve(this.file),
      dev: this.identity.dev,
      ino: this.identity.ino,
      offset: reached.offset,
      line: reached.line,
      columns: this.parser.columns ? [...this.parser.columns] : undefined,
      updatedAt: new Date().toISOString(),
    };
    this.saved = { offset: reached.offset, line: reached.line, ino: this.identity.ino };
    try {
      await this.state.write(position);
    } catch (error) {
      this.logger.error('cannot save the file position', { stateFile: this.state.file, error: (error as Error).message });
    }
  }

  /** Waits (up to the publisher's closeTimeoutMs) for the broker to confirm what was read, then saves the position. */
  private async settle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.publisher.flush().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, this.publisher.closeTimeoutMs))),
    ]);
    clearTimeout(timer);
    await this.checkpoint();
  }

  /** Follow mode: a new file at the path (rotation) or a shorter one (truncation) is read from its start. */
  private async checkRotation(buffer: Buffer): Promise<void> {
    let stat;
    try {
      stat = await fs.stat(this.file);
    } catch {
      return; // rotated away and not yet recreated
    }
    const replaced = stat.ino !== this.identity.ino || stat.dev !== this.identity.dev;
    const truncated = !replaced && stat.size < this.offset + this.leftover.length;
    if (!replaced && !truncated) return;
    if (replaced) await this.readAvailable(buffer); // the rest of the old file first
    await this.settle();
    await this.handle?.close().catch(() => undefined);
    this.counters.restarts += 1;
    this.logger.info(replaced ? 'the file was rotated: reading the new one' : 'the file was truncated: reading it from the start', { file: this.file });
    this.checkpoints.length = 0;
    await this.open(undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
