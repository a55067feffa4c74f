import type { RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../../../src/identifiers';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

const T0 = 1_700_000_000; // seconds: 2023-11-14T22:13:20Z
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const GROUP = {
  name: 'temps',
  interval: '10s',
  rules: [
    {
      alert: 'Hot',
      expr: 'temp > 14',
      for: '20s',
      labels: { severity: 'major' },
      annotations: { summary: '{{ $labels.source }} at {{ $value }}' },
    },
    { alert: 'LuaTemp', expr: 'temp', classifier: { lua: 'if values[#values] > 15 then return "critical" end return "minor"', history: 3 } },
    { alert: 'Broken', expr: 'temp', classifier: { lua: 'error("disk table missing")' } },
  ],
};

/**
 * POST /rules/{id}/test and /experiments/{code}/rules/test over real HTTP, MySQL and RabbitMQ with the real
 * engine and Lua sandbox: instant tests and window simulations of stored measures, and nothing written.
 */
describe('rule tests', () => {
  let p: TestPlatform;
  let admin: string;
  let associated: string;
  let outsider: string;
  let ids: number[] = [];

  const count = async (table: string): Promise<number> => {
    const db = p.container.get<MysqlDatabase>(TYPES.Database);
    const [rows] = await db.executor().query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0]?.n);
  };
  const measures = async () => (await call(p.baseUrl, 'GET', '/experiments/RT/measures?limit=1000', { token: admin })).body.items?.length;

  beforeAll(async () => {
    p = await startPlatform({ consume: true });
    admin = await p.tokenFor(p.admin);
    const scientist = await p.createUser('SCIENTIST', 'assoc');
    associated = await p.tokenFor(scientist);
    outsider = await p.tokenFor(await p.createUser('SCIENTIST', 'outsider'));
    expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'RT', name: 'RT' } })).status).toBe(201);
    expect((await call(p.baseUrl, 'PUT', `/experiments/RT/users/${scientist.id}`, { token: admin })).status).toBe(204);
    const samples = Array.from({ length: 10 }, (_, i) => ({ experiment: 'RT', metric: 'temp', source: 'host-1', value: 10 + i, timestamp: iso(T0 + i * 10) }));
    await p.publish(samples);
    await eventually(measures, (n) => n === 10, { what: 'the measures stored' });
    const created = await call(p.baseUrl, 'POST', '/experiments/RT/rule-groups', { token: admin, body: GROUP });
    expect(created.status).toBe(201);
    ids = created.body.rules.map((r: { id: number }) => r.id);
  });
  afterAll(() => p?.stop());

  const test = (id: number | undefined, body: object, token = admin) => call(p.baseUrl, 'POST', `/rules/${id}/test`, { token, body });

  it('simulates a threshold rule with `for` over a window: pending, then firing two steps later', async () => {
    const response = await test(ids[0], { start: iso(T0), end: iso(T0 + 90), step: '10s' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ start: iso(T0), end: iso(T0 + 90), step: '10s', evaluations: 10, failed_evaluations: 0, errors: [] });
    const labels = { alertname: 'Hot', experiment: 'RT', severity: 'major', source: 'host-1' };
    expect(response.body.transitions).toEqual([
      { labels: expect.objectContaining(labels), from: 'inactive', to: 'pending', severity: 'major', value: 15, at: iso(T0 + 50) },
      { labels: expect.objectContaining(labels), from: 'pending', to: 'firing', severity: 'major', value: 17, at: iso(T0 + 70) },
    ]);
    expect(response.body.states).toEqual([
      expect.objectContaining({ state: 'firing', severity: 'major', value: 19, active_at: iso(T0 + 50), fired_at: iso(T0 + 70) }),
    ]);
  });

  it('an instant test lists each element with its alert labels, severity and rendered annotations', async () => {
    const response = await test(ids[0], { time: iso(T0 + 60) });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ time: iso(T0 + 60), health: 'ok', rule: { id: ids[0], alert: 'Hot', for: '20s' } });
    expect(response.body.elements).toEqual([
      {
        labels: expect.objectContaining({ alertname: 'Hot', severity: 'major', source: 'host-1' }),
        value: 16,
        state: 'pending',
        severity: 'major',
        annotations: { summary: 'host-1 at 16' },
      },
    ]);
    expect((await test(ids[0], { time: iso(T0 + 30) })).body.elements).toEqual([]);
    // No body: now, long after the data (beyond the 5m lookback), so no element.
    const bare = await call(p.baseUrl, 'POST', `/rules/${ids[0]}/test`, { token: admin });
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ health: 'ok', elements: [] });
  });

  it('a Lua classifier gives the severity Lua computes', async () => {
    const high = await test(ids[1], { time: iso(T0 + 90) });
    expect(high.body.elements).toEqual([expect.objectContaining({ value: 19, severity: 'critical', state: 'firing' })]);
    const low = await test(ids[1], { time: iso(T0 + 20) });
    expect(low.body.elements).toEqual([expect.objectContaining({ value: 12, severity: 'minor' })]);
  });

  it('a classifier that errors gives `unknown` with the reason', async () => {
    const response = await test(ids[2], { time: iso(T0 + 90) });
    expect(response.status).toBe(200);
    expect(response.body.elements).toEqual([expect.objectContaining({ severity: 'unknown', reason: expect.stringContaining('disk table missing') })]);
  });

  it('tests an unsaved rule given in the body; a bad expression is a 400 naming the position', async () => {
    const ok = await call(p.baseUrl, 'POST', '/experiments/RT/rules/test', {
      token: associated,
      body: { alert: 'Draft', expr: 'temp >= 18', labels: { severity: 'critical' }, time: iso(T0 + 90) },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.rule).toEqual(expect.not.objectContaining({ id: expect.anything() }));
    expect(ok.body.elements).toEqual([expect.objectContaining({ value: 19, severity: 'critical', state: 'firing' })]);

    const bad = await call(p.baseUrl, 'POST', '/experiments/RT/rules/test', { token: admin, body: { alert: 'Broken', expr: 'rate(syntax_error(x)[5m])' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'expr', message: 'rule (alert "Broken"): could not parse expression: 1:6: parse error: unknown function with name "syntax_error"' },
    ]);
  });

  it('bounds the window and refuses a bad time', async () => {
    expect((await test(ids[0], { start: iso(T0), end: iso(T0 + 200_000), step: '1s' })).status).toBe(400);
    expect((await test(ids[0], { time: 'yesterday' })).status).toBe(400);
  });

  it('a SCIENTIST tests the rules of an associated experiment; any other is not found', async () => {
    expect((await test(ids[0], { time: iso(T0 + 90) }, associated)).status).toBe(200);
    expect((await test(ids[0], { time: iso(T0 + 90) }, outsider)).status).toBe(404);
    const unsaved = await call(p.baseUrl, 'POST', '/experiments/RT/rules/test', { token: outsider, body: { alert: 'X', expr: 'temp' } });
    expect(unsaved.status).toBe(404);
    expect((await test(999_999, {})).status).toBe(404);
  });

  it('writes nothing: no alert state, transition, evaluation or measure', async () => {
    expect(await count('alert_states')).toBe(0);
    expect(await count('alert_transitions')).toBe(0);
    expect(await count('rule_evaluations')).toBe(0);
    expect(await measures()).toBe(10);
  });
});
