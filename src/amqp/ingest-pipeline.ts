import type { ConsumeMessage } from 'amqplib';
import type { Logger } from '../logging/logger';
import type { IngestItem, ReceivedMessage } from '../services/contracts';
import type { CommitSlots } from './commit-slots';
import type { Disposition, MessageProcessor } from './message-processor';
import { describeError } from './storage-failure';

/** What the pipeline needs of its channel: amqplib's ack and nack. */
export interface SettleChannel {
  ack(message: Pick<ConsumeMessage, 'fields'>, allUpTo?: boolean): void;
  nack(message: Pick<ConsumeMessage, 'fields'>, allUpTo?: boolean, requeue?: boolean): void;
}

export interface BatchLimits {
  /** Close a batch once it holds this many measures (INGEST_BATCH_SIZE); a bigger message is a batch alone. */
  measures: number;
  /**
   * Close a batch at this many messages: the prefetch shared between the batches committing, the one
   * prepared behind them and the one filling, so that the broker never waits for an ack to fill a batch.
   */
  messages: number;
  /** How long the first message of a partial batch waits for company (INGEST_LINGER_MS). */
  lingerMs: number;
}

interface Pending {
  /**
   * What settling needs of the delivery (amqplib acks by fields.deliveryTag): the rest of amqplib's message
   * (its properties and headers objects) is let go on arrival, so that a prefetch's worth of waiting
   * deliveries costs the garbage collector fewer surviving objects.
   */
  delivery: Pick<ConsumeMessage, 'fields'>;
  message: ReceivedMessage;
  /** performance.now() at arrival: the linger deadline of a batch counts from its oldest delivery. */
  at: number;
  /** Set once parsed; until then only the raw body is held. */
  item?: IngestItem;
  /** Measures in the message once parsed (a rejection counts 1). */
  measures: number;
}

/**
 * IngestPipeline turns the deliveries of one channel into batches: batches close on size or linger, commit
 * through the CommitSlots, and are acked in delivery order with one ack-multiple after their commit. When
 * `stop` aborts (shutdown or a lost connection), the batch being committed finishes and everything not yet
 * committed is handed back.
 *
 * Deliveries are parsed at most one batch ahead: the next batches are parsed and prepared while the
 * current one commits, and whatever else the prefetch lets in waits as raw bodies. Parsed measures are
 * several times larger than their JSON, so memory stays bounded by RABBIT_PREFETCH x message size plus
 * three batches.
 */
export class IngestPipeline {
  private pending: Pending[] = [];
  private readonly limits: BatchLimits;
  /** pending[0 .. parsed) are parsed; they hold parsedMeasures measures. */
  private parsed = 0;
  private parsedMeasures = 0;
  /** Deliveries not yet counted in the received metric (counted per batch: a counter per message costs). */
  private uncounted = 0;
  private wake: (() => void) | undefined;
  /** Resolves once the pipeline has settled or handed back everything it received. */
  readonly finished: Promise<void>;

  constructor(
    private readonly processor: Pick<MessageProcessor, 'prepare' | 'prepareBatch' | 'commitBatch' | 'countReceived'>,
    private readonly channel: SettleChannel,
    private readonly commits: CommitSlots,
    limits: BatchLimits,
    private readonly stop: AbortSignal,
    private readonly logger: Logger,
  ) {
    this.limits = { ...limits };
    stop.addEventListener('abort', () => this.wakeUp(), { once: true });
    this.finished = this.run();
  }

  /** The consumer's prefetch changed (PrefetchSizer): batches now close at this many messages. */
  setMessageLimit(messages: number): void {
    this.limits.messages = Math.max(1, messages);
    if (this.isFull()) this.wakeUp();
  }

  add(delivery: ConsumeMessage): void {
    this.pending.push({ delivery: { fields: delivery.fields }, message: received(delivery), at: performance.now(), measures: 0 });
    this.uncounted++;
    this.parseAhead();
    // The first delivery starts the linger clock; a full batch goes at once.
    if (this.pending.length === 1 || this.isFull()) this.wakeUp();
  }

