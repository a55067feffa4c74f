import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TYPES } from '../../../src/identifiers';
import type { AlertmanagerConfig, ReceiverConfig, Route } from '../../../src/notify/config/model';
import { compileMatcher, StaticNotifyConfigProvider } from '../../support/static-notify-config';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';
import { startAlertmanager, type RealAlertmanager } from './alertmanager-process';

const run = promisify(execFile);
const AMTOOL = process.env.AMTOOL_BIN ?? '/usr/bin/amtool';

/** One configuration, twice: the YAML real Alertmanager loads, and the same as MyMONIT's model (until the config helper's parser is merged). */
const YAML = `global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname]
  routes:
    - receiver: team-a
      matchers: ['team="a"']
      continue: true
    - receiver: critical
      matchers: ['severity=~"critical|major"']
    - receiver: everything
      group_by: ['...']
      matchers: ['team="b"']
receivers:
  - name: default
  - name: team-a
  - name: critical
  - name: everything
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="minor"']
    equal: [alertname]
`;

function sameConfig(): AlertmanagerConfig {
  const leaf = (id: string, receiver: string, matchers: Route['matchers'], extra: Partial<Route> = {}): Route => ({
    id,
    receiver,
    groupBy: { all: false, labels: ['alertname'] },
    matchers,
    continue: false,
    groupWaitMs: 30_000,
    groupIntervalMs: 300_000,
    repeatIntervalMs: 14_400_000,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
    ...extra,
  });
  const receiver = (name: string): [string, ReceiverConfig] => [name, { name, webhook: [], email: [], amqp: [], tickets: [] }];
  return {
    global: { resolveTimeoutMs: 300_000, smtp: { hello: 'localhost', requireTls: true } },
    route: leaf('{}', 'default', [], {
      routes: [
        leaf('{}/{team="a"}/0', 'team-a', [compileMatcher('team', '=', 'a')], { continue: true }),
        leaf('{}/{severity=~"critical|major"}/1', 'critical', [compileMatcher('severity', '=~', 'critical|major')]),
        leaf('{}/{team="b"}/2', 'everything', [compileMatcher('team', '=', 'b')], { groupBy: { all: true } }),
      ],
    }),
    receivers: new Map([receiver('default'), receiver('team-a'), receiver('critical'), receiver('everything')]),
    inhibitRules: [{ sourceMatchers: [compileMatcher('severity', '=', 'critical')], targetMatchers: [compileMatcher('severity', '=', 'minor')], equal: ['alertname'] }],
    timeIntervals: new Map(),
    templates: [],
    original: YAML,
  };
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Alertmanager's JSON, compared as data

/** What legitimately differs: updatedAt (receive time), and endsAt of alerts posted without one (receive time + resolve_timeout). */
function normalise(body: Json): Json {
  const alert = (a: Json) => {
    const { updatedAt, ...rest } = a;
    const timedOut = Math.abs(Date.parse(a.endsAt) - Date.parse(updatedAt) - 300_000) < 2;
    return { ...rest, endsAt: timedOut ? 'receive time + resolve_timeout' : a.endsAt };
  };
  if (!Array.isArray(body)) return body;
  return body.map((item: Json) => (item !== null && typeof item === 'object' && 'alerts' in item ? { ...item, alerts: item.alerts.map(alert) } : 'fingerprint' in item ? alert(item) : item));
}

describe('Alertmanager API v2: MyMONIT against a real Alertmanager 0.25 (Debian)', () => {
  let am: RealAlertmanager;
  let p: TestPlatform;
  let token: string;
  let httpConfig: string;
  const now = Date.now();
  const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

  const mymonit = (method: string, pathAndQuery: string, body?: unknown) =>
    call(p.baseUrl, method, `/alertmanager/api/v2${pathAndQuery}`, { token, ...(body === undefined ? {} : { body }) });
  const real = (method: string, pathAndQuery: string, body?: unknown) => call(am.url, method, `/api/v2${pathAndQuery}`, body === undefined ? {} : { body });

  beforeAll(async () => {
    am = await startAlertmanager(YAML);
    p = await startPlatform({ configure: (container) => void container.rebindSync(TYPES.NotifyConfigProvider).to(StaticNotifyConfigProvider).inSingletonScope() });
    p.container.get<StaticNotifyConfigProvider>(TYPES.NotifyConfigProvider).apply(sameConfig());
    token = await p.tokenFor(p.admin);
    httpConfig = path.join(am.dir, 'mymonit-http.yml');
    fs.writeFileSync(httpConfig, `authorization:\n  type: Bearer\n  credentials: ${token}\n`, { mode: 0o600 });
  });

  afterAll(async () => {
    await p?.stop();
    await am?.stop();
  });

  const batches: Json[][] = [
    [
      { labels: { alertname: 'Disk', team: 'a', severity: 'critical', instance: 'h1', job: 'node' }, annotations: { summary: 'disk full' }, startsAt: at(-600_000), endsAt: at(3_600_000), generatorURL: 'http://prom:9090/graph?g0.expr=disk' },
      { labels: { alertname: 'Disk', team: 'a', severity: 'minor', instance: 'h2' }, startsAt: at(-300_000), endsAt: at(3_600_000) },
      { labels: { alertname: 'Cpu', severity: 'major', job: 'api', instance: 'h3' }, annotations: { summary: 'busy' }, startsAt: at(-120_000), endsAt: at(3_600_000) },
      { labels: { alertname: 'Net', team: 'b', zone: 'z1' }, startsAt: at(-60_000) },
      { labels: { alertname: 'Mem', instance: 'h4', empty: '' }, startsAt: at(-50_000), endsAt: at(1_800_000) },
      { labels: { alertname: 'Old' }, startsAt: at(-900_000), endsAt: at(-800_000) },
    ],
    // Invalid alerts among valid ones: both keep the valid, report the invalid the same way.
    [
      { labels: { alertname: 'Late', job: 'api' }, startsAt: at(-40_000), endsAt: at(3_600_000) },
      { labels: { alertname: 'Backwards' }, startsAt: at(-10_000), endsAt: at(-20_000) },
      { labels: { '0bad': 'x' }, startsAt: at(-10_000) },
      { labels: { only: '' } },
      { labels: { alertname: 'Ann' }, annotations: { '9x': 'y' } },
    ],
    // The same alert again, later start: the merge keeps the earliest start and takes the new annotations.
    [{ labels: { alertname: 'Mem', instance: 'h4' }, annotations: { summary: 'again' }, startsAt: at(-10_000), endsAt: at(1_800_000) }],
    // Whole-request refusals.
    [{ labels: { alertname: 'NoLabels' } }, { annotations: { a: 'b' } }],
  ];

  it('answers every posted batch with the same status and payload', async () => {
    for (const batch of batches) {
      const [ours, theirs] = await Promise.all([mymonit('POST', '/alerts', batch), real('POST', '/alerts', batch)]);
      expect({ status: ours.status, body: ours.body }).toEqual({ status: theirs.status, body: theirs.body });
    }
  });

  const queries = [
    '/alerts',
    '/alerts?filter=alertname="Disk"',
    '/alerts?active=false',
    '/alerts?inhibited=false&silenced=false',
    '/alerts?receiver=team-.*',
    '/alerts?filter=team!=""&filter=instance=~"h.*"',
    '/alerts?filter=zone=',
    '/alerts?filter=bad',
    '/alerts?receiver=(',
    '/alerts/groups',
    '/alerts/groups?receiver=critical|everything',
    '/alerts/groups?filter=severity=~"minor|critical"&inhibited=false',
    '/receivers',
  ];

  it.each(queries)('GET %s: the same JSON (receive times normalised)', async (query) => {
    const ours = await mymonit('GET', query);
    // Alertmanager's dispatcher and inhibitor take the posted alerts in asynchronously: wait for it to agree.
    const theirs = await eventually(
      () => real('GET', query),
      (r) => JSON.stringify(normalise(r.body)) === JSON.stringify(normalise(ours.body)),
      { what: `Alertmanager's answer to ${query}`, timeoutMs: 10_000 },
    ).catch(() => real('GET', query));
    expect({ status: ours.status, body: normalise(ours.body) }).toEqual({ status: theirs.status, body: normalise(theirs.body) });
    // Key order too (go-swagger's), not only the data.
    expect(JSON.stringify(normalise(ours.body))).toBe(JSON.stringify(normalise(theirs.body)));
    if (query === '/alerts') {
      // The comparison is about something: every valid alert, the inhibited one marked, the merge's start kept.
      expect(ours.body.map((a: Json) => a.labels.alertname).sort()).toEqual(['Cpu', 'Disk', 'Disk', 'Late', 'Mem', 'Net']);
      expect(ours.body.find((a: Json) => a.labels.severity === 'minor').status.state).toBe('suppressed');
      expect(ours.body.find((a: Json) => a.labels.alertname === 'Mem')).toMatchObject({ startsAt: at(-50_000), annotations: { summary: 'again' } });
    }
  });

  it('GET /status: the same shape (cluster disabled, the configuration, version fields)', async () => {
    const [ours, theirs] = await Promise.all([mymonit('GET', '/status'), real('GET', '/status')]);
    expect(ours.status).toBe(theirs.status);
    expect(Object.keys(ours.body)).toEqual(Object.keys(theirs.body));
    expect(ours.body.cluster).toEqual(theirs.body.cluster);
    expect(Object.keys(ours.body.versionInfo)).toEqual(Object.keys(theirs.body.versionInfo));
    expect(ours.body.versionInfo.version).toBe(theirs.body.versionInfo.version);
    expect(ours.body.config.original).toBe(YAML);
  });

  it.each([[[] as string[]], [['--inhibited']], [['alertname=Disk', '--inhibited']], [['--active', '--inhibited', 'severity=~"major|critical"']]])(
    'amtool alert query %j prints the same against both',
    async (args) => {
      const amtool = async (...extra: string[]) =>
        (await run(AMTOOL, ['alert', 'query', '-o', 'extended', ...extra, ...args], { env: { ...process.env, TZ: 'UTC' } })).stdout;
      const ours = await amtool(`--alertmanager.url=${p.baseUrl}/alertmanager`, `--http.config.file=${httpConfig}`);
      const theirs = await eventually(() => amtool(`--alertmanager.url=${am.url}`), (text) => text === ours, { what: 'amtool against Alertmanager', timeoutMs: 10_000 }).catch(() =>
        amtool(`--alertmanager.url=${am.url}`),
      );
      expect(ours).toBe(theirs);
      expect(ours).toContain('Disk');
    },
  );

  it('amtool without the token is refused by MyMONIT', async () => {
    await expect(run(AMTOOL, ['alert', 'query', `--alertmanager.url=${p.baseUrl}/alertmanager`])).rejects.toThrow();
  });
});
