import { fingerprint } from '../../../src/alerting/state/alert-labels';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { AlertmanagerConfig, ReceiverConfig, Route } from '../../../src/notify/config/model';
import type { CompiledMatcher } from '../../../src/notify/matchers';
import type { Notification } from '../../../src/notify/receivers/receiver';
import type { Silence } from '../../../src/notify/silence/silence';
import type { Dispatcher } from '../../../src/services/notify/dispatcher';
import { DispatchMetrics } from '../../../src/metrics/dispatch-metrics';
import type { DeliveryResult, DeliveryService, NotifyConfigProvider } from '../../../src/services/notify/ports';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { NotifyAlertStore, SilenceStore } from '../../../src/storage/notify-stores';
import type { Migrator } from '../../../src/storage/stores';
import { eventually } from '../../support/eventually';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/**
 * The Dispatcher in this process over the real MySQL stores, with an in-memory NotifyAlertStore and
 * SilenceStore (their MySQL implementations are other parts'), a configuration provider the test changes,
 * and a recording DeliveryService. Routing (continue, group_by), silences, inhibition, a failing
 * integration, send_resolved per integration, and a new configuration rebuilding the groups.
 */
jest.setTimeout(120_000);

const eq = (name: string, value: string): CompiledMatcher => ({ name, type: '=', value, matches: (v) => v === value });

function route(id: string, receiver: string, matchers: CompiledMatcher[], extra: Partial<Route> = {}): Route {
  return {
    id,
    receiver,
    groupBy: { all: false, labels: ['alertname'] },
    matchers,
    continue: false,
    groupWaitMs: 300,
    groupIntervalMs: 800,
    repeatIntervalMs: 3_600_000,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
    ...extra,
  };
}

function receiver(name: string, webhooks: boolean[]): ReceiverConfig {
  return { name, webhook: webhooks.map((sendResolved, i) => ({ sendResolved, url: `http://${name}/${i}`, maxAlerts: 0 })), email: [], amqp: [], tickets: [] };
}

function configOf(root: Route, extra: Partial<AlertmanagerConfig> = {}): AlertmanagerConfig {
  return {
    global: { resolveTimeoutMs: 300_000, smtp: { hello: 'localhost', requireTls: true } },
    route: root,
    receivers: new Map([
      ['default', receiver('default', [true])],
      ['db', receiver('db', [true, false])],
      ['pager', receiver('pager', [true])],
    ]),
    inhibitRules: [],
    timeIntervals: new Map(),
    templates: [],
    original: '',
    ...extra,
  };
}

class MemoryAlerts implements NotifyAlertStore {
  readonly changes: NotifyAlert[] = [];
  put(alerts: readonly NotifyAlert[]) {
    this.changes.push(...alerts);
    return Promise.resolve([...alerts]);
  }
  get(fp: string) {
    return Promise.resolve([...this.changes].reverse().find((a) => a.fingerprint === fp));
  }
  changedSince(seq: number, limit: number) {
    const alerts = this.changes.slice(seq, seq + limit);
    return Promise.resolve({ alerts, seq: seq + alerts.length });
  }
  current(_scope: unknown, resolvedSinceMs: number) {
    const latest = new Map<string, NotifyAlert>();
    for (const a of this.changes) latest.set(a.fingerprint, a);
    return Promise.resolve([...latest.values()].filter((a) => a.endsAtMs > resolvedSinceMs));
  }
  deleteResolvedBefore() {
    return Promise.resolve(0);
  }
}

const silences: Silence[] = [];
const silenceStore: SilenceStore = {
  save: () => Promise.reject(new Error('not used')),
  get: () => Promise.resolve(undefined),
  list: () => Promise.resolve(silences),
  expire: () => Promise.resolve(false),
  version: () => Promise.resolve(silences.length),
};

