import type { AlertTransition } from '../../../src/alerting/state/alert-state';
import { fingerprint } from '../../../src/alerting/state/alert-labels';
import type { Logger } from '../../../src/logging/logger';
import type { NotifyAlert } from '../../../src/notify/alert';
import { alertFromTransition, FIRING_UNTIL_RESOLVED_MS } from '../../../src/notify/provider/transition-alert';
import { OutboxReader } from '../../../src/services/notify/outbox-reader';
import { MysqlAlertOutboxStore } from '../../../src/storage/mysql-alert-outbox-store';
import { MysqlAlertStateStore } from '../../../src/storage/mysql-alert-state-store';
import { MysqlNotifyAlertStore } from '../../../src/storage/mysql-notify-alert-store';
import { eventually } from '../../support/eventually';
import { createStorageFixture, type StorageFixture } from '../storage/storage-fixture';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const silent: Logger = { child: () => silent, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

function transition(name: string, from: AlertTransition['from'], to: AlertTransition['to'], atMs: number, ruleId = 1): AlertTransition {
  const labels = new Map([
    ['alertname', name],
    ['experiment', 'EXP1'],
  ]);
  return { ruleId, fingerprint: fingerprint(labels), labels, from, to, severity: 'major', value: 3, atMs };
}

describe('OutboxReader: alert_outbox -> notify_alerts', () => {
  let fixture: StorageFixture;
  let states: MysqlAlertStateStore;
  let outbox: MysqlAlertOutboxStore;
  let alerts: MysqlNotifyAlertStore;
  let reader: OutboxReader;
  let experimentId: number;

  const append = (transitions: AlertTransition[]) => fixture.db.inTransaction(() => states.appendTransitions(1, experimentId, 1, transitions));
  const stored = async (name: string): Promise<NotifyAlert | undefined> => alerts.get(transition(name, 'pending', 'firing', 0).fingerprint);

  beforeAll(async () => {
    fixture = await createStorageFixture();
    states = new MysqlAlertStateStore(fixture.db);
    outbox = new MysqlAlertOutboxStore(fixture.db);
    alerts = new MysqlNotifyAlertStore(fixture.db);
    reader = new OutboxReader(fixture.db, outbox, alerts, silent, { pollMs: 20, batchSize: 3 });
    // The rule the transitions name: its annotations are expanded with the alert's labels and value.
    experimentId = (await fixture.experiments.insert({ code: 'EXP1', name: 'Experiment 1' })).id;
    const [group] = await fixture.db.executor().query(
      "INSERT INTO rule_groups (experiment_id, name, interval_ms, created_at, updated_at) VALUES (?, 'g', 1000, NOW(3), NOW(3))",
      [experimentId],
    );
    await fixture.db.executor().query(
      `INSERT INTO rules (id, group_id, position, kind, name, expr, labels, annotations) VALUES (1, ?, 0, 'alert', 'HighLoad', 'up', '[]', ?)`,
      [(group as { insertId: number }).insertId, JSON.stringify([['summary', 'load {{ $value }} on {{ $labels.experiment }}']])],
    );
  });
  afterAll(() => fixture.close());

  it('firing then resolved: one alert, started when it fired, ended when it resolved; pending and inactive consumed without an alert', async () => {
    await append([
      transition('HighLoad', 'inactive', 'pending', T0),
      transition('HighLoad', 'pending', 'firing', T0 + 60_000),
      transition('Flap', 'inactive', 'pending', T0),
      transition('Flap', 'pending', 'inactive', T0 + 15_000),
    ]);
    expect(await reader.drain()).toBe(4);
    const firing = await stored('HighLoad');
    expect(firing).toEqual({
      fingerprint: transition('HighLoad', 'pending', 'firing', 0).fingerprint,
      labels: new Map([
        ['alertname', 'HighLoad'],
        ['experiment', 'EXP1'],
      ]),
      annotations: new Map([
        ['severity', 'major'],
        ['summary', 'load 3 on EXP1'],
      ]),
      startsAtMs: T0 + 60_000,
      endsAtMs: FIRING_UNTIL_RESOLVED_MS,
      endsAtGiven: false,
      updatedAtMs: T0 + 60_000,
      generatorURL: '',
      experimentId,
      origin: 'rule',
    });
    expect(await stored('Flap')).toBeUndefined();

    await append([transition('HighLoad', 'firing', 'resolved', T0 + 120_000)]);
    expect(await reader.drain()).toBe(1);
    expect(await stored('HighLoad')).toMatchObject({ startsAtMs: T0 + 60_000, endsAtMs: T0 + 120_000, endsAtGiven: true, updatedAtMs: T0 + 120_000 });
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('a batch that fails after its put commits nothing: rows stay unconsumed, no alert changes, the next pass applies them', async () => {
    await append([transition('Crash', 'pending', 'firing', T0 + 1_000)]);
    const failing = new OutboxReader(
      fixture.db,
      outbox,
      {
        ...alerts,
        put: async (list: readonly NotifyAlert[]) => {
          await alerts.put(list);
          throw new Error('killed mid-batch');
        },
      } as unknown as MysqlNotifyAlertStore,
      silent,
      { pollMs: 20, batchSize: 10 },
    );
    await expect(failing.runBatch()).rejects.toThrow('killed mid-batch');
    expect(await stored('Crash')).toBeUndefined();
    expect(await outbox.pendingCount()).toBe(1);
    expect(await reader.drain()).toBe(1);
    expect(await stored('Crash')).toMatchObject({ startsAtMs: T0 + 1_000 });
  });

  it('two consumers share the outbox; an alert whose older row another holds waits, so its transitions apply in order', async () => {
    await append([transition('Order', 'pending', 'firing', T0 + 10_000)]);
    await append([transition('Order', 'firing', 'resolved', T0 + 20_000), transition('Other', 'pending', 'firing', T0 + 20_000)]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimedFirst: number[] = [];
    // Consumer A claims the firing row (batch of 1) and holds it.
    const consumerA = fixture.db.inTransaction(async () => {
      const rows = await outbox.claimPending(1);
      claimedFirst = rows.map((r) => r.outboxId);
      await held;
      const converted = rows.map((r) => alertFromTransition(r, (text) => text)).filter((a): a is NotifyAlert => a !== undefined);
      await alerts.put(converted);
      await outbox.markConsumed(claimedFirst);
    });
    await eventually(() => claimedFirst.length, (n) => n === 1, { what: 'consumer A claimed' });
    // Consumer B skips A's row, takes the other two, applies Other, leaves Order's resolution for later.
    expect(await reader.runBatch()).toBe(1);
    expect(await stored('Other')).toBeDefined();
    expect(await stored('Order')).toBeUndefined();
    release();
    await consumerA;
    // A applied the firing; the reader now applies the resolution after it.
    expect(await reader.drain()).toBe(1);
    expect(await stored('Order')).toMatchObject({ startsAtMs: T0 + 10_000, endsAtMs: T0 + 20_000 });
  });
});
