import { inject, injectable } from 'inversify';
import type { StoredAuditEvent } from '../domain/audit-event';
import { ValidationError } from '../domain/errors';
import type { Page } from '../domain/page';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { AuditQuery, AuditStore } from '../storage/stores';
import { requireAdmin } from './authorization';
import { afterIdFromCursor, pageById } from './pagination';

/**
 * AuditService lets an ADMIN read the audit trail, oldest first, filtered by actor (pseudonymous id),
 * action, resource type, outcome and time. Events name people only by pseudonym, so the trail stays
 * readable, and still says nothing personal, after a user is erased.
 */
@injectable()
export class AuditService {
  constructor(@inject(TYPES.AuditStore) private readonly store: AuditStore) {}

  async list(actor: User, query: Omit<AuditQuery, 'afterId'> & { cursor?: string }): Promise<Page<StoredAuditEvent>> {
    requireAdmin(actor, 'read the audit trail');
    const { cursor, limit, ...filters } = query;
    if (filters.from && filters.to && filters.from > filters.to) throw new ValidationError('from must not be after to');
    const rows = await this.store.list({ ...filters, afterId: afterIdFromCursor(cursor), limit: limit + 1 });
    return pageById(rows, limit);
  }
}
