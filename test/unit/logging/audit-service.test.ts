import type { StoredAuditEvent } from '../../../src/domain/audit-event';
import { ForbiddenError, ValidationError } from '../../../src/domain/errors';
import { encodeCursor } from '../../../src/domain/page';
import { AuditService } from '../../../src/services/audit-service';
import type { AuditQuery, AuditStore } from '../../../src/storage/stores';
import { personalUser } from './people';

/** AuditService: ADMIN only, filters passed through, keyset pages of `limit`. */
describe('the audit service', () => {
  const person = (role: 'ADMIN' | 'SCIENTIST') => personalUser({ id: 1, pseudonym: 'p', role });
  const event = (id: number): StoredAuditEvent => ({
    id,
    at: new Date(0),
    actor: 'p',
    action: 'user.create',
    resourceType: 'user',
    resourceId: 'q',
    outcome: 'success',
    requestId: null,
  });

  function service(rows: StoredAuditEvent[]) {
    const queries: AuditQuery[] = [];
    const store: AuditStore = {
      insert: async () => undefined,
      list: async (query) => {
        queries.push(query);
        return rows.filter((r) => r.id > (query.afterId ?? 0)).slice(0, query.limit);
      },
    };
    return { audit: new AuditService(store), queries };
  }

  it('refuses a SCIENTIST', async () => {
    const { audit, queries } = service([]);
    await expect(audit.list(person('SCIENTIST'), { limit: 10 })).rejects.toBeInstanceOf(ForbiddenError);
    expect(queries).toHaveLength(0);
  });

  it('passes the filters through and pages with an opaque cursor', async () => {
    const { audit, queries } = service([1, 2, 3, 4, 5].map(event));
    const from = new Date('2026-01-01T00:00:00Z');
    const first = await audit.list(person('ADMIN'), { limit: 2, actor: 'p', action: 'user.create', resourceType: 'user', outcome: 'success', from });
    expect(first.items.map((e) => e.id)).toEqual([1, 2]);
    expect(queries[0]).toEqual({ actor: 'p', action: 'user.create', resourceType: 'user', outcome: 'success', from, afterId: undefined, limit: 3 });
    const second = await audit.list(person('ADMIN'), { limit: 2, cursor: first.next });
    expect(second.items.map((e) => e.id)).toEqual([3, 4]);
    const last = await audit.list(person('ADMIN'), { limit: 2, cursor: second.next });
    expect(last).toEqual({ items: [event(5)] });
  });

  it('refuses a forged cursor and a window that ends before it starts', async () => {
    const { audit } = service([]);
    await expect(audit.list(person('ADMIN'), { limit: 2, cursor: encodeCursor({ id: 'x' }) })).rejects.toBeInstanceOf(ValidationError);
    await expect(audit.list(person('ADMIN'), { limit: 2, from: new Date(2), to: new Date(1) })).rejects.toBeInstanceOf(ValidationError);
  });
});
