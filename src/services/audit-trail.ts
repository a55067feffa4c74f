import { inject, injectable } from 'inversify';
import type { AuditEvent } from '../domain/audit-event';
import { TYPES } from '../identifiers';
import { currentLogContext } from '../logging/log-context';
import type { Logger } from '../logging/logger';
import { redactText } from '../logging/redaction';
import type { AuditStore } from '../storage/stores';

export type AuditRecord = Omit<AuditEvent, 'requestId' | 'actor'> & { actor?: string | null };

/** What the audit trail needs of the database: a callback run once the ambient transaction commits (at once outside one). */
export interface CommitHooks {
  afterCommit(callback: () => void): void;
}

/**
 * AuditTrail writes an audit event to MySQL inside the caller's transaction, so the event commits or rolls
 * back with the change it records, and emits the same event as a log line marked `audit` once that
 * transaction has committed: Kibana never shows a change that MySQL rolled back.
 */
@injectable()
export class AuditTrail {
  constructor(
    @inject(TYPES.AuditStore) private readonly store: AuditStore,
    @inject(TYPES.CommitHooks) private readonly hooks: CommitHooks,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    const context = currentLogContext();
    const event: AuditEvent = {
      ...record,
      actor: record.actor === undefined ? (context.actor ?? null) : record.actor,
      requestId: context.requestId ?? null,
    };
    if (record.detail) event.detail = sanitised(record.detail);
    await this.store.insert(event);
    this.hooks.afterCommit(() =>
      this.logger.info(`audit ${event.action} ${event.outcome}`, {
        audit: true,
        requestId: event.requestId ?? undefined,
        actor: event.actor ?? undefined,
        event,
      }),
    );
  }
}

/**
 * Details are meant to hold ids and reasons only, but some reasons are error messages: the table is read
 * by admins and kept for years, so the same text redaction as the logs applies before it is stored.
 */
function sanitised(detail: NonNullable<AuditEvent['detail']>): NonNullable<AuditEvent['detail']> {
  return Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, typeof value === 'string' ? redactText(value) : value]));
}
