import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_EXECUTOR_OPTIONS, type BuiltinExecutorOptions } from '../../../src/checks/builtin/builtin-executor';
import { portFreeOn, restartableNginx, table, type RestartableNginx } from '../../support/checks-end-to-end';
import { freePort } from '../../support/free-port';
import { call, eventually, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';
import { createTestPki, type TestPki } from '../../support/test-pki';
import { startWebhookRecorder, type WebhookRecorder } from '../../support/webhook-recorder';

const DAY = 86_400_000;
/** Results come every second; a state needs a few slots (claim, run, record, recompute) to show. */
const WAIT = { timeoutMs: 30_000, intervalMs: 200 };

interface Result {
  id: number;
  check_id: number;
  host_id: number;
  slot_at: string;
  outcome: string;
  value: number | null;
  message: string;
  severity: string;
  reason: string | null;
  started_at: string | null;
}
interface Transition {
  alertname: string;
  labels: Record<string, string>;
  to: string;
  rule: number;
  experiment: string;
}

/**
 * Issue 14 end to end through the real container: REST model (ADMIN), the check scheduler claiming 1 s slots
 * in MariaDB, the built-in executor against Debian's nginx (two web hosts, 127.0.0.1 and 127.0.0.2, one nginx
 * each on the same port), MariaDB, a closed port and openssl certificates, the recorder storing measures
 * (measures API, PromQL), the health monitor (host and service health, the report, HostHealth /
 * ServiceHealth transitions) and the notification stage delivering them to a webhook. Nothing is a stand-in:
 * the only binding the test adds is the executor's documented option trusting the test CA.
 */
describe('checks, schedules and health end to end', () => {
  let pki: TestPki;
  let web1Nginx: RestartableNginx;
  let web2Nginx: RestartableNginx;
  let certsNginx: RestartableNginx;
  let recorder: WebhookRecorder;
  let p: TestPlatform;
  let admin: string;
  let member: string;
  let outsider: string;
  let dir: string;
  const ids = { hosts: new Map<string, number>(), checks: new Map<string, number>(), services: new Map<string, number>() };
  const observed: string[][] = [];
  let stoppedAt = 0;

  const api = (method: string, url: string, body?: unknown, token = admin): Promise<ApiResponse> => call(p.baseUrl, method, url, { token, body });
  const create = async (url: string, body: Record<string, unknown>): Promise<number> => {
    const response = await api('POST', url, { experiment: 'E2E', ...body });
    expect({ url, status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return response.body.id as number;
  };
  const host = (name: string) => ids.hosts.get(name)!;
  const check = (name: string) => ids.checks.get(name)!;
  const service = (name: string) => ids.services.get(name)!;
  const latest = async (checkName: string, hostName: string, token = admin): Promise<Result | undefined> => {
    const response = await api('GET', `/checks/${check(checkName)}/results?host=${host(hostName)}&limit=1`, undefined, token);
    expect(response.status).toBe(200);
    return response.body.items[0] as Result | undefined;
  };
  const latestAfter = async (checkName: string, hostName: string, afterMs: number, severity: string): Promise<Result> =>
    (await eventually(
      () => latest(checkName, hostName),
      (r) => r !== undefined && Date.parse(r.slot_at) > afterMs && r.severity === severity,
      { ...WAIT, what: `${checkName} on ${hostName} ${severity} after ${new Date(afterMs).toISOString()}` },
    ))!;
  const healthOf = async (kind: 'hosts' | 'services', id: number, token = admin) => {
    const response = await api('GET', `/${kind}/${id}/health`, undefined, token);
    expect(response.status).toBe(200);
    return response.body as { state: string; reason: string; explanation: { children: Array<{ name: string; state: string; reason: string }> } };
  };
  const waitHealth = (kind: 'hosts' | 'services', id: number, state: string) =>
    eventually(() => healthOf(kind, id), (h) => h.state === state, { ...WAIT, what: `${kind}/${id} ${state}` });
  const history = async (): Promise<Transition[]> => {
    const response = await api('GET', '/alerts/history?limit=1000');
    expect(response.status).toBe(200);
    return (response.body.items as Transition[]).filter((t) => t.rule === 0).reverse();
  };
  const brief = (t: Transition) => `${t.alertname} ${t.labels.host ?? t.labels.service} ${t.labels.health} ${t.to}`;
  const note = (phase: string, r: Result, checkName: string, hostName: string) =>
    observed.push([phase, checkName, hostName, r.outcome, r.severity, r.value === null ? '-' : String(Math.round(r.value * 100) / 100), r.message.slice(0, 100)]);

  beforeAll(async () => {
    pki = createTestPki();
    const now = Date.now();
    const valid = pki.issue('valid', { notBeforeMs: now - DAY, notAfterMs: now + 30 * DAY });
    const expired = pki.issue('expired', { notBeforeMs: now - 90 * DAY, notAfterMs: now - 2 * DAY });
    const webPort = await portFreeOn(['127.0.0.1', '127.0.0.2']);
    const [validPort, expiredPort] = [await freePort(), await freePort()];
    web1Nginx = restartableNginx([{ host: '127.0.0.1', port: webPort, body: 'web1 up\n' }]);
    web2Nginx = restartableNginx([{ host: '127.0.0.2', port: webPort, body: 'web2 up\n' }]);
    certsNginx = restartableNginx([
      { host: '127.0.0.1', port: validPort, body: 'valid\n', tls: valid },
      { host: '127.0.0.1', port: expiredPort, body: 'expired\n', tls: expired },
    ]);
    for (const nginx of [web1Nginx, web2Nginx, certsNginx]) await nginx.start();
    recorder = await startWebhookRecorder();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checks-e2e-'));
    const configFile = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(
      configFile,
      `route:
  receiver: ops
  group_by: [alertname, host, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: ops
    webhook_configs:
      - url: '${recorder.url}/health'
        send_resolved: true
`,
    );
    p = await startPlatform({
      env: { ALERTMANAGER_CONFIG_FILE: configFile },
      components: ['alertmanager-config', 'notify-outbox-reader', 'notification-dispatcher', 'health-monitor', 'check-scheduler'],
      // The documented option for servers of a private CA (docs/checks.md, "Built-in checks").
      configure: (container) => container.bind<BuiltinExecutorOptions>(BUILTIN_EXECUTOR_OPTIONS).toConstantValue({ extraCa: [pki.caCert] }),
    });
    admin = await p.tokenFor(p.admin);
    const scientist = await p.createUser('SCIENTIST', 'member');
    member = await p.tokenFor(scientist);
    outsider = await p.tokenFor(await p.createUser('SCIENTIST', 'outsider'));
    expect((await api('POST', '/experiments', { code: 'E2E', name: 'Checks end to end' })).status).toBe(201);
    expect((await api('PUT', `/experiments/E2E/users/${scientist.id}`)).status).toBe(204);

    const closedPort = await freePort();
    for (const [name, address] of [
      ['web1', '127.0.0.1'],
      ['web2', '127.0.0.2'],
      ['db', p.config.db.host],
      ['legacy', '127.0.0.1'],
      ['tls-valid', '127.0.0.1'],
      ['tls-expired', '127.0.0.1'],
    ] as const) {
      ids.hosts.set(name, await create('/hosts', { name, address }));
    }
    const webs = await create('/host-groups', { name: 'webs', hosts: [host('web1'), host('web2')] });
    const checks: Array<[string, Record<string, unknown>]> = [
      ['http_site', { kind: 'http', params: { url: `http://{address}:${webPort}/`, bodyMatch: ' up' }, host_groups: [webs] }],
      ['tcp_mariadb', { kind: 'tcp', params: { port: p.config.db.port }, hosts: [host('db')] }],
      ['tcp_closed', { kind: 'tcp', params: { port: closedPort }, hosts: [host('legacy')] }],
      ['tls_valid', { kind: 'tls', params: { port: validPort }, classifier: { thresholds: [{ severity: 'major', op: '<', value: 7 }] }, hosts: [host('tls-valid')] }],
      ['tls_expired', { kind: 'tls', params: { port: expiredPort }, hosts: [host('tls-expired')] }],
    ];
    for (const [name, body] of checks) ids.checks.set(name, await create('/checks', { name, timeout_ms: 3000, ...body }));
    ids.services.set('website', await create('/services', { name: 'website', dependencies: [host('db')], redundancy_groups: [{ name: 'web', members: [{ host_group: webs }] }] }));
    ids.services.set('legacy-app', await create('/services', { name: 'legacy-app', dependencies: [host('legacy')] }));
    await create('/schedules', {
      name: 'every second',
      max_lateness_ms: 2000,
      intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 1000 }],
      checks: [...ids.checks.values()],
    });
  }, 120_000);

  afterAll(async () => {
    console.log(`checks end to end, observed:\n${table(['phase', 'check', 'host', 'outcome', 'severity', 'value', 'message'], observed)}`);
    await p?.stop();
    await recorder?.stop();
    await web1Nginx?.remove();
    await web2Nginx?.remove();
    await certsNginx?.remove();
    pki?.remove();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('results appear for every check and host, classified', async () => {
    const startedAt = Date.now();
    const expected: Array<[string, string, string, string]> = [
      ['http_site', 'web1', 'ok', 'ok'],
      ['http_site', 'web2', 'ok', 'ok'],
      ['tcp_mariadb', 'db', 'ok', 'ok'],
      ['tcp_closed', 'legacy', 'failed', 'critical'],
      ['tls_valid', 'tls-valid', 'ok', 'ok'],
      ['tls_expired', 'tls-expired', 'failed', 'critical'],
    ];
    for (const [checkName, hostName, outcome, severity] of expected) {
      const r = await eventually(() => latest(checkName, hostName), (x) => x !== undefined, { ...WAIT, what: `a result of ${checkName} on ${hostName}` });
      note('up', r!, checkName, hostName);
      expect({ checkName, hostName, outcome: r!.outcome, severity: r!.severity }).toEqual({ checkName, hostName, outcome, severity });
    }
    console.log(`first results of all six jobs within ${Date.now() - startedAt} ms of the schedule's creation`);
    expect((await latest('tcp_closed', 'legacy'))!.message).toContain('ECONNREFUSED');
    expect((await latest('tls_expired', 'tls-expired'))!.message).toContain('CERT_HAS_EXPIRED');
    expect((await latest('tls_expired', 'tls-expired'))!.value).toBeLessThan(0);
    expect((await latest('tls_valid', 'tls-valid'))!.value).toBeGreaterThan(29);
    // One slot per second: several slots' results accumulate, newest first.
    const page = await eventually(
      () => api('GET', `/checks/${check('http_site')}/results?host=${host('web2')}&limit=3`),
      (r) => r.body.items.length === 3,
      { ...WAIT, what: 'three results of http_site on web2' },
    );
    const slots = page.body.items.map((r: Result) => Date.parse(r.slot_at));
    expect(slots).toEqual([...slots].sort((a, b) => b - a));
    expect(slots.every((s: number) => s % 1000 === 0)).toBe(true);
  });

  it('the results are measures: the measures API and PromQL (metric = check name, source = host)', async () => {
    const measures = await api('GET', '/experiments/E2E/measures?metric=http_site&source=web1&limit=1000');
    expect(measures.status).toBe(200);
    const fields = new Set(measures.body.items.map((m: { tags: { field: string } }) => m.tags.field));
    expect([...fields].sort()).toEqual(['latency_ms', 'status_code', 'value']);
    expect(measures.body.items.find((m: { tags: { field: string } }) => m.tags.field === 'status_code')).toMatchObject({ value: 200, tags: { check_kind: 'http' } });

    const query = encodeURIComponent('tls_expired{source="tls-expired",field="value"}');
    const promql = await api('GET', `/prometheus/api/v1/query?query=${query}`);
    expect(promql.status).toBe(200);
    expect(promql.body.data.result).toHaveLength(1);
    expect(promql.body.data.result[0].metric).toEqual({ __name__: 'tls_expired', experiment: 'E2E', source: 'tls-expired', check_kind: 'tls', field: 'value' });
    expect(Number(promql.body.data.result[0].value[1])).toBeLessThan(-1.9);
    const perHost = await api('GET', `/prometheus/api/v1/query?query=${encodeURIComponent('count by (source) (http_site{field="status_code"} == 200)')}`);
    expect(perHost.body.data.result.map((s: { metric: { source: string } }) => s.metric.source).sort()).toEqual(['web1', 'web2']);
  });

  it('health: hosts and services with their explanations, the report worst first', async () => {
    const website = await waitHealth('services', service('website'), 'ok');
    expect(website.explanation.children.map((c) => `${c.name} ${c.state}`)).toEqual(['db ok', 'web ok']);
    const legacy = await waitHealth('services', service('legacy-app'), 'critical');
    expect(legacy.reason).toBe('most severe of its dependencies and redundancy groups: host legacy is critical');
    const expiredHost = await healthOf('hosts', host('tls-expired'));
    expect(expiredHost).toMatchObject({ state: 'critical', reason: 'most severe of its 1 check: check tls_expired is critical' });
    expect(expiredHost.explanation.children[0]!.reason).toMatch(/^latest result \(slot [^)]+\) classified critical: the check failed \(the check said: certificate not valid \(CERT_HAS_EXPIRED\).*\)$/);

    const report = await api('GET', '/health-report');
    expect(report.status).toBe(200);
    expect(report.body.services.map((s: { name: string; state: string }) => `${s.name} ${s.state}`)).toEqual(['legacy-app critical', 'website ok']);
    expect(report.body.hosts.map((h: { name: string; state: string }) => `${h.name} ${h.state}`)).toEqual([
      'legacy critical',
      'tls-expired critical',
      'db ok',
      'tls-valid ok',
      'web1 ok',
      'web2 ok',
    ]);
    const fired = await eventually(history, (t) => t.length >= 3, { ...WAIT, what: 'the first health transitions' });
    expect(fired.map(brief).sort()).toEqual(['HostHealth legacy critical firing', 'HostHealth tls-expired critical firing', 'ServiceHealth legacy-app critical firing']);
  });

  it('nginx of web1 stopped: http_site critical on web1, web1 critical, the website degraded, alerts fire and reach the webhook', async () => {
    stoppedAt = Date.now();
    await web1Nginx.stop();
    const down = await latestAfter('http_site', 'web1', stoppedAt, 'critical');
    note('web1 down', down, 'http_site', 'web1');
    expect(down.outcome).toBe('failed');
    expect(down.message).toContain('ECONNREFUSED');
    note('web1 down', (await latest('http_site', 'web2'))!, 'http_site', 'web2');
    expect((await latest('http_site', 'web2'))!.severity).toBe('ok');

    const web1 = await waitHealth('hosts', host('web1'), 'critical');
    expect(web1.reason).toBe('most severe of its 1 check: check http_site is critical');
    const website = await waitHealth('services', service('website'), 'degraded');
    console.log(`web1's nginx stopped -> website degraded after ${Date.now() - stoppedAt} ms`);
    expect(website.reason).toBe('most severe of its dependencies and redundancy groups: redundancy group web is degraded');
    expect(website.explanation.children[1]).toMatchObject({ name: 'web', state: 'degraded', reason: 'degraded: host web2 is ok but host web1 is critical' });

    const changes = await eventually(history, (t) => t.length >= 5, { ...WAIT, what: 'the transitions of web1 and the website' });
    expect(changes.slice(3).map(brief).sort()).toEqual(['HostHealth web1 critical firing', 'ServiceHealth website degraded firing']);

    const hooks = await recorder.waitFor('HostHealth web1 firing at the webhook', (all) =>
      all.some((h) => h.body.status === 'firing' && h.body.alerts.some((a) => a.labels.alertname === 'HostHealth' && a.labels.host === 'web1')),
    { timeoutMs: 30_000 });
    console.log(`web1's nginx stopped -> webhook HostHealth web1 firing after ${hooks.at(-1)!.receivedAt - stoppedAt} ms`);
    const alert = hooks.flatMap((h) => h.body.alerts).find((a) => a.labels.host === 'web1')!;
    expect(alert.labels).toMatchObject({ alertname: 'HostHealth', experiment: 'E2E', host: 'web1', health: 'critical', severity: 'critical' });
    await recorder.waitFor('ServiceHealth website degraded at the webhook', (all) =>
      all.some((h) => h.body.alerts.some((a) => a.status === 'firing' && a.labels.service === 'website' && a.labels.health === 'degraded')),
    { timeoutMs: 30_000 });
  });

  it('nginx of web1 started again: ok, web1 and the website healthy, the alerts resolved at the webhook', async () => {
    const restartedAt = Date.now();
    await web1Nginx.start();
    const up = await latestAfter('http_site', 'web1', restartedAt, 'ok');
    note('web1 back', up, 'http_site', 'web1');
    await waitHealth('hosts', host('web1'), 'ok');
    await waitHealth('services', service('website'), 'ok');
    const changes = await eventually(history, (t) => t.length >= 7, { ...WAIT, what: 'the resolutions' });
    expect(changes.slice(5).map(brief).sort()).toEqual(['HostHealth web1 critical resolved', 'ServiceHealth website degraded resolved']);
    await recorder.waitFor('HostHealth web1 resolved at the webhook', (all) =>
      all.some((h) => h.body.alerts.some((a) => a.status === 'resolved' && a.labels.host === 'web1')),
    { timeoutMs: 30_000 });
    await recorder.waitFor('ServiceHealth website resolved at the webhook', (all) =>
      all.some((h) => h.body.alerts.some((a) => a.status === 'resolved' && a.labels.service === 'website')),
    { timeoutMs: 30_000 });
    console.log(`web1's nginx restarted -> resolved at the webhook after ${recorder.received().at(-1)!.receivedAt - restartedAt} ms`);
  });

  it('a SCIENTIST of the experiment reads results and health; another SCIENTIST gets 404', async () => {
    const r = await latest('http_site', 'web2', member);
    expect(r).toMatchObject({ host_id: host('web2'), severity: 'ok' });
    expect((await healthOf('hosts', host('legacy'), member)).state).toBe('critical');
    expect((await healthOf('services', service('website'), member)).state).toBe('ok');
    expect((await api('GET', `/hosts/${host('web1')}/results`, undefined, member)).status).toBe(200);
    expect((await api('GET', '/health-report?experiment=E2E', undefined, member)).body.services).toHaveLength(2);
    for (const url of [
      `/checks/${check('http_site')}/results`,
      `/hosts/${host('web1')}/results`,
      `/hosts/${host('web1')}/health`,
      `/services/${service('website')}/health`,
      '/health-report?experiment=E2E',
    ]) {
      expect({ url, status: (await api('GET', url, undefined, outsider)).status }).toEqual({ url, status: 404 });
    }
    const report = await api('GET', '/health-report', undefined, outsider);
    expect(report.body).toEqual({ services: [], hosts: [] });
    const measures = await api('GET', '/experiments/E2E/measures?metric=http_site', undefined, outsider);
    expect(measures.status).toBe(404);
  });

  it('every slot of the run: one result per check, host and slot, each run by the executor (none errored), lateness measured', async () => {
    const stats: string[][] = [];
    let missed = 0;
    for (const [checkName, id] of ids.checks) {
      const results: Result[] = [];
      let cursor: string | undefined;
      do {
        const page = await api('GET', `/checks/${id}/results?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        results.push(...(page.body.items as Result[]));
        cursor = page.body.next;
      } while (cursor !== undefined);
      const keys = new Set(results.map((r) => `${r.host_id}/${r.slot_at}`));
      expect(keys.size).toBe(results.length);
      const outcomes = new Map<string, number>();
      for (const r of results) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
      missed += outcomes.get('missed') ?? 0;
      expect({ checkName, outcomes: [...outcomes.keys()].filter((o) => o !== 'ok' && o !== 'failed' && o !== 'missed') }).toEqual({ checkName, outcomes: [] });
      const ran = results.filter((r) => r.started_at !== null).sort((a, b) => Date.parse(a.slot_at) - Date.parse(b.slot_at));
      const late = (r: Result) => Date.parse(r.started_at!) - Date.parse(r.slot_at);
      const firstSlot = ran[0]?.slot_at;
      const later = ran.filter((r) => r.slot_at !== firstSlot).map(late).sort((a, b) => a - b);
      const firsts = ran.filter((r) => r.slot_at === firstSlot).map(late);
      stats.push([
        checkName,
        String(results.length),
        [...outcomes].map(([o, n]) => `${o} ${n}`).join(', '),
        firsts.length > 0 ? String(Math.max(...firsts)) : '-',
        String(later[Math.floor(later.length / 2)] ?? '-'),
        String(later.at(-1) ?? '-'),
      ]);
    }
    console.log(`every result stored, per check (lateness = started_at - slot, ms):\n${table(['check', 'results', 'outcomes', 'first slot late', 'later p50', 'later max'], stats)}\nmissed slots: ${missed}`);
  });
});
