import type { AuditEvent, StoredAuditEvent } from '../../../src/domain/audit-event';
import { runWithLogContext } from '../../../src/logging/log-context';
import type { Logger } from '../../../src/logging/logger';
import { AuditTrail, type CommitHooks } from '../../../src/services/audit-trail';
import type { AuditStore } from '../../../src/storage/stores';

/** AuditTrail: the event goes to the store inside the transaction, and to the log only once it commits. */
describe('the audit trail', () => {
  function setUp() {
    const inserted: AuditEvent[] = [];
    const store: AuditStore = {
      insert: async (event) => {
        inserted.push(event);
      },
      list: async (): Promise<StoredAuditEvent[]> => [],
    };
    const pending: Array<() => void> = [];
    const hooks: CommitHooks = { afterCommit: (callback) => pending.push(callback) };
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const record = (message: string, meta?: Record<string, unknown>) => lines.push([message, meta]);
    const logger: Logger = { error: record, warn: record, info: record, debug: record, child: () => logger };
    return { trail: new AuditTrail(store, hooks, logger), inserted, pending, lines };
  }

  it('stores the event with the actor and request id of the context, and logs it only after the commit', async () => {
    const { trail, inserted, pending, lines } = setUp();
    await runWithLogContext({ requestId: 'req-1', actor: 'p-admin' }, () =>
      trail.record({ action: 'experiment.create', resourceType: 'experiment', resourceId: 'ATLAS', outcome: 'success' }),
    );
    expect(inserted).toEqual([
      { action: 'experiment.create', resourceType: 'experiment', resourceId: 'ATLAS', outcome: 'success', actor: 'p-admin', requestId: 'req-1' },
    ]);
    expect(lines).toHaveLength(0);
    pending.forEach((callback) => callback());
    expect(lines).toEqual([
      ['audit experiment.create success', { audit: true, requestId: 'req-1', actor: 'p-admin', event: inserted[0] }],
    ]);
  });

  it('logs nothing for a transaction that rolls back (its commit callback never runs)', async () => {
    const { trail, inserted, lines } = setUp();
    await trail.record({ actor: null, action: 'message.reject', resourceType: 'rejected-message', resourceId: '1', outcome: 'failure' });
    expect(inserted).toHaveLength(1);
    expect(lines).toHaveLength(0);
  });

  it('keeps an explicit actor (null for the system) and redacts the text of details before storing them', async () => {
    const { trail, inserted } = setUp();
    await runWithLogContext({ requestId: 'req-2', actor: 'p-x' }, () =>
      trail.record({
        actor: null,
        action: 'auth.fail',
        resourceType: 'api',
        resourceId: null,
        outcome: 'failure',
        detail: { reason: 'token of jim@foobar.com: Bearer abcdefghijk', attempts: 2 },
      }),
    );
    expect(inserted[0]).toMatchObject({ actor: null, requestId: 'req-2', detail: { reason: 'token of ***: Bearer ***', attempts: 2 } });
  });
});
