import type { CheckResultRecorder, CheckRunResult } from '../../../src/checks/ports';
import { TYPES } from '../../../src/identifiers';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { FakeSlotFence, insertCheckModel, type CheckModelRows, type Sql } from '../../support/checks-fakes-results';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

const SLOT0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const MINUTE = 60_000;

function run(value: number, slotMs: number): CheckRunResult {
  return { outcome: value < 0 ? 'failed' : 'ok', value: Math.abs(value), message: `v=${value}`, startedAtMs: slotMs + 5, durationMs: 5 };
}

describe('GET /checks/{checkId}/results and GET /hosts/{hostId}/results', () => {
  let p: TestPlatform;
  let admin: string;
  let scientist: string;
  let outsider: string;
  let web: CheckModelRows;
  let dns: CheckModelRows;
  let hidden: CheckModelRows;

  beforeAll(async () => {
    // Results recorded by hand, under no scheduler claim: a fence that admits them.
    p = await startPlatform({ configure: (container) => void container.rebindSync(TYPES.SlotFence).toConstantValue(new FakeSlotFence()) });
    admin = await p.tokenFor(p.admin);
    const inside = await p.createUser('SCIENTIST', 'inside');
    scientist = await p.tokenFor(inside);
    outsider = await p.tokenFor(await p.createUser('SCIENTIST', 'outside'));
    const a = await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'RESA', name: 'a' } });
    const b = await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'RESB', name: 'b' } });
    expect((await call(p.baseUrl, 'PUT', `/experiments/RESA/users/${inside.id}`, { token: admin })).status).toBeLessThan(300);
    const db = p.container.get<MysqlDatabase>(TYPES.Database);
    const sql: Sql = async (text, values = []) => (await db.executor().query(text, values))[0];
    web = await insertCheckModel(sql, { id: a.body.id, code: 'RESA' }, { hostNames: ['h1', 'h2'], checkName: 'web' });
    dns = await insertCheckModel(sql, { id: a.body.id, code: 'RESA' }, { hostNames: ['ns'], checkName: 'dns' });
    await sql('INSERT INTO check_hosts (check_id, host_id) VALUES (?, ?)', [dns.checkId, web.hosts[1]!.id]);
    hidden = await insertCheckModel(sql, { id: b.body.id, code: 'RESB' }, { hostNames: ['secret'], checkName: 'web' });
    const recorder = p.container.get<CheckResultRecorder>(TYPES.CheckResultRecorder);
    for (let i = 0; i < 5; i++) {
      for (const host of web.hosts) await recorder.record(web.job(host, SLOT0 + i * MINUTE), run(host === web.hosts[0] ? i : -i, SLOT0 + i * MINUTE));
    }
    await recorder.record(dns.job(web.hosts[1]!, SLOT0), run(42, SLOT0));
    await recorder.recordMissed(dns.job(web.hosts[1]!, SLOT0 + MINUTE));
    await recorder.record(hidden.job(hidden.hosts[0]!, SLOT0), run(1, SLOT0));
  });
  afterAll(() => p.stop());

  it('pages a check\'s results newest slot first, every result once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call(p.baseUrl, 'GET', `/checks/${web.checkId}/results?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      expect(page.status).toBe(200);
      for (const item of page.body.items) seen.push(`${item.slot_at}/${item.host_id}`);
      cursor = page.body.next;
      pages += 1;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(4);
    const expected = [4, 3, 2, 1, 0].flatMap((i) =>
      [...web.hosts].sort((x, y) => y.id - x.id).map((h) => `${new Date(SLOT0 + i * MINUTE).toISOString()}/${h.id}`),
    );
    expect(seen).toEqual(expected);
  });

  it('filters by host and by the slot\'s time (from inclusive, to exclusive); shows the classification', async () => {
    const from = new Date(SLOT0 + MINUTE).toISOString();
    const to = new Date(SLOT0 + 3 * MINUTE).toISOString();
    const h2 = web.hosts[1]!;
    const page = await call(p.baseUrl, 'GET', `/checks/${web.checkId}/results?host=${h2.id}&from=${from}&to=${to}`, { token: admin });
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({ host_id: h2.id, slot_at: new Date(SLOT0 + 2 * MINUTE).toISOString(), outcome: 'failed', severity: 'critical', reason: 'the check failed', value: 2 }),
      expect.objectContaining({ host_id: h2.id, slot_at: from, outcome: 'failed', severity: 'critical', value: 1, started_at: new Date(SLOT0 + MINUTE + 5).toISOString(), duration_ms: 5 }),
    ]);
    expect(page.body.next).toBeUndefined();
  });

  it('lists the latest result of each check on a host, by check name', async () => {
    const h2 = web.hosts[1]!;
    const latest = await call(p.baseUrl, 'GET', `/hosts/${h2.id}/results`, { token: scientist });
    expect(latest.status).toBe(200);
    expect(latest.body.items.map((r: { check_name: string; outcome: string; slot_at: string }) => [r.check_name, r.outcome, r.slot_at])).toEqual([
      ['dns', 'missed', new Date(SLOT0 + MINUTE).toISOString()],
      ['web', 'failed', new Date(SLOT0 + 4 * MINUTE).toISOString()],
    ]);
    const ns = await call(p.baseUrl, 'GET', `/hosts/${dns.hosts[0]!.id}/results`, { token: admin });
    expect(ns.body).toEqual({ items: [] });
  });

  it('a SCIENTIST reads the results of associated experiments only: any other check or host answers 404', async () => {
    expect((await call(p.baseUrl, 'GET', `/checks/${web.checkId}/results`, { token: scientist })).status).toBe(200);
    const refusals: [string, string][] = [
      [`/checks/${hidden.checkId}/results`, scientist],
      [`/hosts/${hidden.hosts[0]!.id}/results`, scientist],
      [`/checks/${web.checkId}/results`, outsider],
      [`/hosts/${web.hosts[0]!.id}/results`, outsider],
    ];
    for (const [path, token] of refusals) {
      const refused = await call(p.baseUrl, 'GET', path, { token });
      expect([path, refused.status, refused.headers.get('content-type')]).toEqual([path, 404, expect.stringContaining('application/problem+json')]);
    }
    expect((await call(p.baseUrl, 'GET', `/checks/${hidden.checkId}/results`, { token: admin })).body.items).toHaveLength(1);
  });

  it('unknown ids are 404; bad parameters and cursors are 400 naming them; no token is 401', async () => {
    expect((await call(p.baseUrl, 'GET', '/checks/999999/results', { token: admin })).status).toBe(404);
    expect((await call(p.baseUrl, 'GET', '/hosts/999999/results', { token: admin })).status).toBe(404);
    for (const query of ['host=27e1', 'limit=0', 'from=2026-02-30T00:00:00Z', 'cursor=bm90LWEtY3Vyc29y']) {
      const refused = await call(p.baseUrl, 'GET', `/checks/${web.checkId}/results?${query}`, { token: admin });
      expect([query, refused.status, JSON.stringify(refused.body)]).toEqual([query, 400, expect.stringContaining(query.split('=')[0]!)]);
    }
    expect((await call(p.baseUrl, 'GET', '/checks/1e3/results', { token: admin })).status).toBe(400);
    expect((await call(p.baseUrl, 'GET', `/checks/${web.checkId}/results`)).status).toBe(401);
  });
});