  private async run(): Promise<void> {
    // Up to `commits.size` batches commit at once while the next one is prepared (parsed, looked up, its
    // INSERT written). Whatever order the commits end in, batches are settled in delivery order: an
    // ack-multiple must never cover a batch that has not committed yet.
    const inFlight: Array<Promise<void>> = [];
    let settled: Promise<void> = Promise.resolve();
    try {
      while (await this.batchReady()) {
        const batch = this.take();
        const items = batch.map((p) => p.item as IngestItem);
        const preparing = this.processor.prepareBatch(items);
        const committed = this.commits.run(() => this.processor.commitBatch(items, preparing, this.stop));
        const previous = settled;
        settled = committed.then(async (dispositions) => {
          await previous;
          this.settle(batch, dispositions);
        });
        inFlight.push(settled);
        // The commits are with MySQL now: parse what comes next meanwhile, after the replies that arrived
        // while this batch was prepared (a commit waiting for its next round trip keeps MySQL idle).
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.parseAhead();
        if (inFlight.length > this.commits.size) await inFlight.shift();
      }
      await Promise.all(inFlight);
    } catch (error) {
      // The processor settles every storage outcome itself; a throw is a bug. The broker redelivers.
      this.logger.error('the ingest pipeline failed unexpectedly; unacked messages go back to the queue', {
        error: describeError(error),
      });
      await Promise.allSettled(inFlight);
    }
    this.handBack();
  }

  /** Parses pending deliveries in arrival order until one batch's worth is parsed. */
  private parseAhead(): void {
    while (this.parsedMeasures < this.limits.measures && this.parsed < this.limits.messages) {
      const pending = this.pending[this.parsed];
      if (pending === undefined) break;
      pending.item = this.processor.prepare(pending.message);
      pending.measures = 'measures' in pending.item ? pending.item.measures.length : 1;
      this.parsedMeasures += pending.measures;
      this.parsed++;
    }
  }

  /** Waits until a batch should be taken: full, or its linger is over. False once stopped. */
  private async batchReady(): Promise<boolean> {
    for (;;) {
      if (this.stop.aborted) return false;
      const oldest = this.pending[0];
      if (oldest !== undefined) {
        if (this.isFull()) return true;
        const waitMs = oldest.at + this.limits.lingerMs - performance.now();
        if (waitMs <= 0) return true;
        await this.sleep(waitMs);
      } else {
        await this.sleep();
      }
    }
  }

  private isFull(): boolean {
    return this.parsedMeasures >= this.limits.measures || this.pending.length >= this.limits.messages;
  }

  /** The oldest pending deliveries, up to the limits; never splits a message, always takes at least one. */
  private take(): Pending[] {
    this.parseAhead();
    let count = 0;
    let measures = 0;
    for (const next of this.pending) {
      if (count >= this.parsed || count >= this.limits.messages) break;
      if (count > 0 && measures + next.measures > this.limits.measures) break;
      measures += next.measures;
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.parsed -= count;
    this.parsedMeasures -= measures;
    this.processor.countReceived(this.uncounted);
    this.uncounted = 0;
    return batch;
  }

  /**
   * Nacks first, then one ack-multiple up to the last acked delivery: the batch holds the oldest unsettled
   * deliveries of the channel, so "all up to" covers exactly its acked messages.
   */
  private settle(batch: readonly Pending[], dispositions: readonly Disposition[]): void {
    let lastAck: Pick<ConsumeMessage, 'fields'> | undefined;
    try {
      batch.forEach((pending, index) => {
        const disposition = dispositions[index];
        if (disposition === 'ack') lastAck = pending.delivery;
        else this.channel.nack(pending.delivery, false, disposition === 'requeue');
      });
      if (lastAck) this.channel.ack(lastAck, true);
    } catch (error) {
      // The channel closed meanwhile; the broker redelivers the batch and storage keeps (series, ts) once.
      this.logger.warn('could not settle the batch; the broker will redeliver it', {
        messages: batch.length,
        error: describeError(error),
      });
    }
  }

  /** Stopped: what was received but not committed goes back to the queue at once, for any consumer. */
  private handBack(): void {
    const last = this.pending[this.pending.length - 1];
    const count = this.pending.length;
    this.pending = [];
    this.parsed = 0;
    this.parsedMeasures = 0;
    this.processor.countReceived(this.uncounted);
    this.uncounted = 0;
    if (!last) return;
    try {
      this.channel.nack(last.delivery, true, true);
      this.logger.info('stopped; uncommitted messages handed back to the queue', { messages: count });
    } catch {
      // The channel is gone: the broker has already taken them back.
    }
  }

  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wakeUp(), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The delivery as the domain sees it. */
export function received(delivery: ConsumeMessage): ReceivedMessage {
  const { messageId, contentType } = delivery.properties as { messageId?: unknown; contentType?: unknown };
  return {
    body: delivery.content,
    messageId: typeof messageId === 'string' ? messageId : null,
    routingKey: delivery.fields.routingKey || null,
    contentType: typeof contentType === 'string' ? contentType : null,
    redelivered: delivery.fields.redelivered,
  };
}
