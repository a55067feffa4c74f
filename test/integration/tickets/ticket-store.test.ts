import { ConflictError } from '../../../src/domain/errors';
import { MysqlTicketStore } from '../../../src/storage/mysql-ticket-store';
import type { NewTicket } from '../../../src/storage/ticket-stores';
import { opened } from '../../../src/tickets/lifecycle';
import type { TicketAlert } from '../../../src/tickets/ticket';
import { createStorageFixture, uniqueCode, type StorageFixture } from '../storage/storage-fixture';

/** MysqlTicketStore over the real MariaDB (migration 014). */
describe('MysqlTicketStore', () => {
  let f: StorageFixture;
  let store: MysqlTicketStore;
  let a: number;
  let b: number;
  let codeA: string;

  beforeAll(async () => {
    f = await createStorageFixture();
    store = new MysqlTicketStore(f.db);
    codeA = uniqueCode('TA');
    a = (await f.experiments.insert({ code: codeA, name: 'A' })).id;
    b = (await f.experiments.insert({ code: uniqueCode('TB'), name: 'B' })).id;
  });

  afterAll(async () => {
    await f.close();
  });

  let groups = 0;
  function newTicket(overrides: Partial<NewTicket> = {}): NewTicket {
    groups += 1;
    const alerts: TicketAlert[] = [
      { fingerprint: '0123456789abcdef', status: 'firing', labels: new Map([['alertname', 'High'], ['__proto__', 'x']]), startsAtMs: 1_000, endsAtMs: 9e15 },
    ];
    return {
      groupKey: `{}/{team="a"}:{alertname="High${groups}"}`,
      receiver: 'ops',
      groupLabels: new Map([['alertname', `High${groups}`]]),
      alerts,
      experimentIds: [a],
      unscoped: false,
      lifecycle: opened('major', 5_000),
      nowMs: 5_000,
      ...overrides,
    };
  }

  it('stores a ticket and reads it back as written, with its experiments and alerts', async () => {
    const written = newTicket({ experimentIds: [b, a] });
    const ticket = await store.insertCurrent(written);
    expect(ticket).toEqual({
      id: expect.any(Number),
      groupKey: written.groupKey,
      receiver: 'ops',
      groupLabels: written.groupLabels,
      experimentIds: [a, b].sort((x, y) => x - y),
      experiments: expect.arrayContaining([codeA]),
      unscoped: false,
      alerts: [{ ...written.alerts[0], endsAtMs: 9e15 }],
      current: true,
      updatedAtMs: 5_000,
      state: 'open',
      priority: 'major',
      openedAtMs: 5_000,
      reopenCount: 0,
      autoResolved: false,
    });
    expect(await store.get(ticket.id)).toEqual(ticket);
    expect(await store.currentForGroup(written.groupKey)).toEqual(ticket);
    expect(await store.get(ticket.id + 1000)).toBeUndefined();
  });

  it('one current ticket per group: a second insert is a conflict; a superseded one leaves room for a new one', async () => {
    const written = newTicket();
    const first = await store.insertCurrent(written);
    await expect(store.insertCurrent(written)).rejects.toThrow(ConflictError);
    await f.db.inTransaction(async () => {
      await store.supersede(first.id);
      await store.insertCurrent(written);
    });
    const current = await store.currentForGroup(written.groupKey);
    expect(current?.id).toBeGreaterThan(first.id);
    expect((await store.get(first.id))?.current).toBe(false);
  });

  it('concurrent inserts for one group store one ticket', async () => {
    const written = newTicket();
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => f.db.inTransaction(() => store.insertCurrent(written))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rows = await f.rows<{ n: number }>('SELECT COUNT(*) AS n FROM tickets WHERE group_key = ?', [written.groupKey]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('updates the lifecycle and the snapshot; experiments accumulate; unscoped sticks', async () => {
    const ticket = await store.insertCurrent(newTicket());
    const lifecycle = { ...ticket, state: 'acknowledged' as const, assigneeId: 9, acknowledgedAtMs: 6_000, timeToAcknowledgeMs: 1_000 };
    const updated = await store.update(ticket.id, lifecycle, { alerts: [], experimentIds: [b], unscoped: true }, 6_000);
    expect(updated).toMatchObject({ state: 'acknowledged', assigneeId: 9, acknowledgedAtMs: 6_000, timeToAcknowledgeMs: 1_000, alerts: [], unscoped: true, updatedAtMs: 6_000 });
    expect(updated.experimentIds).toEqual([a, b].sort((x, y) => x - y));
    const again = await store.update(ticket.id, { ...updated, assigneeId: undefined }, { alerts: [], experimentIds: [], unscoped: false }, 7_000);
    expect(again.unscoped).toBe(true);
    expect('assigneeId' in again).toBe(false);
  });

  it('lists newest first with filters, keyset pages and scope (every experiment of the ticket in scope)', async () => {
    const onlyA = await store.insertCurrent(newTicket({ experimentIds: [a] }));
    const both = await store.insertCurrent(newTicket({ experimentIds: [a, b], lifecycle: opened('critical', 1) }));
    const none = await store.insertCurrent(newTicket({ experimentIds: [], unscoped: true }));
    const mixed = await store.insertCurrent(newTicket({ experimentIds: [a], unscoped: true }));
    const ids = (list: Array<{ id: number }>) => list.map((t) => t.id);
    const all = await store.list({ scope: { kind: 'all' }, limit: 100 });
    expect(ids(all).slice(0, 4)).toEqual([mixed.id, none.id, both.id, onlyA.id]);
    expect(ids(await store.list({ scope: { kind: 'all' }, beforeId: none.id, limit: 2 }))).toEqual([both.id, onlyA.id]);
    const scopedA = await store.list({ scope: { kind: 'experiments', experimentIds: [a] }, limit: 100 });
    expect(ids(scopedA)).toContain(onlyA.id);
    expect(ids(scopedA)).not.toEqual(expect.arrayContaining([both.id]));
    expect(ids(scopedA)).not.toContain(none.id);
    expect(ids(scopedA)).not.toContain(mixed.id);
    expect(ids(await store.list({ scope: { kind: 'experiments', experimentIds: [a, b] }, limit: 100 }))).toContain(both.id);
    expect(await store.list({ scope: { kind: 'experiments', experimentIds: [] }, limit: 100 })).toEqual([]);
    expect(ids(await store.list({ scope: { kind: 'all' }, priority: 'critical', limit: 100 }))).toEqual([both.id]);
    expect(ids(await store.list({ scope: { kind: 'all' }, experimentId: b, state: 'open', limit: 100 }))).toContain(both.id);
    expect(ids(await store.list({ scope: { kind: 'all' }, experimentId: b, state: 'closed', limit: 100 }))).toEqual([]);
  });

  it('keeps comments and events in order; a comment of a missing ticket is refused', async () => {
    const ticket = await store.insertCurrent(newTicket());
    const c1 = await store.addComment({ ticketId: ticket.id, authorId: 3, body: 'looking 👀', atMs: 10 });
    const c2 = await store.addComment({ ticketId: ticket.id, authorId: 4, body: 'fixed', atMs: 11 });
    expect(await store.comments(ticket.id)).toEqual([c1, c2]);
    const e1 = await store.addEvent({ ticketId: ticket.id, kind: 'opened', atMs: 5, detail: { to: 'open' } });
    const e2 = await store.addEvent({ ticketId: ticket.id, kind: 'acknowledged', actorId: 3, atMs: 6, detail: { from: 'open', to: 'acknowledged' } });
    expect(await store.events(ticket.id)).toEqual([e1, e2]);
    await expect(store.addComment({ ticketId: 999_999, authorId: 3, body: 'x', atMs: 1 })).rejects.toThrow('a referenced tickets does not exist');
  });
});
