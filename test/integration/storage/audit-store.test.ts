import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../../src/domain/audit-event';
import { clockPast } from '../../support/eventually';
import { createStorageFixture, uniqueCode, type StorageFixture } from './storage-fixture';

describe('MysqlAuditStore', () => {
  let f: StorageFixture;

  beforeAll(async () => {
    f = await createStorageFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
    return {
      actor: randomUUID(),
      action: 'experiment.create',
      resourceType: 'experiment',
      resourceId: 'EXP-1',
      outcome: 'success',
      requestId: randomUUID(),
      ...overrides,
    };
  }

  async function lastId(): Promise<number> {
    const rows = await f.rows<{ id: number | null }>('SELECT MAX(id) AS id FROM audit_events');
    return Number(rows[0].id ?? 0);
  }

  it('stores an event with its id, time and JSON detail, and reads it back as written', async () => {
    const start = await lastId();
    const written = event({ detail: { stored: 12, duplicates: 0, dryRun: false, note: null, unit: '°C' } });
    const before = Date.now();

    await f.audit.insert(written);

    const [stored] = await f.audit.list({ afterId: start, limit: 10 });
    expect(stored).toEqual({ ...written, id: expect.any(Number), at: expect.any(Date) });
    expect(stored.id).toBeGreaterThan(start);
    expect(stored.at.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(stored.at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('an event without detail, actor, resource id or request id reads back without them', async () => {
    const start = await lastId();
    await f.audit.insert(event({ actor: null, resourceId: null, requestId: null, outcome: 'failure', action: 'auth.fail' }));
    const [stored] = await f.audit.list({ afterId: start, limit: 1 });
    expect(stored).toEqual({
      id: stored.id,
      at: stored.at,
      actor: null,
      action: 'auth.fail',
      resourceType: 'experiment',
      resourceId: null,
      outcome: 'failure',
      requestId: null,
    });
    expect('detail' in stored).toBe(false);
  });

  it('lists by id in keyset pages and filters by actor, action, resource type, outcome and time', async () => {
    const start = await lastId();
    const alice = randomUUID();
    const bob = randomUUID();
    await f.audit.insert(event({ actor: alice, action: 'user.update', resourceType: 'user' }));
    await f.audit.insert(event({ actor: bob, action: 'experiment.delete', outcome: 'failure' }));
    await f.audit.insert(event({ actor: alice, action: 'experiment.delete' }));
    await f.audit.insert(event({ actor: alice, action: 'user.update', resourceType: 'user', outcome: 'failure' }));
    const all = await f.audit.list({ afterId: start, limit: 100 });
    expect(all).toHaveLength(4);

    const page1 = await f.audit.list({ afterId: start, limit: 3 });
    const page2 = await f.audit.list({ afterId: page1[2].id, limit: 3 });
    expect([...page1, ...page2]).toEqual(all);
    expect(page2).toHaveLength(1);

    const ids = (events: { id: number }[]) => events.map((e) => e.id);
    expect(ids(await f.audit.list({ afterId: start, limit: 100, actor: alice }))).toEqual(ids([all[0], all[2], all[3]]));
    expect(ids(await f.audit.list({ afterId: start, limit: 100, action: 'experiment.delete' }))).toEqual(ids([all[1], all[2]]));
    expect(ids(await f.audit.list({ afterId: start, limit: 100, resourceType: 'user' }))).toEqual(ids([all[0], all[3]]));
    expect(ids(await f.audit.list({ afterId: start, limit: 100, outcome: 'failure' }))).toEqual(ids([all[1], all[3]]));
    expect(
      ids(await f.audit.list({ afterId: start, limit: 100, actor: alice, resourceType: 'user', outcome: 'failure' })),
    ).toEqual(ids([all[3]]));
  });

  it('the time filter includes from and excludes to', async () => {
    const start = await lastId();
    await f.audit.insert(event({ action: 'a.first' }));
    const [inserted] = await f.audit.list({ afterId: start, limit: 1 });
    await clockPast(inserted?.at ?? Date.now());
    await f.audit.insert(event({ action: 'a.second' }));
    const [first, second] = await f.audit.list({ afterId: start, limit: 10 });
    expect(second.at.getTime()).toBeGreaterThan(first.at.getTime());

    const fromSecond = await f.audit.list({ afterId: start, limit: 10, from: second.at });
    expect(fromSecond.map((e) => e.action)).toEqual(['a.second']);
    const toSecond = await f.audit.list({ afterId: start, limit: 10, to: second.at });
    expect(toSecond.map((e) => e.action)).toEqual(['a.first']);
    const between = await f.audit.list({ afterId: start, limit: 10, from: first.at, to: new Date(second.at.getTime() + 1) });
    expect(between.map((e) => e.action)).toEqual(['a.first', 'a.second']);
  });

  it('an audit event written in the transaction of its change is rolled back with it', async () => {
    const start = await lastId();
    const code = uniqueCode();
    await expect(
      f.db.inTransaction(async () => {
        await f.experiments.insert({ code, name: 'audited' });
        await f.audit.insert(event({ resourceId: code }));
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await f.audit.list({ afterId: start, limit: 10 })).toEqual([]);

    await f.db.inTransaction(async () => {
      await f.experiments.insert({ code, name: 'audited' });
      await f.audit.insert(event({ resourceId: code }));
    });
    expect((await f.audit.list({ afterId: start, limit: 10 })).map((e) => e.resourceId)).toEqual([code]);
  });
});
