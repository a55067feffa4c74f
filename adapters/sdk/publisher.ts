import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { backoffDelay } from '../../lib/amqp/backoff';
import { brokerAddress, isUnreachable, PROBE_INTERVAL_MS, tcpReachable, waitOrProbe } from '../../lib/amqp/broker-probe';
import { permanentConnectFailure, PermanentConnectError } from '../../lib/amqp/connect-failure';
import { withHeartbeat } from '../../lib/amqp/heartbeat';
import { BufferFullError, PublisherClosedError } from './errors';
import type { InvalidMeasure, Measure } from './measure';
import { MeasureValidator } from './measure-validator';

/** Where the publisher writes its own diagnostics; winston loggers and `console` both fit. */
export interface PublisherLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface PublisherOptions {
  /** amqp:// or amqps:// URL with credentials, e.g. `amqp://guest:guest@localhost:5672`. */
  url: string;
  /** Topic exchange the consumer binds its queue to. Default `mymonit`. */
  exchange?: string;
  /** Default `measures`. */
  routingKey?: string;
  /** Declare the exchange (topic, durable, as the consumer does) at each connect. Default true. */
  assertExchange?: boolean;
  /** Shown by the broker (`rabbitmqctl list_connections client_properties`); default `mymonit-adapter <pid>`. */
  connectionName?: string;
  /** Measures per message, 1..10000 (the consumer's limit). Default 500. */
  maxMeasuresPerMessage?: number;
  /** A message body never exceeds this many bytes (the consumer's MAX_MESSAGE_BYTES). Default 1 MiB. */
  maxMessageBytes?: number;
  /** How long a measure may wait for companions before a partial message is sent. Default 50 ms. */
  lingerMs?: number;
  /** Measures held (buffered or waiting for a confirm) at most. Default 100000. */
  bufferSize?: number;
  /** When the buffer is full: 'block' makes publish() wait for space, 'fail' makes it throw BufferFullError. */
  whenFull?: 'block' | 'fail';
  /** Messages published and not yet confirmed, at most. Default 256. */
  maxInFlightMessages?: number;
  /** Validate each measure against openapi.yaml's Measure schema. Default true. */
  validate?: boolean;
  /** openapi.yaml; default: found upwards from the SDK's own directory. */
  schemaPath?: string;
  /** Reconnection backoff: first delay, doubled per failed attempt up to the maximum (±20% jitter). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Delay before a message the broker returned as unroutable (no queue bound yet) is published again. */
  unroutableRetryMs?: number;
  /** Heartbeat in seconds, unless the URL sets `heartbeat`. Default 15. */
  heartbeatSeconds?: number;
  /** How long close() waits for the last confirms. Default 30000 ms. */
  closeTimeoutMs?: number;
  logger?: PublisherLogger;
}

/** What publish() did with its input. */
export interface PublishOutcome {
  /** Measures taken into the buffer. */
  accepted: number;
  /** Measures refused by schema validation (counted as droppedInvalid), with their index in the input. */
  invalid: InvalidMeasure[];
  /** Sequence number of the last accepted measure; `await whenConfirmed(sequence)` waits for its confirm. */
  sequence: number;
}

/** A message serialised by the caller: a JSON array of `count` measures (see publishSerialized). */
export interface SerializedMessage {
  body: Buffer;
  count: number;
}

/** Counters since construction; measures unless the name says messages. */
export interface PublisherStats {
  accepted: number;
  /** Measures written to the broker the first time. */
  published: number;
  /** Measures the broker confirmed (each once, even if republished). */
  confirmed: number;
  /** Measures written again: nacked, in flight when the connection died, or returned unroutable. */
  republished: number;
  droppedInvalid: number;
  unroutable: number;
  messagesPublished: number;
  messagesConfirmed: number;
  nacks: number;
  connections: number;
  /** Measures held now (buffered or waiting for a confirm). */
  buffered: number;
  /** Measures close() gave up on (closeTimeoutMs elapsed before their confirm). */
  unconfirmedAtClose: number;
  connected: boolean;
}