interface Sent {
  to: string;
  group: string;
  firing: string;
  resolved: string;
}
const sent: Sent[] = [];
const failing = new Set<string>();
const refused: string[] = [];
const delivery: DeliveryService = {
  deliver(r: ReceiverConfig, n: Notification): Promise<DeliveryResult> {
    const to = `${r.name}/${r.webhook[0]!.url.split('/').pop()!}`;
    if (failing.has(to)) {
      refused.push(to);
      return Promise.resolve({ delivered: [], failed: [{ kind: 'webhook', index: 0, error: 'HTTP 500' }] });
    }
    const names = (resolved: boolean) =>
      n.alerts
        .filter((a) => a.endsAtMs <= n.nowMs === resolved)
        .map((a) => a.labels.get('instance'))
        .join(',');
    sent.push({ to, group: n.groupKey, firing: names(false), resolved: names(true) });
    return Promise.resolve({ delivered: [{ kind: 'webhook', index: 0 }], failed: [] });
  },
};

let config = configOf(
  route('{}', 'default', [], {
    routes: [route('{}/{team="db"}/0', 'db', [eq('team', 'db')], { continue: true }), route('{}/{severity="page"}/1', 'pager', [eq('severity', 'page')])],
  }),
);
let version = 1;
const provider: NotifyConfigProvider = { current: () => config, version: () => version, onChange: () => undefined };

let database: TestDatabase;
let db: MysqlDatabase;
let dispatcher: Dispatcher;
let metrics: DispatchMetrics;
const alerts = new MemoryAlerts();

function alert(labels: Record<string, string>, endsAtMs = Date.now() + 3_600_000): NotifyAlert {
  const set = new Map(Object.entries(labels));
  return { fingerprint: fingerprint(set), labels: set, annotations: new Map(), startsAtMs: Date.now(), endsAtMs, endsAtGiven: false, updatedAtMs: Date.now(), generatorURL: '', origin: 'api' };
}

const lines = () => sent.map((s) => `${s.to} ${s.group} ${s.firing}|${s.resolved}`).sort();

beforeAll(async () => {
  database = await createTestDatabase('mymonit_dispatcher');
  const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
  await container.get<Migrator>(TYPES.Migrator).migrate();
  container.rebindSync(TYPES.NotifyAlertStore).toConstantValue(alerts);
  container.rebindSync(TYPES.SilenceStore).toConstantValue(silenceStore);
  container.rebindSync(TYPES.NotifyConfigProvider).toConstantValue(provider);
  container.rebindSync(TYPES.DeliveryService).toConstantValue(delivery);
  container.bind(TYPES.DispatcherOptions).toConstantValue({ ingestPollMs: 50, maxPollMs: 50, leaseMs: 5_000, maintenanceMs: 500 });
  db = container.get<MysqlDatabase>(TYPES.Database);
  dispatcher = container.get<Dispatcher>(TYPES.Dispatcher);
  metrics = container.get(DispatchMetrics);
  await dispatcher.start();
}, 120_000);

afterAll(async () => {
  await dispatcher?.stop();
  await db?.close();
  await database?.drop();
});

const until = (what: string, expected: string[]) =>
  eventually(lines, (l) => l.length >= expected.length, { what, timeoutMs: 20_000, intervalMs: 50 }).then(() => expect(lines()).toEqual(expected.sort()));

/** Resolves once every group has flushed `n` times after now (nothing more was due). */
async function quiet(n = 2): Promise<void> {
  const since = Date.now();
  await eventually(
    async () => (await db.executor().query('SELECT MIN(last_flush_at_ms) AS m FROM notify_groups'))[0] as Array<{ m: number | null }>,
    (rows) => Number(rows[0]?.m ?? 0) >= since + (n - 1) * 800,
    { what: 'every group flushed again', timeoutMs: 20_000, intervalMs: 100 },
  );
}

it('routes with continue, groups by alertname, one notification per integration', async () => {
  await alerts.put([alert({ alertname: 'Disk', team: 'db', severity: 'page', instance: 'd1' }), alert({ alertname: 'Disk', team: 'web', instance: 'w1' })]);
  await until('the first notifications', [
    'db/0 {}/{team="db"}:{alertname="Disk"} d1|',
    'db/1 {}/{team="db"}:{alertname="Disk"} d1|',
    'pager/0 {}/{severity="page"}:{alertname="Disk"} d1|',
    'default/0 {}:{alertname="Disk"} w1|',
  ]);
  await quiet();
  expect(sent).toHaveLength(4);
});

