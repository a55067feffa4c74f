import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import type { IngestOutcome, MeasureService, ReceivedMessage } from '../services/contracts';
import { backoffDelay, sleep } from './backoff';
import { MeasureMessageParser } from './measure-message-parser';
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
 * MessageProcessor decides the fate of one delivery: it parses it, stores its measures or the rejection,
 * and holds on through transient storage failures, so that a message is acked only after its commit.
 */
@injectable()
export class MessageProcessor {
  private readonly logger: Logger;

  constructor(
    @inject(TYPES.MeasureMessageParser) private readonly parser: MeasureMessageParser,
    @inject(TYPES.MeasureService) private readonly measures: Pick<MeasureService, 'ingest' | 'reject'>,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'amqp-processor' });
  }

  /**
   * Resolves once the message's fate is settled. Transient storage failures are retried until they pass or
   * until `stop` aborts ('requeue': the broker keeps the message for the next consumer).
   */
  async process(message: ReceivedMessage, stop: AbortSignal): Promise<Disposition> {
    if (stop.aborted) return 'requeue';
    const parsed = this.parser.parse(message.body);
    const store =
      parsed.kind === 'measures'
        ? () => this.measures.ingest(parsed.measures, message)
        : () => this.measures.reject(message, parsed.reason, parsed.detail);
    for (let attempt = 0; ; attempt++) {
      try {
        this.report(await store(), message);
        return 'ack';
      } catch (error) {
        if (!isTransient(error)) return this.storeAsStorageError(message, error);
        const retryInMs = backoffDelay(attempt, RETRY_INITIAL_MS, this.config.rabbit.reconnectMaxMs);
        this.logger.warn('storage unavailable; holding the message and retrying', {
          messageId: message.messageId,
          attempt: attempt + 1,
          retryInMs,
          error: describeError(error),
        });
        if (!(await sleep(retryInMs, stop))) {
          this.logger.info('stopped while storage was failing; the message goes back to the queue', {
            messageId: message.messageId,
          });
          return 'requeue';
        }
      }
    }
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
      this.report(await this.measures.reject(message, 'storage-error', detail), message);
      return 'ack';
    } catch (second) {
      this.logger.error('could not store the rejection either; dead-lettering the message', {
        messageId: message.messageId,
        deadLetterQueue: this.config.rabbit.deadLetterQueue,
        error: describeError(second),
      });
      return 'dead-letter';
    }
  }

  private report(outcome: IngestOutcome, message: ReceivedMessage): void {
    if (outcome.kind === 'rejected') {
      this.logger.warn('message rejected', {
        reason: outcome.reason,
        detail: outcome.detail,
        messageId: message.messageId,
        rejectionId: outcome.rejectionId,
      });
    } else {
      this.logger.debug('measures stored', {
        messageId: message.messageId,
        stored: outcome.stored,
        duplicates: outcome.duplicates,
      });
    }
  }
}