const DEFAULTS = {
  exchange: 'mymonit',
  routingKey: 'measures',
  assertExchange: true,
  maxMeasuresPerMessage: 500,
  maxMessageBytes: 1_048_576,
  lingerMs: 50,
  bufferSize: 100_000,
  whenFull: 'block' as 'block' | 'fail',
  maxInFlightMessages: 256,
  validate: true,
  reconnectInitialMs: 200,
  reconnectMaxMs: 30_000,
  unroutableRetryMs: 2_000,
  heartbeatSeconds: 15,
  closeTimeoutMs: 30_000,
};

/** One message: a contiguous run of sequence numbers, kept until the broker confirmed it. */
interface Batch {
  id: number;
  messageId: string;
  body: Buffer;
  firstSeq: number;
  lastSeq: number;
  count: number;
  /** Connection generation it was last written on; 0 while waiting to be written again. */
  generation: number;
  returned: boolean;
  writes: number;
}

interface Waiter {
  seq: number;
  resolve(): void;
  reject(error: Error): void;
}

const silentLogger: PublisherLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * MeasurePublisher publishes measures to the MyMONIT exchange with publisher confirms.
 *
 * Measures are validated, serialised and buffered; they leave in messages of up to maxMeasuresPerMessage
 * (or maxMessageBytes), or after lingerMs. Each message is persistent, `application/json`, with a uuid
 * `message_id` that stays the same when it is republished. A message the broker nacks, returns as
 * unroutable, or that was in flight when the connection died is published again, so every measure
 * accepted is eventually confirmed, or counted in unconfirmedAtClose. Each accepted measure has a
 * sequence number; `confirmedThrough()` is the highest n such that measures 1..n are all confirmed.
 */
export class MeasurePublisher {
  private readonly options: typeof DEFAULTS & { url: string; connectionName: string };
  private readonly logger: PublisherLogger;
  private readonly validator?: MeasureValidator;

  /** Accepted measures not yet in a message; pending[pendingHead] has sequence number pendingFirstSeq. */
  private pending: unknown[] = [];
  private pendingHead = 0;
  private pendingFirstSeq = 1;
  private pendingSince = 0;
  private readonly retry: Batch[] = [];
  /** Messages formed and not yet written (publishSerialized), oldest first; they go after retry, before pending. */
  private readonly ready: Batch[] = [];
  /** Every batch not yet confirmed, in creation (= sequence) order. */
  private readonly outstanding = new Map<number, Batch>();
  private held = 0;
  private inFlight = 0;
  private lastSeq = 0;
  private nextBatchId = 1;
  /** Measures up to this sequence leave without waiting for lingerMs (flush, publishAndConfirm). */
  private flushThrough = 0;

  private connection?: amqp.ChannelModel;
  private channel?: amqp.ConfirmChannel;
  private generation = 0;
  private writable = true;
  private connecting?: Promise<void>;
  private started = false;
  private closing = false;
  private closed = false;
  private readonly abort = new AbortController();
  private closedPromise: Promise<void> = Promise.resolve();
  private lingerTimer?: NodeJS.Timeout;
  private lingerDue = 0;

  private readonly confirmWaiters: Waiter[] = [];
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly counters = {
    accepted: 0,
    published: 0,
    confirmed: 0,
    republished: 0,
    droppedInvalid: 0,
    unroutable: 0,
    messagesPublished: 0,
    messagesConfirmed: 0,
    nacks: 0,
    connections: 0,
    unconfirmedAtClose: 0,
  };

  constructor(options: PublisherOptions) {
    const merged = { ...DEFAULTS, ...definedOnly(options) };
    if (!Number.isInteger(merged.maxMeasuresPerMessage) || merged.maxMeasuresPerMessage < 1 || merged.maxMeasuresPerMessage > 10_000) {
      throw new RangeError(`maxMeasuresPerMessage must be an integer in 1..10000 (got ${merged.maxMeasuresPerMessage})`);
    }
    if (!(merged.bufferSize >= merged.maxMeasuresPerMessage)) {
      throw new RangeError(`bufferSize (${merged.bufferSize}) must be at least maxMeasuresPerMessage (${merged.maxMeasuresPerMessage})`);
    }
    if (merged.whenFull !== 'block' && merged.whenFull !== 'fail') {
      throw new RangeError(`whenFull must be 'block' or 'fail' (got ${String(merged.whenFull)})`);
    }
    if (!options.url) throw new RangeError('url is required (amqp://user:password@host:5672)');
    this.options = { ...merged, url: options.url, connectionName: options.connectionName ?? `mymonit-adapter ${process.pid}` };
    this.logger = options.logger ?? silentLogger;
    if (merged.validate) this.validator = new MeasureValidator(options.schemaPath);
  }

