import type { RuleGroup } from '../../../src/alerting/rules/rule';
import { TYPES } from '../../../src/identifiers';
import type { AlertmanagerConfig } from '../../../src/notify/config/model';
import { compileMatcher, StaticNotifyConfigProvider, standInDefaultConfig } from '../../support/static-notify-config';
import type { ExperimentStore } from '../../../src/storage/stores';
import { alertRule, FakeEngine, FakeRuleReader, FakeSeriesSources } from '../../support/alerting-fakes';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

const API = '/alertmanager/api/v2';

/** Two receivers: alerts with team="a" go to team-a, the rest to default; grouped by alertname. */
function teamConfig(): AlertmanagerConfig {
  const base = standInDefaultConfig();
  const groupBy = { all: false, labels: ['alertname'] } as const;
  const child = { ...base.route, id: '{}/{team="a"}/0', receiver: 'team-a', groupBy, matchers: [compileMatcher('team', '=', 'a')], routes: [] };
  return {
    ...base,
    route: { ...base.route, groupBy, routes: [child] },
    receivers: new Map([
      ['default', { name: 'default', webhook: [], email: [], amqp: [], tickets: [] }],
      ['team-a', { name: 'team-a', webhook: [], email: [], amqp: [], tickets: [] }],
    ]),
    inhibitRules: [{ sourceMatchers: [compileMatcher('severity', '=', 'critical')], targetMatchers: [compileMatcher('severity', '=', 'minor')], equal: ['alertname'] }],
    original: 'route:\n  receiver: default\n',
  };
}

