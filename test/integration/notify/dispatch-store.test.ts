import { fingerprint } from '../../../src/alerting/state/alert-labels';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { NflogEntry } from '../../../src/notify/dispatch/aggregation-group';
import type { NotificationLogStore, NotifyGroupStore } from '../../../src/storage/dispatch-stores';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { Migrator } from '../../../src/storage/stores';
import { eventually } from '../../support/eventually';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/** The dispatcher's MySQL stores: claims, leases and fencing, the cursor lock, the notification log. */
let database: TestDatabase;
let db: MysqlDatabase;
let groups: NotifyGroupStore;
let nflog: NotificationLogStore;

function alert(instance: string, updatedAtMs: number, endsAtMs = 1e13): NotifyAlert {
  const labels = new Map([
    ['alertname', 'X'],
    ['instance', instance],
  ]);
  return { fingerprint: fingerprint(labels), labels, annotations: new Map([['summary', 'é ✓']]), startsAtMs: 1, endsAtMs, endsAtGiven: true, updatedAtMs, generatorURL: 'http://g', origin: 'api' };
}

async function group(key: string, nextFlushAtMs: number): Promise<number> {
  return db.inTransaction(() =>
    groups.insertGroup({
      routeId: '{}',
      groupKey: `{}:{alertname="${key}"}`,
      receiver: 'team',
      labels: new Map([['alertname', key]]),
      configVersion: 1,
      createdAtMs: 0,
      nextFlushAtMs,
      hasFlushed: false,
    }),
  );
}

beforeAll(async () => {
  database = await createTestDatabase('mymonit_dispatch_store');
  const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
  await container.get<Migrator>(TYPES.Migrator).migrate();
  db = container.get<MysqlDatabase>(TYPES.Database);
  groups = container.get<NotifyGroupStore>(TYPES.NotifyGroupStore);
  nflog = container.get<NotificationLogStore>(TYPES.NotificationLogStore);
}, 120_000);

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

it('claims are exclusive, a lost lease cannot commit, the next holder gets the next token', async () => {
  const id = await group('A', 1_000);
  await group('later', 10_000);
  await db.inTransaction(() => groups.putGroupAlerts([{ groupId: id, alert: alert('i1', 5) }, { groupId: id, alert: alert('i2', 6, 7) }]));
  expect((await groups.groupAlerts(id)).map((a) => [a.labels.get('instance'), a.annotations.get('summary')])).toEqual([
    ['i1', 'é ✓'],
    ['i2', 'é ✓'],
  ]);
  // Two claimers at once: each due group to one of them.
  const [x, y] = await Promise.all([groups.claimDue('x', 1, 2_000, 300, 10), groups.claimDue('y', 1, 2_000, 300, 10)]);
  const all = [...x!, ...y!];
  expect(all.map((g) => g.id)).toEqual([id]);
  const first = all[0]!;
  expect(first.fencingToken).toBe(1);
  expect(await groups.claimDue('z', 1, 2_000, 300, 10)).toEqual([]);
  expect(await groups.renewLease(id, first.holder, 1, 300)).toBe(true);
  // The lease runs out; z takes the group with the next token; the first holder can neither renew nor commit.
  const [taken] = await eventually(() => groups.claimDue('z', 1, 2_000, 10_000, 10), (c) => c.length === 1, { what: 'takeover', timeoutMs: 5_000, intervalMs: 50 });
  expect(taken).toMatchObject({ id, holder: 'z', fencingToken: 2 });
  expect(await groups.renewLease(id, first.holder, 1, 300)).toBe(false);
  expect(await groups.finishFlush(first, { nextFlushAtMs: 4_000, hasFlushed: true }, 2_000, [alert('i2', 6, 7)])).toBe(false);
  expect(await groups.groupAlerts(id)).toHaveLength(2);
  // The holder commits: schedule stored, the sent resolved alert removed (not one that changed), lease free.
  expect(await groups.finishFlush(taken!, { nextFlushAtMs: 4_000, hasFlushed: true }, 2_000, [alert('i2', 6, 7), alert('i1', 99)])).toBe(true);
  expect((await groups.groupAlerts(id)).map((a) => a.labels.get('instance'))).toEqual(['i1']);
  expect(await groups.claimDue('w', 1, 3_999, 300, 10)).toEqual([]);
  expect((await groups.claimDue('w', 1, 4_000, 300, 10)).map((g) => [g.id, g.fencingToken, g.hasFlushed])).toEqual([[id, 3, true]]);
  expect(await groups.nextDueMs(1)).toBe(4_000);
  expect(await groups.nextDueMs(2)).toBeUndefined();
  await groups.releaseAll('w');
  const [v] = await groups.claimDue('v', 1, 4_000, 300, 10);
  expect(v).toMatchObject({ id, fencingToken: 4 });
  expect(await groups.release(v!)).toBe(true);
  expect(await groups.release(v!)).toBe(false);
  expect(await groups.claimDue('u', 1, 4_000, 300, 10)).toHaveLength(1);
});

