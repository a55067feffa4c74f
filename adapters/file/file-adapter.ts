import fs from 'node:fs/promises';
import path from 'node:path';
import { PublisherClosedError, type MeasurePublisher } from '../sdk';
import type { SerializedMessage } from '../sdk/publisher';
import { BadInputReporter } from '../common/bad-input';
import type { AdapterJob } from '../common/cli';
import type { AdapterLogger } from '../common/logger';
import { defaultStateFile, resolveFormat, type FileSection } from './config';
import type { ChunkResult } from './chunk-parser';
import { ParserThread } from './parser-thread';
import { StateFile, type FilePosition } from './state-file';

const NEWLINE = 0x0a;
/** Chunks handed to the parser thread and not yet published, at most: it parses the next while this thread publishes. */
const PIPELINE_DEPTH = 2;

/** A position the file adapter may save once the publisher confirmed every measure up to `sequence`. */
/** A chunk in the parser thread: its result, and the file offset after its last line. */
interface InParser {
  result: Promise<ChunkResult>;
  endOffset: number;
}

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
 *
 * Parsing, mapping, validation and serialisation run in a worker thread (ChunkParser, parse-worker.ts),
 * a chunk ahead of this thread, which reads the file, publishes the ready messages
 * (MeasurePublisher.publishSerialized) and tracks confirms and positions.
 */
export class FileAdapter implements AdapterJob {
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly file: string;
  private thread?: ParserThread;
  private readonly inParser: InParser[] = [];
  /** Chunks were parsed since the parser thread last sent the measures it carries over. */
  private unflushed = false;
  private columns?: string[];
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
    private readonly defaultExperiment?: string,
  ) {
    this.file = config.path;
    this.state = new StateFile(config.stateFile ?? defaultStateFile(config.path));
    this.bad = new BadInputReporter(logger);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  async start(): Promise<void> {
    this.thread = new ParserThread({
      format: resolveFormat(this.config.path, this.config.format),
      csv: this.config.csv,
      mapping: this.config.mapping,
      defaultExperiment: this.defaultExperiment,
      maxMeasuresPerMessage: this.publisher.maxMeasuresPerMessage,
      maxMessageBytes: this.publisher.maxMessageBytes,
    });
    // The worker loads openapi.yaml and compiles the schema, as the publisher did: a failure shows at start.
    const fastCheck = await this.thread.ready();
    if (!fastCheck && resolveFormat(this.config.path, this.config.format) === 'csv') {
      this.logger.warn('openapi.yaml holds another Measure schema than the fast check implements: validating every measure with ajv', { file: this.file });
    }
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
    await this.thread?.close().catch(() => undefined);
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
    this.columns = undefined;
    if (position && position.ino === stat.ino && position.dev === stat.dev && position.offset <= stat.size) {
      this.offset = position.offset;
      this.line = position.line;
      this.columns = position.columns;
      await this.thread?.reset(position.columns);
      this.logger.info('resuming at the remembered position', { file: this.file, offset: this.offset, line: this.line });
    } else if (position) {
      this.counters.restarts += 1;
      this.logger.info('the file was replaced or truncated since the last run: reading it from the start', { file: this.file });
      await this.thread?.reset();
    } else await this.thread?.reset();
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
      if (bytesRead === 0) break;
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
      this.submit(complete, this.offset + consumed, false); // copied to the thread at once: the buffer is free again
      this.offset += consumed;
      while (this.inParser.length > PIPELINE_DEPTH && !this.stopping) await this.publishNext();
    }
    await this.drain();
    return any;
  }

  /** At the end of a file read once, a last line without a newline still counts. */
  private async endOfInput(): Promise<void> {
    if (this.leftover.length === 0) return;
    const last = this.leftover;
    this.leftover = Buffer.alloc(0);
    this.submit(last, this.offset + last.length, false);
    this.offset += last.length;
    await this.drain();
  }

  /** Hands complete lines (without their last newline) to the parser thread; `endOffset` follows them in the file. */
  private submit(lines: Buffer, endOffset: number, flush: boolean): void {
    if (!this.thread) throw new Error('file adapter not started');
    const result = this.thread.parse(lines, flush);
    result.catch(() => undefined); // abandoned when stopping; otherwise awaited (and thrown) by publishNext
    this.inParser.push({ result, endOffset });
    this.unflushed = !flush;
  }

  /** Publishes every chunk in the parser thread, and the measures it carries over for a fuller message. */
  private async drain(): Promise<void> {
    if (this.unflushed && !this.stopping) this.submit(Buffer.alloc(0), this.offset, true);
    while (this.inParser.length > 0 && !this.stopping) await this.publishNext();
    this.inParser.length = 0;
  }

  /** Publishes the oldest chunk's messages, reports its bad lines, and notes its position as a checkpoint. */
  private async publishNext(): Promise<void> {
    const next = this.inParser.shift();
    if (!next) return;
    const result = await next.result;
    const base = this.line;
    this.line += result.lines;
    this.counters.linesRead += result.linesRead;
    this.columns = result.columns;
    for (const problem of result.bad) {
      this.counters.badLines += 1;
      this.bad.report({ file: this.file, line: base + problem.line }, problem.reason);
    }
    if (result.counts.length > 0 || result.invalid.length > 0) {
      const messages: SerializedMessage[] = [];
      let at = 0;
      for (const [i, count] of result.counts.entries()) {
        const size = result.sizes[i];
        if (size === undefined) throw new Error(`serialized message ${i} has no size`);
        messages.push({ body: result.body.subarray(at, at + size), count });
        at += size;
      }
      await this.publisher.publishSerialized(messages, result.invalid.length);
    }
    this.counters.measuresRead += result.measures;
    for (const problem of result.invalid) {
      this.counters.invalidMeasures += 1;
      this.bad.report({ file: this.file, line: base + problem.line }, problem.reason);
    }
    // The measures carried into the next message get the next sequence numbers: this position is
    // confirmed once they are too.
    this.checkpoints.push({ sequence: this.publisher.lastSequence() + result.carried, offset: next.endOffset, line: this.line });
  }

  /** Saves the furthest position whose measures are all confirmed. */
  private async checkpoint(): Promise<void> {
    const confirmed = this.publisher.confirmedThrough();
    let reached: Checkpoint | undefined;
    for (let next = this.checkpoints[0]; next !== undefined && next.sequence <= confirmed; next = this.checkpoints[0]) {
      reached = this.checkpoints.shift();
    }
    if (!reached) return;
    if (this.saved && this.saved.offset === reached.offset && this.saved.ino === this.identity.ino) return;
    const position: FilePosition = {
      version: 1,
      path: path.resolve(this.file),
      dev: this.identity.dev,
      ino: this.identity.ino,
      offset: reached.offset,
      line: reached.line,
      columns: this.columns ? [...this.columns] : undefined,
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
