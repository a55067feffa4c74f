import type { Container } from 'inversify';
import type { Severity } from '../../../src/alerting/rules/rule';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { OutboxReader } from '../../../src/services/notify/outbox-reader';
import { HealthMonitor } from '../../../src/services/health/health-monitor';
import type { Database, ExperimentStore } from '../../../src/storage/stores';
import { HealthFixtures } from '../../support/checks-fakes-health';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

interface Transition {
  at: string;
  alertname: string;
  labels: Record<string, string>;
  from: string;
  to: string;
  severity: string;
  rule: number;
  group: number;
  experiment: string;
  reason: string;
}

/**
 * The health stage against MariaDB: the seed's website (a dependency on a router, a redundancy group of
 * three web servers through their host group), results written as the recorder writes them, the monitor
 * recomputing after each, and the REST stack showing states, trees and the alert history.
 */
describe('health of hosts and services', () => {
  let p: TestPlatform;
  let db: HealthFixtures;
  let monitor: HealthMonitor;
  let admin: string;
  let scientist: string;
  let exp: { a: number; b: number };
  let hosts: { router: number; web1: number; web2: number; web3: number; other: number };
  let ping: number;
  let otherCheck: number;
  let website: number;
  let otherService: number;
  let slot = Date.UTC(2026, 11, 3, 12, 0, 0);

  /** One slot of results: the given states, the others ok. */
  async function results(states: Partial<Record<'router' | 'web1' | 'web2' | 'web3', Severity>>): Promise<void> {
    slot += 60_000;
    for (const name of ['router', 'web1', 'web2', 'web3'] as const) {
      const severity = states[name] ?? 'ok';
      await db.result(exp.a, ping, hosts[name], slot, severity, severity === 'ok' ? '' : 'connection refused');
      monitor.resultRecorded({ id: 0, checkId: ping, hostId: hosts[name], experimentId: exp.a, slotMs: slot, outcome: 'ok', message: '', severity });
    }
    await monitor.idle();
  }

  const history = async (token = admin): Promise<Transition[]> => {
    const response = await call(p.baseUrl, 'GET', '/alerts/history?limit=1000', { token });
    expect(response.status).toBe(200);
    return (response.body.items as Transition[]).filter((t) => t.rule === 0).reverse();
  };
  const brief = (t: Transition): string => `${t.alertname} ${t.labels.host ?? t.labels.service} ${t.labels.health} ${t.to}`;

  beforeAll(async () => {
    p = await startPlatform();
    db = await HealthFixtures.connect(p.config);
    monitor = p.container.get(HealthMonitor);
    admin = await p.tokenFor(p.admin);
    const user = await p.createUser('SCIENTIST');
    scientist = await p.tokenFor(user);
    const experiments = p.container.get<ExperimentStore>(TYPES.ExperimentStore);
    const a = await experiments.insert({ code: 'WEB', name: 'Website' });
    const b = await experiments.insert({ code: 'OTHER', name: 'Other' });
    await experiments.associate(a.id, user.id);
    exp = { a: a.id, b: b.id };
    const router = await db.host(a.id, 'router');
    const web1 = await db.host(a.id, 'web1');
    const web2 = await db.host(a.id, 'web2');
    const web3 = await db.host(a.id, 'web3');
    const other = await db.host(b.id, 'other');
    hosts = { router, web1, web2, web3, other };
    const webservers = await db.hostGroup(a.id, 'webservers', [web1, web2, web3]);
    ping = await db.check(a.id, 'ping', { hosts: [router], hostGroups: [webservers] });
    otherCheck = await db.check(b.id, 'disk', { hosts: [other] });
    website = await db.service(a.id, 'website', [router], [{ name: 'web', hostGroups: [webservers] }]);
    otherService = await db.service(b.id, 'storage', [other], []);
  });

  afterAll(async () => {
    await db?.close();
    await p?.stop();
  });

  it('before any result: no_data, and the tree says why', async () => {
    const response = await call(p.baseUrl, 'GET', `/services/${website}/health`, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'service', name: 'website', experiment: 'WEB', state: 'no_data' });
    expect(response.body.explanation.children.map((c: { name: string; state: string }) => [c.name, c.state])).toEqual([
      ['router', 'no_data'],
      ['web', 'no_data'],
    ]);
    expect(response.body.explanation.children[0].children[0]).toEqual({ kind: 'check', id: ping, name: 'ping', state: 'no_data', reason: 'no result yet', children: [] });
  });

  it('all up: ok, no alert', async () => {
    await results({});
    const response = await call(p.baseUrl, 'GET', `/services/${website}/health`, { token: admin });
    expect(response.body.state).toBe('ok');
    expect(response.body.since).toEqual(expect.any(String));
    expect(await history()).toEqual([]);
  });

  it('one web server down: the host critical, the website degraded; both fire, with outbox rows', async () => {
    await results({ web2: 'critical' });
    const host = await call(p.baseUrl, 'GET', `/hosts/${hosts.web2}/health`, { token: admin });
    expect(host.body).toMatchObject({ kind: 'host', name: 'web2', state: 'critical', reason: 'most severe of its 1 check: check ping is critical' });
    expect(host.body.explanation.children[0].reason).toMatch(/classified critical: connection refused$/);
    const service = await call(p.baseUrl, 'GET', `/services/${website}/health`, { token: admin });
    expect(service.body.state).toBe('degraded');
    expect(service.body.explanation.reason).toBe('most severe of its dependencies and redundancy groups: redundancy group web is degraded');
    expect(service.body.explanation.children[1]).toMatchObject({
      kind: 'redundancy_group',
      name: 'web',
      state: 'degraded',
      reason: 'degraded: hosts web1, web3 are ok but host web2 is critical',
    });

    const transitions = await history();
    // One batch of results: the order between a host's and its service's recomputation is the monitor's.
    expect(transitions.map(brief).sort()).toEqual(['HostHealth web2 critical firing', 'ServiceHealth website degraded firing']);
    expect(transitions.find((t) => t.alertname === 'ServiceHealth')).toMatchObject({
      rule: 0,
      group: 0,
      experiment: 'WEB',
      from: 'inactive',
      severity: 'minor',
      labels: { alertname: 'ServiceHealth', experiment: 'WEB', service: 'website', health: 'degraded', severity: 'minor' },
      reason: 'most severe of its dependencies and redundancy groups: redundancy group web is degraded',
    });
    const outbox = await db.query(
      'SELECT t.alertname, t.to_state FROM alert_outbox o JOIN alert_transitions t ON t.id = o.transition_id WHERE t.rule_id = 0 ORDER BY t.alertname',
    );
    expect(outbox.map((row) => `${row.alertname} ${row.to_state}`)).toEqual(['HostHealth firing', 'ServiceHealth firing']);
  });

  it('the notification stage takes health transitions as alerts', async () => {
    await p.container.get<OutboxReader>(TYPES.OutboxReader).drain();
    const alerts = await db.query("SELECT labels, annotations FROM notify_alerts WHERE labels LIKE '%Health%' ORDER BY labels");
    expect(alerts).toHaveLength(2);
    expect(JSON.parse(String(alerts[1]!.labels))).toEqual(
      expect.arrayContaining([
        ['alertname', 'ServiceHealth'],
        ['health', 'degraded'],
      ]),
    );
    expect(String(alerts[1]!.annotations)).toContain('minor');
  });

  it('the router down too: the website goes degraded -> critical (the degraded alert resolved, the critical one fires)', async () => {
    await results({ web2: 'critical', router: 'critical' });
    expect((await call(p.baseUrl, 'GET', `/services/${website}/health`, { token: admin })).body.explanation.reason).toBe(
      'most severe of its dependencies and redundancy groups: host router is critical',
    );
    const changes = (await history()).slice(2);
    expect(changes.map(brief).sort()).toEqual([
      'HostHealth router critical firing',
      'ServiceHealth website critical firing',
      'ServiceHealth website degraded resolved',
    ]);
    // The service's two transitions are one change (degraded -> critical), at one instant, resolution first.
    const service = changes.filter((t) => t.alertname === 'ServiceHealth');
    expect(service.map((t) => t.to)).toEqual(['resolved', 'firing']);
    expect(new Set(service.map((t) => t.at)).size).toBe(1);
  });

  it('the health report lists services and hosts worst first', async () => {
    const report = await call(p.baseUrl, 'GET', '/health-report', { token: admin });
    expect(report.status).toBe(200);
    expect(report.body.services.map((s: { name: string; state: string }) => `${s.name} ${s.state}`)).toEqual(['website critical', 'storage no_data']);
    expect(report.body.hosts.map((h: { name: string; state: string }) => `${h.name} ${h.state}`)).toEqual([
      'router critical',
      'web2 critical',
      'web1 ok',
      'web3 ok',
      'other no_data',
    ]);
  });

  it('all web servers down with the router back: still critical, now decided by the redundancy group', async () => {
    await results({ web1: 'critical', web2: 'critical', web3: 'critical' });
    const service = await call(p.baseUrl, 'GET', `/services/${website}/health`, { token: admin });
    expect(service.body.state).toBe('critical');
    expect(service.body.explanation.reason).toBe('most severe of its dependencies and redundancy groups: redundancy group web is critical');
    // The service's alert is the same one (still critical): no transition for it.
    expect((await history()).slice(5).map(brief).sort()).toEqual([
      'HostHealth router critical resolved',
      'HostHealth web1 critical firing',
      'HostHealth web3 critical firing',
    ]);
  });

  it('back up: every alert resolved', async () => {
    await results({});
    expect((await history()).slice(8).map(brief).sort()).toEqual([
      'HostHealth web1 critical resolved',
      'HostHealth web2 critical resolved',
      'HostHealth web3 critical resolved',
      'ServiceHealth website critical resolved',
    ]);
    expect((await history()).slice(8).every((t) => t.severity === 'ok')).toBe(true);
  });

  it('the same recomputation run twice, or concurrently from two processes, writes one transition', async () => {
    slot += 60_000;
    await db.result(exp.a, ping, hosts.web3, slot, 'major', 'slow');
    const second: Container = buildContainer(p.config);
    try {
      const other = second.get(HealthMonitor);
      const runs = await Promise.all([
        monitor.recomputeHostAndServices(hosts.web3),
        other.recomputeHostAndServices(hosts.web3),
        monitor.recomputeHostAndServices(hosts.web3),
        other.recomputeHostAndServices(hosts.web3),
      ]);
      expect(runs.flat().map((t) => `${t.labels.get('alertname')} ${t.labels.get('health')} ${t.to}`).sort()).toEqual([
        'HostHealth major firing',
        'ServiceHealth degraded firing',
      ]);
      expect(await monitor.recomputeHostAndServices(hosts.web3)).toEqual([]);
    } finally {
      await second.get<Database>(TYPES.Database).close();
    }
    const recent = (await history()).slice(12);
    expect(recent.map(brief).sort()).toEqual(['HostHealth web3 major firing', 'ServiceHealth website degraded firing']);
  });

  it('a SCIENTIST sees the associated experiments only: 404 for the rest', async () => {
    slot += 60_000;
    await db.result(exp.b, otherCheck, hosts.other, slot, 'critical', 'disk full');
    await monitor.recomputeHostAndServices(hosts.other);
    expect((await call(p.baseUrl, 'GET', `/hosts/${hosts.other}/health`, { token: scientist })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', `/services/${otherService}/health`, { token: scientist })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', `/hosts/${hosts.other}/health`, { token: admin })).body.state).toBe('critical');
    expect((await call(p.baseUrl, 'GET', `/services/${website}/health`, { token: scientist })).status).toBe(200);
    const report = await call(p.baseUrl, 'GET', '/health-report', { token: scientist });
    expect(report.body.services.map((s: { name: string }) => s.name)).toEqual(['website']);
    expect(report.body.hosts.map((h: { experiment: string }) => h.experiment)).not.toContain('OTHER');
    expect((await call(p.baseUrl, 'GET', '/health-report?experiment=OTHER', { token: scientist })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/health-report?experiment=OTHER', { token: admin })).body.hosts.map((h: { name: string }) => h.name)).toEqual([
      'other',
    ]);
    expect((await history(scientist)).map((t) => t.experiment)).not.toContain('OTHER');
    expect((await history()).map((t) => t.experiment)).toContain('OTHER');
  });

  it('unknown ids answer 404, bad ones 400 naming the parameter', async () => {
    expect((await call(p.baseUrl, 'GET', '/hosts/999999/health', { token: admin })).status).toBe(404);
    const bad = await call(p.baseUrl, 'GET', '/services/27e1/health', { token: admin });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('serviceId');
    expect((await call(p.baseUrl, 'GET', '/health-report')).status).toBe(401);
  });

  it('a deleted host: the sweep resolves its alert and forgets its state', async () => {
    await db.query('DELETE FROM hosts WHERE id = ?', [hosts.other]);
    await monitor.sweep();
    const last = (await history()).filter((t) => t.labels.host === 'other');
    expect(last.map(brief)).toEqual(['HostHealth other critical firing', 'HostHealth other critical resolved']);
    expect(last[1]!.reason).toBe('host removed');
    expect(await db.query('SELECT * FROM health_states WHERE subject_kind = ? AND subject_id = ?', ['host', hosts.other])).toEqual([]);
  });
});