  /**
   * Connects, retrying with backoff until connected or closed while the broker is unreachable. Rejects
   * with PermanentConnectError, at once, when retrying cannot help: the broker's certificate is not
   * trusted, the credentials or the virtual host are refused. publish() may be called before.
   */
  async start(): Promise<void> {
    if (this.closing) throw new PublisherClosedError('publisher is closed');
    this.started = true;
    try {
      await this.ensureConnecting();
    } catch (error) {
      // A later start() or publish() tries again (once the CA or the credentials are fixed).
      this.started = false;
      throw error;
    }
  }

  /**
   * Validates and buffers measures. Invalid ones are dropped, counted and returned with their index. With
   * whenFull 'block' it resolves once every valid measure is buffered (waiting for space as needed); with
   * 'fail' it throws BufferFullError, accepting none, when they do not all fit. The measures are kept by
   * reference and serialised when their message is formed: do not change a measure after publishing it.
   */
  async publish(input: Measure | readonly Measure[]): Promise<PublishOutcome> {
    if (this.closing) throw new PublisherClosedError('publisher is closed: publish() after close()');
    const measures: readonly unknown[] = Array.isArray(input) ? input : [input];
    const invalid: InvalidMeasure[] = [];
    // Measures are kept as given and serialised a message at a time (half the cost of one at a time); a
    // measure the schema accepts is a few KB at most, so only a whole message can outgrow maxMessageBytes.
    let entries: readonly unknown[] = measures;
    if (this.validator) {
      const valid: unknown[] = [];
      for (let index = 0; index < measures.length; index++) {
        const measure = measures[index];
        if (this.validator.isValid(measure)) valid.push(measure);
        else invalid.push({ index, errors: this.validator.errors(measure) });
      }
      entries = valid;
    }
    this.counters.droppedInvalid += invalid.length;
    if (!this.started) {
      // The first publish() connects, for adapters that never call start().
      this.started = true;
      this.connectInBackground();
    }
    if (this.options.whenFull === 'fail' && this.held + entries.length > this.options.bufferSize) {
      throw new BufferFullError(entries.length, this.held, this.options.bufferSize);
    }
    let offset = 0;
    while (offset < entries.length) {
      let space = this.options.bufferSize - this.held;
      while (space <= 0) {
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        if (this.closed) throw new PublisherClosedError('publisher closed while publish() waited for buffer space');
        space = this.options.bufferSize - this.held;
      }
      const end = Math.min(entries.length, offset + space);
      for (; offset < end; offset++) this.enqueue(entries[offset]);
      this.schedule();
    }
    return { accepted: entries.length, invalid, sequence: this.lastSeq };
  }

