import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { IngestMetrics } from '../metrics/ingest-metrics';
import type { BatchOutcome, IngestItem, IngestOutcome, PreparedBatch, ReceivedMessage } from '../services/contracts';
import type { MeasureService } from '../services/measure-service';
import { backoffDelay, sleep } from '../../lib/amqp/backoff';
import { MeasureMessageParser, type ParsedMessage } from './measure-message-parser';
import { describeError, isTransient } from './storage-failure';

/**
 * What the listener does with a delivery once processed: ack (stored, or stored as rejected), hand it back
 * to the queue (shutdown or connection loss while storage was failing), or dead-letter it (storage refused
 * even the rejection record).
 */
export type Disposition = 'ack' | 'requeue' | 'dead-letter';

/** First retry delay after a transient storage failure; it doubles up to RABBIT_RECONNECT_MAX_MS. */
const RETRY_INITIAL_MS = 100;

/**
 * MessageProcessor decides the fate of the deliveries of a batch: it parses each one as it arrives, stores
 * the batch in one commit, holds on through transient storage failures, and isolates a message whose data
 * storage refuses, so that a message is acked only after its commit and one bad message never blocks the rest.
 */
@injectable()
export class MessageProcessor {
  private readonly logger: Logger;

  constructor(
    @inject(TYPES.MeasureMessageParser) private readonly parser: MeasureMessageParser,
    @inject(TYPES.MeasureService)
    private readonly measures: Pick<MeasureService, 'prepareBatch' | 'commitBatch' | 'reject'>,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
    @inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {
    this.logger = logger.child({ component: 'amqp-processor' });
  }

  /** Counts deliveries in the received metric; the pipeline reports them per batch rather than one by one. */
  countReceived(messages: number): void {
    if (messages > 0) this.metrics.messagesReceived.inc(messages);
  }

  /** Parses one delivery (pure, no I/O): its measures, or the reason it will be stored as rejected. */
  prepare(message: ReceivedMessage): IngestItem {
    let parsed: ParsedMessage;
    try {
      parsed = this.parser.parse(message.body);
    } catch (error) {
      // The parser is pure and total; a throw is a bug, and the message is kept, not lost, for a replay.
      parsed = { kind: 'invalid', reason: 'schema-violation', detail: `could not be parsed: ${describeError(error)}` };
    }
    if (parsed.kind === 'invalid') return { message, rejection: { reason: parsed.reason, detail: parsed.detail } };
    return parsed.refused === undefined
      ? { message, measures: parsed.measures }
      : { message, measures: parsed.measures, refused: parsed.refused };
  }

  /**
   * Starts the work of a batch that needs no transaction (experiment lookup, rows, INSERT text), so that it
   * runs while the previous batch commits. Never rejects: a failure here is met again, and handled, by
   * commitBatch.
   */
  prepareBatch(items: readonly IngestItem[]): Promise<PreparedBatch | undefined> {
    return this.measures.prepareBatch(items).catch(() => undefined);
  }

  /**
   * Stores a batch and resolves with one disposition per item, in order, once their fate is settled.
   * Transient storage failures are retried until they pass or until `stop` aborts ('requeue': the broker
   * keeps the messages for the next consumer). A failure retrying cannot fix is narrowed down by halving
   * the batch until the message at fault is alone; that one becomes a `storage-error` rejection.
   */
  async commitBatch(
    items: readonly IngestItem[],
    preparing: Promise<PreparedBatch | undefined>,
    stop: AbortSignal,
  ): Promise<Disposition[]> {
    if (items.length === 0) return [];
    let prepared = await preparing;
    for (let attempt = 0; ; attempt++) {
      if (stop.aborted) return items.map(() => 'requeue');
      const startedAt = performance.now();
      try {
        prepared ??= await this.measures.prepareBatch(items);
        const outcome = await this.measures.commitBatch(prepared);
        this.report(items, outcome, (performance.now() - startedAt) / 1000);
        return items.map(() => 'ack');
      } catch (error) {
        if (!isTransient(error)) return this.isolate(items, error, stop);
        this.metrics.storageRetries.inc();
        const retryInMs = backoffDelay(attempt, RETRY_INITIAL_MS, this.config.rabbit.reconnectMaxMs);
        this.logger.warn('storage unavailable; holding the batch and retrying', {
          messages: items.length,
          firstMessageId: items[0]?.message.messageId,
          attempt: attempt + 1,
          retryInMs,
          error: describeError(error),
        });
        if (!(await sleep(retryInMs, stop))) {
          this.logger.info('stopped while storage was failing; the batch goes back to the queue', {
            messages: items.length,
          });
          return items.map(() => 'requeue');
        }
      }
    }
  }

  /** prepareBatch then commitBatch: one batch on its own. */
  processBatch(items: readonly IngestItem[], stop: AbortSignal): Promise<Disposition[]> {
    return this.commitBatch(items, this.prepareBatch(items), stop);
  }

  private async isolate(items: readonly IngestItem[], error: unknown, stop: AbortSignal): Promise<Disposition[]> {
    const [only] = items;
    if (only !== undefined && items.length === 1) return [await this.storeAsStorageError(only.message, error)];
    this.logger.warn('storage refused a batch; splitting it to find the message at fault', {
      messages: items.length,
      error: describeError(error),
    });
    const half = Math.ceil(items.length / 2);
    const first = await this.processBatch(items.slice(0, half), stop);
    const second = await this.processBatch(items.slice(half), stop);
    return [...first, ...second];
  }

  /**
   * Storage refused the write for a reason retrying will not fix (typically something in the data itself):
   * keep the message as a rejection an admin can inspect and replay, and dead-letter it if even that fails.
   */
  private async storeAsStorageError(message: ReceivedMessage, error: unknown): Promise<Disposition> {
    const detail = `storage refused the message: ${describeError(error)}`;
    this.logger.error('storage refused the message; storing it as rejected', {
      messageId: message.messageId,
      error: describeError(error),
    });
    try {
      const outcome = await this.measures.reject(message, 'storage-error', detail);
      this.reportRejection(outcome, message);
      return 'ack';
    } catch (second) {
      this.metrics.messagesDeadLettered.inc();
      this.logger.error('could not store the rejection either; dead-lettering the message', {
        messageId: message.messageId,
        deadLetterQueue: this.config.rabbit.deadLetterQueue,
        error: describeError(second),
      });
      return 'dead-letter';
    }
  }

  private report(items: readonly IngestItem[], outcome: BatchOutcome, seconds: number): void {
    this.metrics.commitSeconds.observe(seconds);
    this.metrics.batchMessages.observe(items.length);
    this.metrics.batchMeasures.observe(outcome.stored + outcome.duplicates);
    this.metrics.measuresStored.inc(outcome.stored);
    this.metrics.measuresDuplicate.inc(outcome.duplicates);
    let rejected = 0;
    items.forEach(({ message }, index) => {
      const item = outcome.items[index];
      if (item?.kind !== 'rejected') return;
      rejected++;
      this.reportRejection(item, message);
    });
    this.logger.debug('batch committed', {
      messages: items.length,
      stored: outcome.stored,
      duplicates: outcome.duplicates,
      rejected,
      ms: Math.round(seconds * 1000),
    });
  }

  private reportRejection(outcome: IngestOutcome, message: ReceivedMessage): void {
    if (outcome.kind !== 'rejected') return;
    if (!outcome.created) {
      this.logger.info('message rejected before (same message id and body); its rejection stands', {
        messageId: message.messageId,
        rejectionId: outcome.rejectionId,
      });
      return;
    }
    this.metrics.rejected(outcome.reason);
    for (const refused of outcome.refusedMeasures) this.metrics.measuresRejected.inc({ reason: refused.reason });
    this.logger.warn(outcome.storedMeasures > 0 ? 'measures of a message refused; the others stored' : 'message rejected', {
      reason: outcome.reason,
      detail: outcome.detail,
      messageId: message.messageId,
      rejectionId: outcome.rejectionId,
      refusedMeasures: outcome.refusedMeasures.length,
      storedMeasures: outcome.storedMeasures,
    });
  }
}