it('a silenced alert and an inhibited one are left out', async () => {
  sent.length = 0;
  silences.push({
    id: 's1',
    matchers: [{ name: 'instance', type: '=~', value: 'w[2-3]' }],
    startsAtMs: Date.now() - 1_000,
    endsAtMs: Date.now() + 3_600_000,
    updatedAtMs: Date.now(),
    createdBy: 'test',
    comment: '',
    untilResolved: false,
  });
  config = { ...config, inhibitRules: [{ sourceMatchers: [eq('alertname', 'Down')], targetMatchers: [eq('alertname', 'Slow')], equal: ['instance'] }] };
  await alerts.put([
    alert({ alertname: 'Net', instance: 'w2' }),
    alert({ alertname: 'Net', instance: 'w4' }),
    alert({ alertname: 'Down', instance: 'w5' }),
    alert({ alertname: 'Slow', instance: 'w5' }),
    alert({ alertname: 'Slow', instance: 'w6' }),
  ]);
  await until('Net, Down and Slow', ['default/0 {}:{alertname="Net"} w4|', 'default/0 {}:{alertname="Down"} w5|', 'default/0 {}:{alertname="Slow"} w6|']);
  await quiet();
  expect(sent).toHaveLength(3);
});

it('a failing integration is sent again at the next flush, keeps the resolved alert; send_resolved per integration', async () => {
  sent.length = 0;
  failing.add('db/0');
  const d1 = alert({ alertname: 'Disk', team: 'db', severity: 'page', instance: 'd1' }, Date.now());
  await alerts.put([d1]);
  // db/1 does not send resolved alerts: all resolved is logged, not sent; pager and db/0 send it.
  await until('pager resolution', ['pager/0 {}/{severity="page"}:{alertname="Disk"} |d1']);
  await eventually(() => refused.length, (n) => n > 0, { what: 'db/0 refusing the resolution', timeoutMs: 10_000, intervalMs: 20 });
  failing.delete('db/0');
  await until('db/0 resolution after its failure', ['pager/0 {}/{severity="page"}:{alertname="Disk"} |d1', 'db/0 {}/{team="db"}:{alertname="Disk"} |d1']);
  await quiet();
  expect(sent).toHaveLength(2);
  const outcomes = new Map((await metrics.flushes.get()).values.map((v) => [v.labels.outcome, v.value]));
  expect(outcomes.get('failed')).toBeGreaterThan(0);
  expect(outcomes.get('committed')).toBeGreaterThan(0);
  expect(outcomes.get('lease_lost')).toBeUndefined();
});

it('a new configuration rebuilds the groups; what was sent under the same group key is not sent again', async () => {
  sent.length = 0;
  config = { ...config, route: route('{}', 'default', [], { groupBy: { all: false, labels: ['alertname', 'instance'] }, routes: config.route.routes }) };
  version = 2;
  // Net w4, Down w5, Slow w6, Disk w1 regroup by instance under new keys: sent again (new groups to the
  // receiver); the db and pager routes are unchanged: nothing for them.
  await until('the regrouped notifications', [
    'default/0 {}:{alertname="Disk", instance="w1"} w1|',
    'default/0 {}:{alertname="Net", instance="w4"} w4|',
    'default/0 {}:{alertname="Down", instance="w5"} w5|',
    'default/0 {}:{alertname="Slow", instance="w6"} w6|',
  ]);
  await quiet();
  expect(sent).toHaveLength(4);
  const [rows] = (await db.executor().query('SELECT DISTINCT config_version FROM notify_groups')) as unknown as [Array<{ config_version: number }>];
  expect(rows.map((r) => Number(r.config_version))).toEqual([2]);
});