  /**
   * Publishes messages the caller serialised: each body a JSON array of `count` measures (1..maxMeasuresPerMessage,
   * at most maxMessageBytes), all of them valid against the contract. The SDK does not parse or validate
   * them: this is for adapters that validate and serialise elsewhere (the file adapter does it in a worker
   * thread, with the same schema). Each measure gets its sequence number, after those publish() buffered
   * before; confirms, republishing, the bounded buffer and whenFull work as for publish(), a message at a
   * time. `droppedInvalid` counts measures the caller refused (added to stats().droppedInvalid).
   */
  async publishSerialized(messages: readonly SerializedMessage[], droppedInvalid = 0): Promise<PublishOutcome> {
    if (this.closing) throw new PublisherClosedError('publisher is closed: publishSerialized() after close()');
    let total = 0;
    for (const message of messages) {
      if (!Number.isInteger(message.count) || message.count < 1 || message.count > this.options.maxMeasuresPerMessage) {
        throw new RangeError(`a serialised message holds 1..${this.options.maxMeasuresPerMessage} measures (got ${message.count})`);
      }
      if (message.body.length > this.options.maxMessageBytes) {
        throw new RangeError(`a serialised message of ${message.body.length} bytes exceeds maxMessageBytes (${this.options.maxMessageBytes})`);
      }
      total += message.count;
    }
    this.counters.droppedInvalid += droppedInvalid;
    if (!this.started) {
      this.started = true;
      this.connectInBackground();
    }
    if (this.options.whenFull === 'fail' && this.held + total > this.options.bufferSize) {
      throw new BufferFullError(total, this.held, this.options.bufferSize);
    }
    for (const message of messages) {
      while (this.held > 0 && this.held + message.count > this.options.bufferSize) {
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        if (this.closed) throw new PublisherClosedError('publisher closed while publishSerialized() waited for buffer space');
      }
      // What publish() buffered before goes first, in messages of its own.
      while (this.pendingCount() > 0) {
        const batch = this.takeBatch();
        if (batch) this.ready.push(batch);
      }
      const firstSeq = this.lastSeq + 1;
      this.lastSeq += message.count;
      this.held += message.count;
      this.counters.accepted += message.count;
      this.pendingFirstSeq = this.lastSeq + 1;
      const batch: Batch = {
        id: this.nextBatchId++,
        messageId: randomUUID(),
        body: message.body,
        firstSeq,
        lastSeq: this.lastSeq,
        count: message.count,
        generation: 0,
        returned: false,
        writes: 0,
      };
      this.outstanding.set(batch.id, batch);
      this.ready.push(batch);
      this.schedule();
    }
    return { accepted: total, invalid: [], sequence: this.lastSeq };
  }

  /** Measures per message at most (publishSerialized callers form their messages with it). */
  get maxMeasuresPerMessage(): number {
    return this.options.maxMeasuresPerMessage;
  }

  /** Bytes per message body at most. */
  get maxMessageBytes(): number {
    return this.options.maxMessageBytes;
  }

  /** publish(), then waits until the broker confirmed every accepted measure (without lingering). */
  async publishAndConfirm(input: Measure | readonly Measure[]): Promise<PublishOutcome> {
    const outcome = await this.publish(input);
    if (outcome.accepted > 0) {
      this.flushThrough = Math.max(this.flushThrough, outcome.sequence);
      this.schedule();
      await this.whenConfirmed(outcome.sequence);
    }
    return outcome;
  }

  /** Resolves once measures 1..sequence are all confirmed; rejects if close() gives up on them. */
  whenConfirmed(sequence: number): Promise<void> {
    if (sequence <= this.confirmedThrough()) return Promise.resolve();
    if (this.closed) return Promise.reject(new PublisherClosedError(`publisher closed before measure ${sequence} was confirmed`));
    return new Promise<void>((resolve, reject) => {
      const waiter = { seq: sequence, resolve, reject };
      let i = this.confirmWaiters.length;
      while (i > 0 && this.confirmWaiters[i - 1].seq > sequence) i--;
      this.confirmWaiters.splice(i, 0, waiter);
    });
  }

  /** The highest n such that the measures with sequence 1..n are all confirmed by the broker. */
  confirmedThrough(): number {
    let lowest = Infinity;
    const first = this.outstanding.values().next();
    if (!first.done) lowest = first.value.firstSeq;
    if (this.pendingHead < this.pending.length) lowest = Math.min(lowest, this.pendingFirstSeq);
    return lowest === Infinity ? this.lastSeq : lowest - 1;
  }

  /** How long close() waits for the last confirms; adapters that flush before closing wait as long. */
  get closeTimeoutMs(): number {
    return this.options.closeTimeoutMs;
  }

  /** Sequence number of the last accepted measure. */
  lastSequence(): number {
    return this.lastSeq;
  }

  /** Sends what is buffered now, without lingering, and waits until the broker confirmed it all. */
  async flush(): Promise<void> {
    this.flushThrough = Math.max(this.flushThrough, this.lastSeq);
    this.schedule();
    await this.whenConfirmed(this.lastSeq);
  }

