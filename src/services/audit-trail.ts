import { inject, injectable } from 'inversify';
import type { AuditEvent } from '../domain/audit-event';
import { TYPES } from '../identifiers';
import { currentLogContext } from '../logging/log-context';
import type { Logger } from '../logging/logger';
import type { AuditStore } from '../storage/stores';

export type AuditRecord = Omit<AuditEvent, 'requestId' | 'actor'> & { actor?: string | null };

/**
 * AuditTrail writes an audit event to MySQL (inside the caller's transaction, so the event commits or
 * rolls back with the change it records) and emits the same event as a log line marked `audit`.
 */
@injectable()
export class AuditTrail {
  constructor(
    @inject(TYPES.AuditStore) private readonly store: AuditStore,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    const context = currentLogContext();
    const event: AuditEvent = {
      ...record,
      actor: record.actor === undefined ? (context.actor ?? null) : record.actor,
      requestId: context.requestId ?? null,
    };
    await this.store.insert(event);
    this.logger.info(`audit ${event.action} ${event.outcome}`, { audit: true, event });
  }
}
