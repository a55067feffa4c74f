import mysql from 'mysql2/promise';
import type { Container } from 'inversify';
import { buildContainer } from '../../../src/container';
import type { User } from '../../../src/domain/user';
import { TYPES } from '../../../src/identifiers';
import type { PolicyEventIngest } from '../../../src/services/policies/ports';
import type { Database } from '../../../src/storage/stores';
import { call, eventually, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

/**
 * Temporal policies over the real REST stack and MariaDB (issue 15): refused time points, scoping, refused
 * formulas, verdicts as alerts, and two processes feeding one policy.
 */
describe('policies over REST', () => {
  let p: TestPlatform;
  let admin: string;
  let sci: string;
  let scientist: User;
  let db: mysql.Connection;

  const api = (method: string, url: string, options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> =>
    call(p.baseUrl, method, url, { token: admin, ...options });
  const log = (id: number, text: string, query = '', token = admin): Promise<ApiResponse> =>
    api('POST', `/policies/${id}/events${query}`, { rawBody: text, headers: { 'content-type': 'text/plain' }, token });
  const create = async (body: Record<string, unknown>): Promise<number> => {
    const response = await api('POST', '/policies', { body: { experiment: 'SEEN', ...body } });
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return response.body.id as number;
  };
  const count = async (table: string, policyId: number): Promise<number> => {
    const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table} WHERE policy_id = ?`, [policyId]);
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    scientist = await p.createUser('SCIENTIST', 'sci');
    sci = await p.tokenFor(scientist);
    for (const code of ['SEEN', 'HIDDEN']) expect((await api('POST', '/experiments', { body: { code, name: code } })).status).toBe(201);
    expect((await api('PUT', `/experiments/SEEN/users/${scientist.id}`)).status).toBe(204);
    db = await mysql.createConnection({ host: p.config.db.host, port: p.config.db.port, user: p.config.db.user, password: p.config.db.password, database: p.database.name });
  });
  afterAll(async () => {
    await db.end();
    await p.stop();
  });

  it('a smaller timestamp is a 422 and a stored rejection; the other time points are committed, nothing else changes', async () => {
    const id = await create({ name: 'order', signature: 'p(x:int)', formula: 'ONCE[0,5] p(x)' });
    expect((await log(id, '@10 p(1)\n@12 p(2)')).body).toEqual({ accepted: 2, verdicts: 2, next_tp: 2, ended: false });
    const before = { points: await count('policy_time_points', id), events: await count('policy_events', id), verdicts: await count('policy_verdicts', id) };

    const refused = await log(id, '@11 p(3)\n@13 p(4)');
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 422, accepted: 1, next_tp: 3, ended: false, rejected: [{ index: 0, ts: 11 }] });
    expect(refused.body.rejected[0].reason).toMatch(/time point 0 \(log 1:1\): the timestamp 11 is smaller than the previous one \(12\)/);
    expect(refused.body.detail).toMatch(/accepted and committed/);
    // Only @13 went in: one time point, one event, one verdict more.
    expect({ points: await count('policy_time_points', id), events: await count('policy_events', id), verdicts: await count('policy_verdicts', id) }).toEqual({
      points: before.points + 1,
      events: before.events + 1,
      verdicts: before.verdicts + 1,
    });
    const rejections = await api('GET', `/policies/${id}/rejections`);
    expect(rejections.body.items).toEqual([expect.objectContaining({ id: refused.body.rejected[0].rejection_id, source: 'rest', reason: refused.body.rejected[0].reason })]);

    // A JSON time point whose argument has the wrong type names the time point, the event and the argument.
    const typed = await api('POST', `/policies/${id}/events`, { body: [{ ts: 14, events: [{ pred: 'p', args: ['one'] }] }, { ts: 15, events: [] }] });
    expect(typed.status).toBe(422);
    expect(typed.body.rejected).toEqual([expect.objectContaining({ index: 0, ts: 14, reason: expect.stringMatching(/time point 0: event 1: argument 1 of p must be an int/) })]);
    expect(typed.body.next_tp).toBe(4);

    // A log that does not parse feeds nothing: 400, one stored rejection with line and column.
    const broken = await log(id, '@16 p(5)\n@17 p(');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/log 2:/);
    expect((await api('GET', `/policies/${id}`)).body.monitor.next_tp).toBe(4);
    expect((await api('GET', `/policies/${id}/rejections`)).body.items).toHaveLength(3);
  });

  it('a formula outside the monitorable fragment, or badly typed, is a 400 that says where and why', async () => {
    const unbounded = await api('POST', '/policies', { body: { experiment: 'SEEN', name: 'u', signature: 'p(x:int)', formula: 'EVENTUALLY p(x)' } });
    expect(unbounded.status).toBe(400);
    expect(unbounded.body.detail).toMatch(/^formula: formula 1:\d+: not monitorable: /);
    expect(unbounded.body.errors).toEqual([expect.objectContaining({ path: 'formula' })]);
    const free = await api('POST', '/policies', { body: { experiment: 'SEEN', name: 'f', signature: 'p(x:int)', formula: 'NOT p(x)' } });
    expect(free.status).toBe(400);
    expect(free.body.detail).toMatch(/not monitorable/);
    const badSignature = await api('POST', '/policies', { body: { experiment: 'SEEN', name: 's', signature: 'p(x:integer)', formula: 'p(x)' } });
    expect(badSignature.status).toBe(400);
    expect(badSignature.body.errors).toEqual([expect.objectContaining({ path: 'signature' })]);
    const duplicate = await create({ name: 'dup', signature: 'p(x:int)', formula: 'p(x)' });
    expect(duplicate).toBeGreaterThan(0);
    expect((await api('POST', '/policies', { body: { experiment: 'SEEN', name: 'dup', signature: 'p(x:int)', formula: 'p(x)' } })).status).toBe(409);
    expect((await api('POST', '/policies', { body: { experiment: 'NOPE', name: 'x', signature: 'p(x:int)', formula: 'p(x)' } })).body).toMatchObject({ status: 400, detail: expect.stringMatching(/^experiment: /) });
  });

  it("a SCIENTIST reads and feeds the associated experiments' policies, gets 404 for others' and 403 on writes", async () => {
    const seen = await create({ name: 'seen', signature: 'p(x:int)', formula: 'p(x)' });
    const hiddenResponse = await api('POST', '/policies', { body: { experiment: 'HIDDEN', name: 'hidden', signature: 'p(x:int)', formula: 'p(x)' } });
    const hidden = hiddenResponse.body.id as number;
    expect((await api('GET', `/policies/${seen}`, { token: sci })).status).toBe(200);
    expect((await log(seen, '@1 p(1)', '', sci)).status).toBe(200);
    expect((await api('GET', `/policies/${seen}/verdicts`, { token: sci })).body.items).toEqual([{ tp: 0, ts: 1, tuples: [[1]], variables: ['x'] }]);
    const listed = await api('GET', '/policies', { token: sci });
    expect(listed.body.items.map((x: { id: number }) => x.id)).toContain(seen);
    expect(listed.body.items.map((x: { id: number }) => x.id)).not.toContain(hidden);
    for (const url of [`/policies/${hidden}`, `/policies/${hidden}/verdicts`, `/policies/${hidden}/rejections`, '/policies?experiment=HIDDEN']) {
      expect({ url, status: (await api('GET', url, { token: sci })).status }).toEqual({ url, status: 404 });
    }
    expect((await log(hidden, '@1 p(1)', '', sci)).status).toBe(404);
    expect(await count('policy_time_points', hidden)).toBe(0);
    const body = { experiment: 'SEEN', name: 'x', signature: 'p(x:int)', formula: 'p(x)' };
    expect((await api('POST', '/policies', { body, token: sci })).status).toBe(403);
    expect((await api('PUT', `/policies/${seen}`, { body, token: sci })).status).toBe(403);
    expect((await api('DELETE', `/policies/${seen}`, { token: sci })).status).toBe(403);
    expect((await api('DELETE', `/policies/${hidden}`, { token: sci })).status).toBe(403);
  });

  it('a verdict tuple fires a PolicyViolation alert, resolved at the next answered time point without it', async () => {
    const id = await create({ name: 'no-payment-unregistered', signature: 'pay(u:string)\nregister(u:string)', formula: 'pay(u) AND NOT ONCE register(u)' });
    expect((await log(id, '@1 register(alice) pay(bob)\n@2 pay(alice) pay(bob)\n@3 pay(carol)')).body).toMatchObject({ accepted: 3, verdicts: 3 });
    const history = await eventually(
      () => api('GET', '/alerts/history?experiment=SEEN&limit=100'),
      (r) => r.status === 200 && r.body.items.filter((t: { labels: Record<string, string> }) => t.labels.policy === 'no-payment-unregistered').length >= 3,
    );
    const transitions = (history.body.items as { id: number; labels: Record<string, string>; to: string }[]).filter((t) => t.labels.policy === 'no-payment-unregistered').reverse();
    // bob fires at 1 and stays firing at 2; at 3 bob resolves and carol fires.
    expect(transitions.map((t) => ({ u: t.labels.u, alertname: t.labels.alertname, experiment: t.labels.experiment, to: t.to }))).toEqual([
      { u: 'bob', alertname: 'PolicyViolation', experiment: 'SEEN', to: 'firing' },
      { u: 'bob', alertname: 'PolicyViolation', experiment: 'SEEN', to: 'resolved' },
      { u: 'carol', alertname: 'PolicyViolation', experiment: 'SEEN', to: 'firing' },
    ]);
    // Each one is in the outbox, for routing, silences and tickets.
    const [outbox] = await db.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM alert_outbox WHERE transition_id IN (?)', [transitions.map((t) => t.id)]);
    expect(Number(outbox[0]?.n)).toBe(3);
  });

  it('takes a log far above REST_BODY_LIMIT, up to 16 MiB, and answers 413 past it', async () => {
    const id = await create({ name: 'large', signature: 'p(s:string)', formula: 'p(s)' });
    const value = 'x'.repeat(1000);
    const points = 3000;
    const text = Array.from({ length: points }, (_, i) => `@${i} p(${value})\n`).join('');
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const accepted = await log(id, text);
    expect({ status: accepted.status, body: accepted.body }).toMatchObject({ status: 200, body: { accepted: points, next_tp: points } });
    const tooLarge = await log(id, `@${points} p(${'y'.repeat(17 * 1024 * 1024)})`);
    expect(tooLarge.status).toBe(413);
    expect((await api('GET', `/policies/${id}`)).body.monitor.next_tp).toBe(points);
    // Other routes keep the platform's limit.
    const big = await api('POST', '/policies', { body: { experiment: 'SEEN', name: 'big', signature: 'p(x:int)', formula: `p(x) ${' '.repeat(2 * 1024 * 1024)}` } });
    expect(big.status).toBe(413);
  });

  it('two processes feeding one policy at once never number a time point twice', async () => {
    const id = await create({ name: 'concurrent', signature: 'p(x:int)', formula: 'p(x)' });
    const other: Container = buildContainer(p.config);
    try {
      const feeders = [p.container.get<PolicyEventIngest>(TYPES.PolicyEventIngest), other.get<PolicyEventIngest>(TYPES.PolicyEventIngest)];
      const batches = 12;
      const perBatch = 25;
      // Equal timestamps: any interleaving of the batches is a valid trace.
      const batch = (feeder: number, n: number) =>
        Array.from({ length: perBatch }, (_, k) => ({ ts: 100, events: [{ pred: 'p', args: [feeder * 1_000_000 + n * 1000 + k] }] }));
      const results = await Promise.all(
        feeders.map(async (ingest, feeder) => {
          const accepted: number[] = [];
          for (let n = 0; n < batches; n++) accepted.push((await ingest.ingest(id, { kind: 'json', value: batch(feeder, n) }, { final: false, source: 'rest' })).accepted);
          return accepted;
        }),
      );
      const total = 2 * batches * perBatch;
      expect(results.flat().reduce((a, b) => a + b, 0)).toBe(total);
      const [points] = await db.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n, COUNT(DISTINCT tp) AS d, MIN(tp) AS lo, MAX(tp) AS hi FROM policy_time_points WHERE policy_id = ?', [id]);
      expect({ n: Number(points[0]?.n), d: Number(points[0]?.d), lo: Number(points[0]?.lo), hi: Number(points[0]?.hi) }).toEqual({ n: total, d: total, lo: 0, hi: total - 1 });
      const verdicts = await api('GET', `/policies/${id}/verdicts?limit=1000`);
      expect(verdicts.body.items.map((v: { tp: number }) => v.tp)).toEqual(Array.from({ length: total }, (_, i) => i));
      const values = verdicts.body.items.map((v: { tuples: number[][] }) => v.tuples[0]?.[0]);
      expect(new Set(values).size).toBe(total);
      expect((await api('GET', `/policies/${id}`)).body.monitor.next_tp).toBe(total);
    } finally {
      await other.get<Database>(TYPES.Database).close();
    }
  });
});