it('the cursor is held by one transaction at a time; others skip it', async () => {
  let release!: () => void;
  const holding = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const first = db.inTransaction(async () => {
    const cursor = await groups.lockCursor();
    locked();
    await holding;
    await groups.saveCursor({ alertSeq: (cursor?.alertSeq ?? 0) + 5, configVersion: 3 });
    return cursor;
  });
  await isLocked;
  expect(await db.inTransaction(() => groups.lockCursor())).toBeUndefined();
  release();
  expect(await first).toEqual({ alertSeq: 0, configVersion: 0 });
  expect(await db.inTransaction(() => groups.lockCursor())).toEqual({ alertSeq: 5, configVersion: 3 });
});

it('the notification log keeps the newest entry per integration; entries expire', async () => {
  const entry = (firing: string[], sentAtMs: number): NflogEntry => ({ firing: new Set(firing), resolved: new Set(['r']), sentAtMs, expiresAtMs: sentAtMs + 100 });
  await nflog.log('gk', 'team', { kind: 'webhook', index: 0 }, entry(['a'], 10), 1);
  await nflog.log('gk', 'team', { kind: 'webhook', index: 0 }, entry(['a', 'b'], 20), 2);
  await nflog.log('gk', 'team', { kind: 'webhook', index: 0 }, entry(['old'], 15), 1);
  await nflog.log('gk', 'team', { kind: 'email', index: 0 }, entry(['c'], 30), 2);
  await nflog.log('gk', 'other', { kind: 'webhook', index: 0 }, entry(['d'], 30), 2);
  const entries = await nflog.entries('gk', 'team');
  expect([...entries.keys()].sort()).toEqual(['email:0', 'webhook:0']);
  expect(entries.get('webhook:0')).toEqual({ firing: new Set(['a', 'b']), resolved: new Set(['r']), sentAtMs: 20, expiresAtMs: 120 });
  expect(await nflog.deleteExpired(120)).toBe(1);
  expect([...(await nflog.entries('gk', 'team')).keys()]).toEqual(['email:0']);
});

it('empty groups go (unless leased); all groups go on a rebuild', async () => {
  const empty = await group('empty', 1e12);
  const leased = await group('leased', 0);
  await groups.claimDue('x', 1, 0, 60_000, 1);
  await db.inTransaction(() => groups.deleteEmptyGroups());
  const keys = async () => [...(await db.inTransaction(() => groups.lockGroups([{ routeId: '{}', groupKey: '{}:{alertname="empty"}' }, { routeId: '{}', groupKey: '{}:{alertname="leased"}' }]))).values()].map((g) => g.id);
  expect(await keys()).toEqual([leased]);
  expect(empty).toBeGreaterThan(0);
  await db.inTransaction(() => groups.deleteAllGroups());
  expect(await keys()).toEqual([]);
});
