import { inject, injectable, optional } from 'inversify';
import type { Config } from '../config';
import { ConflictError, DomainError, NotFoundError } from '../domain/errors';
import type { RejectionReason } from '../domain/rejected-message';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import type { ReceivedMessage } from '../services/contracts';
import type { MeasureService } from '../services/measure-service';
import type { PolicyEventIngest, PolicyIngestResult } from '../services/policies/ports';
import { backoffDelay, sleep } from '../../lib/amqp/backoff';
import type { Disposition } from './message-processor';
import type { ParsedPolicyMessage } from './policy-message-parser';
import { describeError, isTransient } from './storage-failure';

/** First retry delay after a transient storage failure; it doubles up to RABBIT_RECONNECT_MAX_MS. */
const RETRY_INITIAL_MS = 100;

/**
 * PolicyEventProcessor decides the fate of one delivery on the policy events queue, with the guarantees of
 * the measures path: acked only after the ingest committed; held and retried through a storage outage (and
 * handed back to the queue if the consumer stops meanwhile); a message the platform cannot take (not JSON,
 * wrong envelope, unknown policy, refused by storage) stored in rejected_messages with its reason, then
 * acked; dead-lettered only when even that rejection cannot be stored. Time points the policy refuses (a
 * smaller timestamp, an event outside the signature) are the ingest's: it stores them as policy rejections.
 */
@injectable()
export class PolicyEventProcessor {
  private readonly logger: Logger;

  constructor(
    // Optional so that a container without the policy stage still resolves every component: the listener then stays idle.
    @inject(TYPES.PolicyEventIngest) @optional() private readonly ingest: PolicyEventIngest | undefined,
    @inject(TYPES.MeasureService) private readonly rejections: Pick<MeasureService, 'reject'>,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'amqp-policy-processor' });
  }

  /** False when no PolicyEventIngest is bound: there is nothing to consume for. */
  get enabled(): boolean {
    return this.ingest !== undefined;
  }

  async process(message: ReceivedMessage, parsed: ParsedPolicyMessage, stop: AbortSignal): Promise<Disposition> {
    if (parsed.kind === 'invalid') return this.reject(message, parsed.reason, parsed.detail);
    if (this.ingest === undefined) return 'requeue';
    for (let attempt = 0; ; attempt++) {
      if (stop.aborted) return 'requeue';
      try {
        // The message id makes a redelivery (ingested, its ack lost) feed nothing a second time.
        const delivery = message.messageId === null ? {} : { deliveryId: message.messageId };
        const result = await this.ingest.ingest(parsed.policyId, parsed.body, { final: parsed.final, source: 'amqp', ...delivery });
        this.report(message, parsed.policyId, result);
        return 'ack';
      } catch (error) {
        if (error instanceof NotFoundError) return this.reject(message, 'unknown-policy', `unknown policy: ${parsed.policyId}`);
        // The body could not be split into time points: the ingest stored it as the policy's rejection already.
        if (error instanceof DomainError && typeof error.details?.rejection_id === 'number') {
          this.logger.warn('policy events refused as a whole; stored as a policy rejection', {
            policy: parsed.policyId,
            messageId: message.messageId,
            rejectionId: error.details.rejection_id,
          });
          return 'ack';
        }
        // Another process wrote the monitor meanwhile (stale fencing): nothing was stored, the same events go again.
        const retry = isTransient(error) || error instanceof ConflictError;
        // Any other refusal of the message as a whole (the ingest refuses time points one by one itself).
        if (!retry && error instanceof DomainError) return this.reject(message, 'schema-violation', error.message);
        if (!retry) return this.reject(message, 'storage-error', `storage refused the message: ${describeError(error)}`);
        const retryInMs = backoffDelay(attempt, RETRY_INITIAL_MS, this.config.rabbit.reconnectMaxMs);
        this.logger.warn('storage unavailable; holding the policy events and retrying', {
          policy: parsed.policyId,
          messageId: message.messageId,
          attempt: attempt + 1,
          retryInMs,
          error: describeError(error),
        });
        if (!(await sleep(retryInMs, stop))) {
          this.logger.info('stopped while storage was failing; the policy events go back to the queue', { policy: parsed.policyId });
          return 'requeue';
        }
      }
    }
  }

  private report(message: ReceivedMessage, policy: number, result: PolicyIngestResult): void {
    const meta = { policy, messageId: message.messageId, accepted: result.accepted, verdicts: result.verdicts, nextTp: result.nextTp };
    if (result.duplicate === true) {
      this.logger.info('policy events ingested before (same message id); acked without feeding them again', { policy, messageId: message.messageId });
      return;
    }
    if (result.rejected.length === 0) {
      this.logger.debug('policy events committed', meta);
      return;
    }
    this.logger.warn('policy time points refused; stored as policy rejections', {
      ...meta,
      rejected: result.rejected.length,
      rejectionIds: result.rejected.slice(0, 10).map((r) => r.rejectionId),
    });
  }

  /** Stores the message as rejected with its reason ('ack'), or dead-letters it when even that fails. */
  private async reject(message: ReceivedMessage, reason: RejectionReason, detail: string): Promise<Disposition> {
    try {
      const outcome = await this.rejections.reject(message, reason, detail);
      this.logger.warn('policy events message rejected', { reason, detail, messageId: message.messageId, rejectionId: outcome.rejectionId });
      return 'ack';
    } catch (error) {
      this.logger.error('could not store the rejection; dead-lettering the message', {
        reason,
        messageId: message.messageId,
        deadLetterQueue: this.config.rabbit.deadLetterQueue,
        error: describeError(error),
      });
      return 'dead-letter';
    }
  }
}