  /**
   * Flushes (waiting up to closeTimeoutMs, reconnecting if it must), then closes the connection.
   * Measures still unconfirmed after that are counted in unconfirmedAtClose; their whenConfirmed() rejects.
   */
  async close(): Promise<PublisherStats> {
    if (this.closing) {
      await this.closedPromise;
      return this.stats();
    }
    this.closing = true;
    let finish!: () => void;
    this.closedPromise = new Promise<void>((resolve) => (finish = resolve));
    try {
      if (this.held > 0) {
        if (!this.started && !this.channel) {
          this.started = true;
          this.connectInBackground();
        }
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.closeTimeoutMs)));
        await Promise.race([this.flush().catch(() => undefined), timeout]);
        clearTimeout(timer);
      }
      this.counters.unconfirmedAtClose = this.held;
      if (this.held > 0) {
        this.logger.error('publisher closed with measures the broker never confirmed', {
          unconfirmed: this.held,
          closeTimeoutMs: this.options.closeTimeoutMs,
        });
      }
      this.closed = true;
      this.abort.abort();
      clearTimeout(this.lingerTimer);
      const error = new PublisherClosedError('publisher closed before these measures were confirmed');
      for (const waiter of this.confirmWaiters.splice(0)) waiter.reject(error);
      for (const wake of this.spaceWaiters.splice(0)) wake();
      await this.connecting?.catch(() => undefined);
      const connection = this.connection;
      this.connection = undefined;
      this.channel = undefined;
      await connection?.close().catch(() => undefined);
    } finally {
      finish();
    }
    return this.stats();
  }

  stats(): PublisherStats {
    return { ...this.counters, buffered: this.held, connected: this.channel !== undefined };
  }

  // ---- buffering and batching -------------------------------------------------------------------------

  private enqueue(measure: unknown): void {
    this.lastSeq += 1;
    if (this.pendingHead === this.pending.length) {
      this.pendingSince = Date.now();
      this.pendingFirstSeq = this.lastSeq;
    }
    this.pending.push(measure);
    this.held += 1;
    this.counters.accepted += 1;
  }

  private pendingCount(): number {
    return this.pending.length - this.pendingHead;
  }

  /** Whether the buffered measures should leave now rather than linger. */
  private batchReady(): boolean {
    const count = this.pendingCount();
    if (count === 0) return false;
    if (count >= this.options.maxMeasuresPerMessage) return true;
    if (this.closing || this.pendingFirstSeq <= this.flushThrough) return true;
    return Date.now() - this.pendingSince >= this.options.lingerMs;
  }

  /** Writes what may be written now; arms the linger timer for what must wait. */
  private schedule(): void {
    this.pump();
    // Armed only while the measures wait for lingerMs; when they wait for the broker (in-flight limit,
    // a full socket, no connection), a confirm, 'drain' or the reconnect calls schedule() again.
    if (this.pendingCount() > 0 && !this.closed && !this.batchReady()) {
      const due = this.pendingSince + this.options.lingerMs;
      if (!this.lingerTimer || this.lingerDue !== due) {
        clearTimeout(this.lingerTimer);
        this.lingerDue = due;
        this.lingerTimer = setTimeout(() => {
          this.lingerTimer = undefined;
          this.schedule();
        }, Math.max(0, due - Date.now()));
        this.lingerTimer.unref?.();
      }
    }
  }

  /** The next message from the pending measures; undefined if the only one left could not be serialised. */
  private takeBatch(): Batch | undefined {
    const limit = this.options.maxMessageBytes;
    let count = Math.min(this.options.maxMeasuresPerMessage, this.pendingCount());
    let body = Buffer.from(JSON.stringify(this.pending.slice(this.pendingHead, this.pendingHead + count)));
    // Too large (big tags, or validation off): halve until it fits.
    while (body.length > limit && count > 1) {
      count = Math.ceil(count / 2);
      body = Buffer.from(JSON.stringify(this.pending.slice(this.pendingHead, this.pendingHead + count)));
    }
    const firstSeq = this.pendingFirstSeq;
    this.pendingHead += count;
    this.pendingFirstSeq += count;
    if (this.pendingHead === this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    } else {
      if (this.pendingHead > 65_536) {
        this.pending = this.pending.slice(this.pendingHead);
        this.pendingHead = 0;
      }
      this.pendingSince = Date.now();
    }
    if (body.length > limit) {
      // One measure larger than a message may be (only possible with validate: false): it cannot be sent.
      this.held -= 1;
      this.counters.droppedInvalid += 1;
      this.logger.error('dropped a measure larger than maxMessageBytes', { bytes: body.length, maxMessageBytes: limit, sequence: firstSeq });
      this.settleWaiters();
      return undefined;
    }
    const batch: Batch = {
      id: this.nextBatchId++,
      messageId: randomUUID(),
      body,
      firstSeq,
      lastSeq: firstSeq + count - 1,
      count,
      generation: 0,
      returned: false,
      writes: 0,
    };
    this.outstanding.set(batch.id, batch);
    return batch;
  }

  private pump(): void {
    while (this.channel && this.writable && this.inFlight < this.options.maxInFlightMessages) {
      let batch: Batch | undefined = this.retry.shift() ?? this.ready.shift();
      if (!batch) {
        if (!this.batchReady()) return;
        batch = this.takeBatch();
        if (!batch) continue;
      }
      this.write(this.channel, batch);
    }
  }

  private write(channel: amqp.ConfirmChannel, batch: Batch): void {
    const generation = this.generation;
    batch.generation = generation;
    batch.returned = false;
    batch.writes += 1;
    if (batch.writes === 1) this.counters.published += batch.count;
    else this.counters.republished += batch.count;
    this.counters.messagesPublished += 1;
    this.inFlight += 1;
    try {
      this.writable = channel.publish(
        this.options.exchange,
        this.options.routingKey,
        batch.body,
        {
          messageId: batch.messageId,
          persistent: true,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          mandatory: true,
          timestamp: Math.floor(Date.now() / 1000),
        },
        (error: unknown) => this.onConfirm(batch, generation, error),
      );
    } catch (error) {
      // The channel closed under us (amqplib throws on a closing channel): start over on a new connection,
      // which puts this batch back in line with the others that were in flight.
      this.logger.warn('publish failed, will republish after reconnecting', { error: errorMessage(error) });
      this.onConnectionLost(generation);
    }
  }

  private onConfirm(batch: Batch, generation: number, error: unknown): void {
    // A callback from a connection already given up on: its batch was queued for republishing then.
    if (batch.generation !== generation || generation !== this.generation) return;
    if (error && !(error instanceof Error && error.message === 'message nacked')) {
      // amqplib fails every pending confirm with 'channel closed' before the channel's close event:
      // that is the connection dying, not the broker refusing this message.
      this.onConnectionLost(generation);
      return;
    }
    this.inFlight -= 1;
    batch.generation = 0;
    if (error) {
      this.counters.nacks += 1;
      this.logger.warn('broker nacked a message, republishing', { messageId: batch.messageId, measures: batch.count });
      this.requeue(batch);
    } else if (batch.returned) {
      this.counters.unroutable += batch.count;
      this.logger.warn('broker returned a message as unroutable (no queue bound to the routing key?), will retry', {
        messageId: batch.messageId,
        exchange: this.options.exchange,
        routingKey: this.options.routingKey,
        retryInMs: this.options.unroutableRetryMs,
      });
      const timer = setTimeout(() => this.requeue(batch), this.options.unroutableRetryMs);
      timer.unref?.();
    } else {
      this.outstanding.delete(batch.id);
      this.held -= batch.count;
      this.counters.confirmed += batch.count;
      this.counters.messagesConfirmed += 1;
      this.settleWaiters();
    }
    this.schedule();
  }

  private requeue(batch: Batch): void {
    if (this.closed || !this.outstanding.has(batch.id)) return;
    // Keep the retry line in creation order: the oldest measures go first.
    let i = this.retry.length;
    while (i > 0 && this.retry[i - 1].id > batch.id) i--;
    this.retry.splice(i, 0, batch);
    this.schedule();
  }

  private settleWaiters(): void {
    const through = this.confirmedThrough();
    let n = 0;
    while (n < this.confirmWaiters.length && this.confirmWaiters[n].seq <= through) n++;
    for (const waiter of this.confirmWaiters.splice(0, n)) waiter.resolve();
    while (this.spaceWaiters.length > 0 && this.held < this.options.bufferSize) this.spaceWaiters.shift()?.();
  }

  // ---- connection -------------------------------------------------------------------------------------

  private ensureConnecting(): Promise<void> {
    if (this.channel) return Promise.resolve();
    this.connecting ??= this.connectLoop().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** For the connects nobody awaits (the first publish(), a lost connection): a permanent failure is logged. */
  private connectInBackground(): void {
    this.ensureConnecting().catch((error: unknown) => {
      this.started = false;
      this.logger.error('gave up connecting to RabbitMQ; the next publish() or start() tries again', { error: errorMessage(error) });
    });
  }

  /**
   * Retries transient failures with backoff; while the broker's port refused connections, a TCP probe
   * every second ends the wait when it accepts again. Throws PermanentConnectError on a failure retrying
   * cannot fix.
   */
  private async connectLoop(): Promise<void> {
    const { host, port } = brokerAddress(this.options.url);
    const probe = () => tcpReachable(host, port, PROBE_INTERVAL_MS);
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        const permanent = permanentConnectFailure(error);
        if (permanent) throw new PermanentConnectError(permanent, { cause: error });
        const delay = backoffDelay(attempt, this.options.reconnectInitialMs, this.options.reconnectMaxMs);
        this.logger.warn('cannot connect to RabbitMQ, retrying', { error: errorMessage(error), retryInMs: delay, attempt: attempt + 1 });
        await waitOrProbe(delay, this.abort.signal, isUnreachable(error) ? probe : undefined);
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const connection = await amqp.connect(withHeartbeat(this.options.url, this.options.heartbeatSeconds), {
      clientProperties: { connection_name: this.options.connectionName },
      timeout: 10_000,
    });
    let channel: amqp.ConfirmChannel;
    try {
      connection.on('error', (error: Error) => this.logger.warn('RabbitMQ connection error', { error: error.message }));
      channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => this.logger.warn('RabbitMQ channel error', { error: error.message }));
      if (this.options.assertExchange) await channel.assertExchange(this.options.exchange, 'topic', { durable: true });
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await connection.close().catch(() => undefined);
      return;
    }
    this.generation += 1;
    const generation = this.generation;
    this.connection = connection;
    this.channel = channel;
    this.writable = true;
    this.inFlight = 0;
    this.counters.connections += 1;
    channel.on('drain', () => {
      if (generation !== this.generation) return;
      this.writable = true;
      this.schedule();
    });
    channel.on('return', (message: amqp.Message) => {
      const id = message.properties.messageId as string | undefined;
      for (const batch of this.outstanding.values()) {
        if (batch.messageId === id) batch.returned = true;
      }
    });
    connection.on('blocked', (reason: string) => this.logger.warn('RabbitMQ blocked the connection (resource alarm)', { reason }));
    connection.on('unblocked', () => this.logger.info('RabbitMQ unblocked the connection'));
    const lost = () => this.onConnectionLost(generation);
    connection.on('close', lost);
    channel.on('close', lost);
    this.logger.info('connected to RabbitMQ', { connectionName: this.options.connectionName, exchange: this.options.exchange });
    // Whatever was in flight on the previous connection was queued for republishing when it died.
    this.schedule();
  }

  private onConnectionLost(generation: number): void {
    if (generation !== this.generation || this.closed) return;
    const connection = this.connection;
    this.generation += 1;
    this.channel = undefined;
    this.connection = undefined;
    void connection?.close().catch(() => undefined);
    let lostInFlight = 0;
    for (const batch of this.outstanding.values()) {
      if (batch.generation === generation) {
        batch.generation = 0;
        lostInFlight += 1;
        this.requeue(batch);
      }
    }
    this.inFlight = 0;
    this.logger.warn('lost the RabbitMQ connection; reconnecting, unconfirmed messages will be republished', {
      unconfirmedMessages: lostInFlight,
      buffered: this.held,
    });
    if (this.started) this.connectInBackground();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
