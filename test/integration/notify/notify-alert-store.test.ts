import { fingerprint } from '../../../src/alerting/state/alert-labels';
import type { NotifyAlert } from '../../../src/notify/alert';
import { MysqlNotifyAlertStore } from '../../../src/storage/mysql-notify-alert-store';
import { eventually } from '../../support/eventually';
import { createStorageFixture, type StorageFixture } from '../storage/storage-fixture';

const NOW = Date.UTC(2026, 11, 3, 16, 0, 0);

function alert(labels: Record<string, string> | Array<[string, string]>, changes: Partial<NotifyAlert> = {}): NotifyAlert {
  const set = new Map(Array.isArray(labels) ? labels : Object.entries(labels));
  return {
    fingerprint: fingerprint(set),
    labels: set,
    annotations: new Map(),
    startsAtMs: NOW - 1000,
    endsAtMs: NOW + 300_000,
    endsAtGiven: false,
    updatedAtMs: NOW,
    generatorURL: '',
    origin: 'api',
    ...changes,
  };
}

describe('MysqlNotifyAlertStore (migration 011)', () => {
  let fixture: StorageFixture;
  let store: MysqlNotifyAlertStore;

  beforeAll(async () => {
    fixture = await createStorageFixture();
    store = new MysqlNotifyAlertStore(fixture.db);
  });
  afterAll(() => fixture.close());

  it('stores an alert with every field, labels as sorted [name, value] pairs, and reads it back', async () => {
    const a = alert(
      [['zeta', '1'], ['alertname', 'Disk'], ['__proto__', 'x']],
      { annotations: new Map([['summary', 'full \u00e9']]), generatorURL: 'http://p/graph', experimentId: 7, endsAtGiven: true },
    );
    await store.put([a], NOW);
    expect(await store.get(a.fingerprint)).toEqual(a);
    const [row] = await fixture.rows('SELECT labels, annotations, ends_given, origin FROM notify_alerts WHERE fingerprint = ?', [a.fingerprint]);
    expect(row).toEqual({ labels: '[["__proto__","x"],["alertname","Disk"],["zeta","1"]]', annotations: '[["summary","full \u00e9"]]', ends_given: 1, origin: 'api' });
    expect(await store.get('ffffffffffffffff')).toBeUndefined();
  });

  it('merges a resolution into the firing alert: the original start stays, the end is the resolution', async () => {
    const firing = alert({ alertname: 'Merge' }, { startsAtMs: NOW - 60_000, updatedAtMs: NOW - 60_000 });
    await store.put([firing], NOW - 60_000);
    const [stored] = await store.put([alert({ alertname: 'Merge' }, { startsAtMs: NOW - 5, endsAtMs: NOW - 5, endsAtGiven: true })], NOW);
    expect(stored).toMatchObject({ startsAtMs: NOW - 60_000, endsAtMs: NOW - 5, endsAtGiven: true });
    expect(await store.get(firing.fingerprint)).toEqual(stored);
  });

  it('numbers every change: changedSince follows them in order, a changed alert moves to the end', async () => {
    const start = (await store.changedSince(0, 1000)).seq;
    const a = alert({ alertname: 'SeqA' });
    const b = alert({ alertname: 'SeqB' });
    await store.put([a, b], NOW);
    await store.put([{ ...a, updatedAtMs: NOW + 1, annotations: new Map([['v', '2']]) }], NOW + 1);
    const changes = await store.changedSince(start, 10);
    expect(changes.alerts.map((x) => x.labels.get('alertname'))).toEqual(['SeqB', 'SeqA']);
    expect(changes.alerts[1]!.annotations.get('v')).toBe('2');
    expect(changes.seq).toBe(start + 3);
    expect(await store.changedSince(changes.seq, 10)).toEqual({ alerts: [], seq: changes.seq });
    const first = await store.changedSince(start, 1);
    expect(first.alerts).toHaveLength(1);
    expect(first.seq).toBe(start + 2);
  });

  it('a put waiting for another keeps seq in commit order: a reader never sees a later seq before an earlier one', async () => {
    const before = (await store.changedSince(0, 100_000)).seq;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first put's transaction holds the counter until released; the second waits for it.
    let firstPut = false;
    const first = fixture.db.inTransaction(async () => {
      await store.put([alert({ alertname: 'Slow' })], NOW);
      firstPut = true;
      await held;
    });
    await eventually(() => firstPut, (done) => done, { what: 'the first put, holding the counter' });
    const second = store.put([alert({ alertname: 'Fast' })], NOW);
    await eventually(() => fixture.runningStatements('SELECT seq FROM notify_alert_seq'), (n) => n === 1, { what: 'second put waiting' });
    expect((await store.changedSince(before, 10)).alerts).toEqual([]);
    release();
    await Promise.all([first, second]);
    const changes = await store.changedSince(before, 10);
    expect(changes.alerts.map((x) => x.labels.get('alertname'))).toEqual(['Slow', 'Fast']);
  });

  it('current lists alerts not resolved before the instant, in scope; alerts without an experiment are the ADMIN scope only', async () => {
    await store.put(
      [
        alert({ alertname: 'CurX', n: '1' }, { experimentId: 1 }),
        alert({ alertname: 'CurX', n: '2' }, { experimentId: 2 }),
        alert({ alertname: 'CurX', n: '3' }),
        alert({ alertname: 'CurX', n: '4' }, { experimentId: 1, endsAtMs: NOW - 10_000, startsAtMs: NOW - 20_000, endsAtGiven: true }),
      ],
      NOW,
    );
    const names = (list: NotifyAlert[]) => list.filter((x) => x.labels.get('alertname') === 'CurX').map((x) => x.labels.get('n')).sort();
    expect(names(await store.current({ kind: 'all' }, NOW))).toEqual(['1', '2', '3']);
    expect(names(await store.current({ kind: 'all' }, NOW - 20_000))).toEqual(['1', '2', '3', '4']);
    expect(names(await store.current({ kind: 'experiments', experimentIds: [1] }, NOW - 20_000))).toEqual(['1', '4']);
    expect(names(await store.current({ kind: 'experiments', experimentIds: [] }, 0))).toEqual([]);
  });

  it('deleteResolvedBefore collects resolved alerts only', async () => {
    const old = alert({ alertname: 'Gc' }, { startsAtMs: NOW - 90_000, endsAtMs: NOW - 80_000, endsAtGiven: true });
    await store.put([old], NOW);
    expect(await store.deleteResolvedBefore(NOW - 70_000)).toBeGreaterThanOrEqual(1);
    expect(await store.get(old.fingerprint)).toBeUndefined();
    expect((await store.current({ kind: 'all' }, NOW)).length).toBeGreaterThan(0);
  });
});
