import type { RuleGroup } from '../../../src/alerting/rules/rule';
import { TYPES } from '../../../src/identifiers';
import type { ExperimentStore } from '../../../src/storage/stores';
import { alertRule, FakeEngine, FakeRuleReader, FakeSeriesSources } from '../../support/alerting-fakes';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/** /alerts, /alerts/history and Prometheus's /rules and /alerts over alerts a running evaluator made. */
describe('alerts over REST', () => {
  let p: TestPlatform;
  const engine = new FakeEngine();
  const reader = new FakeRuleReader();
  let admin: string;
  let scientist: string;

  beforeAll(async () => {
    p = await startPlatform({
      components: ['rule-evaluator'],
      configure: (container) => {
        container.rebindSync(TYPES.PromqlEngine).toConstantValue(engine);
        container.rebindSync(TYPES.SeriesSourceFactory).toConstantValue(new FakeSeriesSources());
        container.rebindSync(TYPES.RuleGroupReader).toConstantValue(reader);
        container.bind(TYPES.RuleEvaluatorOptions).toConstantValue({ refreshMs: 100, debounceMs: 20 });
      },
    });
    admin = await p.tokenFor(p.admin);
    const user = await p.createUser('SCIENTIST');
    scientist = await p.tokenFor(user);
    const experiments = p.container.get<ExperimentStore>(TYPES.ExperimentStore);
    const a = await experiments.insert({ code: 'EXPA', name: 'A' });
    const b = await experiments.insert({ code: 'EXPB', name: 'B' });
    await experiments.associate(a.id, user.id);
    const groups: RuleGroup[] = [
      { id: 1, experiment: 'EXPA', experimentId: a.id, name: 'ga', intervalMs: 1_000, version: 1, rules: [alertRule(11, 'HighA', 'a > 5', { annotations: new Map([['summary', 'A is high']]) })] },
      {
        id: 2,
        experiment: 'EXPB',
        experimentId: b.id,
        name: 'gb',
        intervalMs: 1_000,
        version: 1,
        rules: [alertRule(21, 'HighB', 'b > 5', { labels: new Map([['severity', 'critical']]) }), { kind: 'record', id: 22, name: 'b:sum', expr: 'sum(b)', labels: new Map() }],
      },
    ];
    engine.results.set('a > 5', [{ labels: { __name__: 'a', instance: 'h1' }, v: 10 }]);
    engine.results.set('b > 5', [{ labels: { __name__: 'b', instance: 'h2' }, v: 20 }]);
    engine.results.set('sum(b)', [{ labels: {}, v: 20 }]);
    reader.groups = groups;
  });

  afterAll(async () => {
    await p.stop();
  });

  it('lists active alerts with filters, and only the associated experiments to a SCIENTIST', async () => {
    const all = await eventually(() => call(p.baseUrl, 'GET', '/alerts', { token: admin }), (r) => r.body?.items?.length === 2, { what: 'two alerts' });
    expect(all.body.items[0]).toMatchObject({
      rule: 11,
      group: 1,
      experiment: 'EXPA',
      alertname: 'HighA',
      labels: { alertname: 'HighA', instance: 'h1', severity: 'major' },
      state: 'firing',
      severity: 'major',
      value: '10',
    });
    const critical = await call(p.baseUrl, 'GET', '/alerts?severity=critical', { token: admin });
    expect(critical.body.items.map((a: { alertname: string }) => a.alertname)).toEqual(['HighB']);
    expect((await call(p.baseUrl, 'GET', '/alerts?rule=11&state=firing', { token: admin })).body.items).toHaveLength(1);
    expect((await call(p.baseUrl, 'GET', '/alerts?state=pending', { token: admin })).body.items).toHaveLength(0);

    const mine = await call(p.baseUrl, 'GET', '/alerts', { token: scientist });
    expect(mine.body.items.map((a: { experiment: string }) => a.experiment)).toEqual(['EXPA']);
    expect((await call(p.baseUrl, 'GET', '/alerts?experiment=EXPB', { token: scientist })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/alerts?experiment=NOPE', { token: admin })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/alerts?severity=bad', { token: admin })).status).toBe(400);
  });

  it('pages the history newest first, with filters', async () => {
    engine.results.set('a > 5', []);
    await eventually(() => call(p.baseUrl, 'GET', '/alerts/history', { token: admin }), (r) => r.body?.items?.length === 3, { what: 'A resolved' });
    const first = await call(p.baseUrl, 'GET', '/alerts/history?limit=2', { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.items.map((t: { alertname: string; to: string }) => `${t.alertname}:${t.to}`)).toEqual(['HighA:resolved', expect.stringMatching(/:firing$/)]);
    const second = await call(p.baseUrl, 'GET', `/alerts/history?limit=2&cursor=${first.body.next}`, { token: admin });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next).toBeUndefined();
    const ids = [...first.body.items, ...second.body.items].map((t: { id: number }) => t.id);
    expect([...ids].sort((x, y) => y - x)).toEqual(ids);

    expect((await call(p.baseUrl, 'GET', '/alerts/history?state=resolved', { token: admin })).body.items).toHaveLength(1);
    expect((await call(p.baseUrl, 'GET', '/alerts/history?experiment=EXPB', { token: admin })).body.items).toHaveLength(1);
    expect((await call(p.baseUrl, 'GET', '/alerts/history?to=2000-01-01T00:00:00Z', { token: admin })).body.items).toHaveLength(0);
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await call(p.baseUrl, 'GET', `/alerts/history?from=${since}`, { token: admin })).body.items).toHaveLength(3);
    expect((await call(p.baseUrl, 'GET', '/alerts/history', { token: scientist })).body.items).toHaveLength(2);
    expect((await call(p.baseUrl, 'GET', '/alerts/history?experiment=EXPB', { token: scientist })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/alerts', { token: admin })).body.items).toHaveLength(1);
  });

  it('answers Prometheus /api/v1/rules and /api/v1/alerts in Prometheus shapes', async () => {
    const rules = await eventually(
      () => call(p.baseUrl, 'GET', '/prometheus/api/v1/rules', { token: admin }),
      (r) => r.body?.data?.groups?.[1]?.rules?.[1]?.health === 'ok',
      { what: 'rules evaluated' },
    );
    expect(rules.body.status).toBe('success');
    const [ga, gb] = rules.body.data.groups;
    expect(ga).toMatchObject({ name: 'ga', file: 'EXPA', interval: 1, limit: 0 });
    expect(gb.rules[0]).toMatchObject({
      state: 'firing',
      name: 'HighB',
      query: 'b > 5',
      duration: 0,
      keepFiringFor: 0,
      labels: { severity: 'critical' },
      health: 'ok',
      lastError: '',
      type: 'alerting',
      alerts: [{ labels: { alertname: 'HighB', instance: 'h2', severity: 'critical' }, state: 'firing', value: '2e+01' }],
    });
    expect(gb.rules[1]).toMatchObject({ name: 'b:sum', query: 'sum(b)', health: 'ok', type: 'recording' });
    expect(typeof gb.lastEvaluation).toBe('string');
    const recordOnly = await call(p.baseUrl, 'GET', '/prometheus/api/v1/rules?type=record', { token: admin });
    expect(recordOnly.body.data.groups[1].rules.map((r: { type: string }) => r.type)).toEqual(['recording']);
    const bad = await call(p.baseUrl, 'GET', '/prometheus/api/v1/rules?type=bogus', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'unsupported type "bogus"' });
    const sciRules = await call(p.baseUrl, 'GET', '/prometheus/api/v1/rules', { token: scientist });
    expect(sciRules.body.data.groups.map((g: { file: string }) => g.file)).toEqual(['EXPA']);

    const alerts = await call(p.baseUrl, 'GET', '/prometheus/api/v1/alerts', { token: admin });
    expect(alerts.body).toEqual({
      status: 'success',
      data: { alerts: [expect.objectContaining({ labels: { alertname: 'HighB', instance: 'h2', severity: 'critical' }, state: 'firing', value: '2e+01' })] },
    });
    expect((await call(p.baseUrl, 'GET', '/prometheus/api/v1/alerts', { token: scientist })).body.data.alerts).toEqual([]);
  });

  it('stores recording results and ALERTS as measures of the group experiment, and exposes rule metrics', async () => {
    const series = await eventually(
      () => call(p.baseUrl, 'GET', '/experiments/EXPB/series', { token: admin }),
      (r) => ['ALERTS', 'ALERTS_FOR_STATE', 'b:sum'].every((m) => r.body?.items?.some((s: { metric: string }) => s.metric === m)),
      { what: 'ALERTS and b:sum series' },
    );
    const alerts = series.body.items.find((s: { metric: string }) => s.metric === 'ALERTS');
    expect(alerts.tags).toMatchObject({ alertname: 'HighB', alertstate: 'firing', instance: 'h2', severity: 'critical' });
    const metrics = await call(p.baseUrl, 'GET', '/metrics');
    expect(metrics.body).toMatch(/mymonit_rule_evaluations_total\{rule_group="EXPB\/gb"\} \d+/);
    expect(metrics.body).toMatch(/mymonit_alerts\{state="firing"\} 1/);
    expect(metrics.body).toMatch(/mymonit_rule_group_lease_takeovers_total 2/);
  });
});
