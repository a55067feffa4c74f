import type { ConsumeMessage } from 'amqplib';
import type { Logger } from '../logging/logger';
import type { IngestItem, ReceivedMessage } from '../services/contracts';
import type { CommitQueue } from './commit-queue';
import type { Disposition, MessageProcessor } from './message-processor';
import { describeError } from './storage-failure';

/** What the pipeline needs of its channel: amqplib's ack and nack. */
export interface SettleChannel {
  ack(message: ConsumeMessage, allUpTo?: boolean): void;
  nack(message: ConsumeMessage, allUpTo?: boolean, requeue?: boolean): void;
}

export interface BatchLimits {
  /** Close a batch once it holds this many measures (INGEST_BATCH_SIZE); a bigger message is a batch alone. */
  measures: number;
  /**
   * Close a batch at this many messages. Half the prefetch: the broker keeps sending the next batch's
   * messages while this one commits, which is what lets parsing overlap the commit.
   */
  messages: number;
  /** How long the first message of a partial batch waits for company (INGEST_LINGER_MS). */
  lingerMs: number;
}

interface Pending {
  delivery: ConsumeMessage;
  item: IngestItem;
  measures: number;
  /** performance.now() at arrival: the linger deadline of a batch counts from its oldest delivery. */
  at: number;
}

/**
 * IngestPipeline turns the deliveries of one channel into batches: each delivery is parsed as it arrives
 * (while the previous batch commits), batches close on size or linger, commit one at a time through the
 * CommitQueue, and are acked with one ack-multiple after their commit. When `stop` aborts (shutdown or a
 * lost connection), the batch being committed finishes and everything not yet committed is handed back.
 */
export class IngestPipeline {
  private pending: Pending[] = [];
  private pendingMeasures = 0;
  private wake: (() => void) | undefined;
  /** Resolves once the pipeline has settled or handed back everything it received. */
  readonly finished: Promise<void>;

  constructor(
    private readonly processor: Pick<MessageProcessor, 'prepare' | 'processBatch'>,
    private readonly channel: SettleChannel,
    private readonly commits: CommitQueue,
    private readonly limits: BatchLimits,
    private readonly stop: AbortSignal,
    private readonly logger: Logger,
  ) {
    stop.addEventListener('abort', () => this.wakeUp(), { once: true });
    this.finished = this.run();
  }

  add(delivery: ConsumeMessage): void {
    const item = this.processor.prepare(received(delivery));
    const measures = 'measures' in item ? item.measures.length : 1;
    this.pending.push({ delivery, item, measures, at: performance.now() });
    this.pendingMeasures += measures;
    if (this.isFull()) this.wakeUp();
  }

  private async run(): Promise<void> {
    try {
      while (await this.batchReady()) {
        const batch = this.take();
        const dispositions = await this.commits.run(() =>
          this.processor.processBatch(
            batch.map((p) => p.item),
            this.stop,
          ),
        );
        this.settle(batch, dispositions);
      }
    } catch (error) {
      // The processor settles every storage outcome itself; a throw is a bug. The broker redelivers.
      this.logger.error('the ingest pipeline failed unexpectedly; unacked messages go back to the queue', {
        error: describeError(error),
      });
    }
    this.handBack();
  }

  /** Waits until a batch should be taken: full, or its linger is over. False once stopped. */
  private async batchReady(): Promise<boolean> {
    for (;;) {
      if (this.stop.aborted) return false;
      if (this.pending.length > 0) {
        if (this.isFull()) return true;
        const waitMs = this.pending[0].at + this.limits.lingerMs - performance.now();
        if (waitMs <= 0) return true;
        await this.sleep(waitMs);
      } else {
        await this.sleep();
      }
    }
  }

  private isFull(): boolean {
    return this.pendingMeasures >= this.limits.measures || this.pending.length >= this.limits.messages;
  }

  /** The oldest pending deliveries, up to the limits; never splits a message, always takes at least one. */
  private take(): Pending[] {
    let count = 0;
    let measures = 0;
    while (
      count < this.pending.length &&
      count < this.limits.messages &&
      (count === 0 || measures + this.pending[count].measures <= this.limits.measures)
    ) {
      measures += this.pending[count].measures;
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.pendingMeasures -= measures;
    return batch;
  }

  /**
   * Nacks first, then one ack-multiple up to the last acked delivery: the batch holds the oldest unsettled
   * deliveries of the channel, so "all up to" covers exactly its acked messages.
   */
  private settle(batch: readonly Pending[], dispositions: readonly Disposition[]): void {
    let lastAck: ConsumeMessage | undefined;
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
    this.pendingMeasures = 0;
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