describe('Alertmanager API v2 alerts under /alertmanager', () => {
  let p: TestPlatform;
  const engine = new FakeEngine();
  const reader = new FakeRuleReader();
  let admin: string;
  let scientist: string;

  beforeAll(async () => {
    p = await startPlatform({
      components: ['rule-evaluator', 'notify-outbox-reader'],
      configure: (container) => {
        container.rebindSync(TYPES.NotifyConfigProvider).to(StaticNotifyConfigProvider).inSingletonScope();
        container.rebindSync(TYPES.PromqlEngine).toConstantValue(engine);
        container.rebindSync(TYPES.SeriesSourceFactory).toConstantValue(new FakeSeriesSources());
        container.rebindSync(TYPES.RuleGroupReader).toConstantValue(reader);
        container.bind(TYPES.RuleEvaluatorOptions).toConstantValue({ refreshMs: 100, debounceMs: 20 });
        container.bind(TYPES.OutboxReaderOptions).toConstantValue({ pollMs: 50, batchSize: 100 });
      },
    });
    p.container.get<StaticNotifyConfigProvider>(TYPES.NotifyConfigProvider).apply(teamConfig());
    admin = await p.tokenFor(p.admin);
    const user = await p.createUser('SCIENTIST');
    scientist = await p.tokenFor(user);
    const experiments = p.container.get<ExperimentStore>(TYPES.ExperimentStore);
    const a = await experiments.insert({ code: 'EXPA', name: 'A' });
    await experiments.insert({ code: 'EXPB', name: 'B' });
    await experiments.associate(a.id, user.id);
    const groups: RuleGroup[] = [
      { id: 1, experiment: 'EXPA', experimentId: a.id, name: 'ga', intervalMs: 1_000, version: 1, rules: [alertRule(11, 'RuleHigh', 'a > 5', { annotations: new Map([['summary', 'A is {{ $value }}']]) })] },
    ];
    engine.results.set('a > 5', [{ labels: { __name__: 'a', experiment: 'EXPA', instance: 'h1' }, v: 10 }]);
    reader.groups = groups;
  });

  afterAll(() => p.stop());

  it('a partly invalid batch: the valid alerts are stored, the invalid ones reported together (400, a JSON string)', async () => {
    const res = await call(p.baseUrl, 'POST', `${API}/alerts`, {
      token: admin,
      body: [
        { labels: { alertname: 'Good', team: 'a', severity: 'critical' }, annotations: { summary: 's' }, generatorURL: 'http://prom/graph' },
        { labels: { alertname: 'Backwards' }, startsAt: '2026-12-03T16:00:00Z', endsAt: '2026-12-03T15:00:00Z' },
        { labels: { '0bad': 'x' } },
        { labels: { empty: '' } },
        { labels: { alertname: 'Good', severity: 'minor' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toBe('start time must be before end time; invalid label set: invalid name "0bad"; at least one label pair required');
    const list = await call(p.baseUrl, 'GET', `${API}/alerts?filter=alertname="Good"`, { token: admin });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    const critical = list.body.find((a: { labels: { severity: string } }) => a.labels.severity === 'critical');
    const minor = list.body.find((a: { labels: { severity: string } }) => a.labels.severity === 'minor');
    expect(Object.keys(critical)).toEqual(['annotations', 'endsAt', 'fingerprint', 'receivers', 'startsAt', 'status', 'updatedAt', 'generatorURL', 'labels']);
    expect(critical).toMatchObject({ receivers: [{ name: 'team-a' }], status: { state: 'active', silencedBy: [], inhibitedBy: [] }, annotations: { summary: 's' } });
    expect(minor).toMatchObject({ receivers: [{ name: 'default' }], status: { state: 'suppressed', silencedBy: [], inhibitedBy: [critical.fingerprint] } });
    expect(Date.parse(critical.endsAt) - Date.parse(critical.updatedAt)).toBe(300_000);
  });

  it('refuses a body it cannot decode (400 {code,message}), a missing labels field (422) and another media type (415); stores nothing', async () => {
    expect(await call(p.baseUrl, 'POST', `${API}/alerts`, { token: admin, body: { labels: { a: 'b' } } })).toMatchObject({ status: 400, body: { code: 400 } });
    expect(await call(p.baseUrl, 'POST', `${API}/alerts`, { token: admin, body: [{ labels: { alertname: 'T' }, startsAt: 'soon' }] })).toMatchObject({
      status: 400,
      body: { code: 400, message: expect.stringContaining('startsAt') },
    });
    expect(await call(p.baseUrl, 'POST', `${API}/alerts`, { token: admin, body: [{ labels: { alertname: 'U' } }, { annotations: {} }] })).toMatchObject({
      status: 422,
      body: { code: 602, message: '1.labels in body is required' },
    });
    expect(await call(p.baseUrl, 'POST', `${API}/alerts`, { token: admin, rawBody: '[]', headers: { 'content-type': 'text/plain' } })).toMatchObject({ status: 415 });
    expect((await call(p.baseUrl, 'GET', `${API}/alerts?filter=alertname=~"T|U"`, { token: admin })).body).toEqual([]);
    expect(await call(p.baseUrl, 'POST', `${API}/alerts`, { body: [] })).toMatchObject({ status: 401 });
  });

  it('GET filters: matchers, receiver regex, active/inhibited flags; bad ones answer 400 with Alertmanager\'s message', async () => {
    const names = async (query: string) =>
      ((await call(p.baseUrl, 'GET', `${API}/alerts?${query}`, { token: admin })).body as Array<{ labels: Record<string, string> }>)
        .filter((a) => a.labels.alertname === 'Good')
        .map((a) => a.labels.severity)
        .sort();
    expect(await names('receiver=team-.*')).toEqual(['critical']);
    expect(await names('inhibited=false')).toEqual(['critical']);
    expect(await names('active=false')).toEqual(['minor']);
    expect(await names('filter=severity!=critical&filter=alertname=Good')).toEqual(['minor']);
    expect(await call(p.baseUrl, 'GET', `${API}/alerts?filter=bad`, { token: admin })).toMatchObject({ status: 400, body: 'bad matcher format: bad' });
    expect(await call(p.baseUrl, 'GET', `${API}/alerts?receiver=(`, { token: admin })).toMatchObject({
      status: 400,
      body: 'failed to parse receiver param: error parsing regexp: missing closing ): `^(?:()$`',
    });
  });

  it('groups: by route and group labels, sorted, each alert with its receivers', async () => {
    const res = await call(p.baseUrl, 'GET', `${API}/alerts/groups?filter=alertname="Good"`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.map((g: { receiver: { name: string }; labels: object; alerts: unknown[] }) => [g.receiver.name, g.labels, g.alerts.length])).toEqual([
      ['default', { alertname: 'Good' }, 1],
      ['team-a', { alertname: 'Good' }, 1],
    ]);
  });

  it("MyMONIT's own firing alert arrives through the outbox; a SCIENTIST sees only associated experiments' alerts and posts only into them", async () => {
    const rule = await eventually(
      async () => ((await call(p.baseUrl, 'GET', `${API}/alerts?filter=alertname=RuleHigh`, { token: admin })).body as unknown[]) ?? [],
      (list) => list.length === 1,
      { what: 'the rule alert through the outbox' },
    );
    expect(rule[0]).toMatchObject({ labels: { alertname: 'RuleHigh', experiment: 'EXPA', instance: 'h1' }, annotations: { severity: 'major' }, endsAt: '9999-12-31T23:59:59.999Z' });
    const seen = (await call(p.baseUrl, 'GET', `${API}/alerts`, { token: scientist })).body as Array<{ labels: Record<string, string> }>;
    expect(seen.map((a) => a.labels.alertname)).toEqual(['RuleHigh']);
    const post = await call(p.baseUrl, 'POST', `${API}/alerts`, {
      token: scientist,
      body: [{ labels: { alertname: 'Mine', experiment: 'EXPA' } }, { labels: { alertname: 'Theirs', experiment: 'EXPB' } }, { labels: { alertname: 'Nowhere' } }],
    });
    expect(post).toMatchObject({ status: 400, body: 'experiment "EXPB" not found; an experiment label naming an experiment associated with you is required' });
    const after = (await call(p.baseUrl, 'GET', `${API}/alerts`, { token: scientist })).body as Array<{ labels: Record<string, string> }>;
    expect(after.map((a) => a.labels.alertname).sort()).toEqual(['Mine', 'RuleHigh']);
  });

  it('status and receivers in Alertmanager shapes; the configuration text only for an ADMIN', async () => {
    const status = await call(p.baseUrl, 'GET', `${API}/status`, { token: admin });
    expect(status.status).toBe(200);
    expect(Object.keys(status.body)).toEqual(['cluster', 'config', 'uptime', 'versionInfo']);
    expect(status.body).toMatchObject({ cluster: { peers: [], status: 'disabled' }, config: { original: 'route:\n  receiver: default\n' }, versionInfo: { version: '0.25.0' } });
    expect((await call(p.baseUrl, 'GET', `${API}/status`, { token: scientist })).body.config.original).toBe('');
    expect((await call(p.baseUrl, 'GET', `${API}/receivers`, { token: scientist })).body).toEqual([{ name: 'default' }, { name: 'team-a' }]);
  });
});
