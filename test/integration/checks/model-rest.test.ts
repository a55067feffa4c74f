import mysql from 'mysql2/promise';
import type { User } from '../../../src/domain/user';
import { call, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';

/**
 * The checks model over the real REST stack and MariaDB (migration 015): ADMIN CRUD of each resource,
 * SCIENTIST scoping, references kept within one experiment, parameters validated with their paths.
 */
describe('checks model over REST', () => {
  let p: TestPlatform;
  let admin: string;
  let sci: string;
  let scientist: User;

  const api = (method: string, path: string, body?: unknown, token = admin): Promise<ApiResponse> => call(p.baseUrl, method, path, { token, body });
  const created = async (path: string, body: unknown): Promise<{ id: number } & Record<string, unknown>> => {
    const response = await api('POST', path, body);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    expect(response.headers.get('location')).toBe(`${path}/${response.body.id}`);
    return response.body;
  };
  const errorPaths = (response: ApiResponse): string[] => (response.body.errors ?? []).map((e: { path: string }) => e.path);

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    scientist = await p.createUser('SCIENTIST', 'sci');
    sci = await p.tokenFor(scientist);
    for (const code of ['SEEN', 'HIDDEN']) expect((await api('POST', '/experiments', { code, name: code })).status).toBe(201);
    expect((await api('PUT', `/experiments/SEEN/users/${scientist.id}`)).status).toBe(204);
  });
  afterAll(() => p.stop());

  it('an ADMIN creates, reads, lists, replaces and deletes each resource', async () => {
    const web1 = await created('/hosts', { experiment: 'SEEN', name: 'web1', address: '127.0.0.1', description: 'first' });
    expect(web1).toEqual({ id: web1.id, experiment: 'SEEN', name: 'web1', address: '127.0.0.1', agent: null, description: 'first' });
    const web2 = await created('/hosts', { experiment: 'SEEN', name: 'web2', address: 'web2.example.org', agent: 'agent-2' });
    const router = await created('/hosts', { experiment: 'SEEN', name: 'router', address: '::1' });
    const group = await created('/host-groups', { experiment: 'SEEN', name: 'webs', hosts: [web2.id, web1.id] });
    expect(group).toMatchObject({ hosts: [web1.id, web2.id].sort((a, b) => a - b), description: '' });
    const check = await created('/checks', {
      experiment: 'SEEN',
      name: 'http_up',
      kind: 'http',
      params: { url: 'http://{address}:8080/', headers: { Accept: 'text/html' } },
      classifier: { thresholds: [{ severity: 'critical', op: '>', value: 2000 }] },
      hosts: [router.id],
      host_groups: [group.id],
    });
    expect(check).toMatchObject({
      kind: 'http',
      params: { url: 'http://{address}:8080/', method: 'GET', headers: { Accept: 'text/html' }, expectStatus: ['200-399'], bodyRegex: false, verifyTls: true },
      plugin: null,
      timeout_ms: 10000,
      classifier: { thresholds: [{ severity: 'critical', op: '>', value: 2000 }] },
      hosts: [router.id],
      host_groups: [group.id],
      version: 1,
    });
    const schedule = await created('/schedules', {
      experiment: 'SEEN',
      name: 'every minute',
      max_lateness_ms: 5000,
      intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 60000 }],
      checks: [check.id],
    });
    expect(schedule).toMatchObject({ intervals: [{ start: '2026-01-01T00:00:00.000Z', period_ms: 60000 }], checks: [check.id], version: 1 });
    const service = await created('/services', {
      experiment: 'SEEN',
      name: 'website',
      dependencies: [router.id],
      redundancy_groups: [{ name: 'web servers', members: [{ host_group: group.id }, { host: web1.id }] }],
    });
    // Members read back hosts first, then host groups.
    expect(service).toMatchObject({ dependencies: [router.id], redundancy_groups: [{ name: 'web servers', members: [{ host: web1.id }, { host_group: group.id }] }] });

    for (const [path, row] of [['/hosts', web1], ['/host-groups', group], ['/checks', check], ['/schedules', schedule], ['/services', service]] as const) {
      expect((await api('GET', `${path}/${row.id}`)).body).toEqual(row);
      const listed = await api('GET', `${path}?experiment=SEEN`);
      expect(listed.body.items).toContainEqual(row);
    }

    const replaced = await api('PUT', `/checks/${check.id}`, { experiment: 'SEEN', name: 'tcp_up', kind: 'tcp', params: { port: 8080 }, timeout_ms: 2000 });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'tcp_up', kind: 'tcp', params: { port: 8080 }, classifier: null, hosts: [], host_groups: [], version: 2 });
    const host = await api('PUT', `/hosts/${web1.id}`, { experiment: 'SEEN', name: 'web1', address: '127.0.0.2', agent: 'a1' });
    expect(host.body).toMatchObject({ address: '127.0.0.2', agent: 'a1', description: '' });
    const renamed = await api('PUT', `/services/${service.id}`, { experiment: 'SEEN', name: 'website', redundancy_groups: [{ name: 'web servers', members: [{ host: web2.id }] }] });
    expect(renamed.body.redundancy_groups).toEqual([{ id: (service.redundancy_groups as Array<{ id: number }>)[0]!.id, name: 'web servers', members: [{ host: web2.id }] }]);

    // Deleting a check takes it out of its schedules, whose version moves.
    expect((await api('DELETE', `/checks/${check.id}`)).status).toBe(204);
    expect((await api('GET', `/checks/${check.id}`)).status).toBe(404);
    expect((await api('GET', `/schedules/${schedule.id}`)).body).toMatchObject({ checks: [], version: 2 });
    for (const [path, row] of [['/services', service], ['/schedules', schedule], ['/host-groups', group], ['/hosts', web2]] as const) {
      expect((await api('DELETE', `${path}/${row.id}`)).status).toBe(204);
      expect((await api('DELETE', `${path}/${row.id}`)).status).toBe(404);
    }

    const audit = await api('GET', '/audit?limit=1000');
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    for (const noun of ['host', 'host-group', 'check', 'schedule', 'service']) {
      expect(actions).toEqual(expect.arrayContaining([`${noun}.create`, `${noun}.delete`]));
    }
    expect(actions).toEqual(expect.arrayContaining(['check.update', 'host.update', 'service.update']));
  });

  it('replacing a schedule keeps the scheduler\'s execute_next_ms of unchanged intervals only', async () => {
    const schedule = await created('/schedules', {
      experiment: 'SEEN',
      name: 'two intervals',
      max_lateness_ms: 0,
      intervals: [
        { start: '2026-01-01T00:00:00Z', period_ms: 60000 },
        { start: '2026-01-01T00:00:30Z', period_ms: 3600000 },
      ],
    });
    const [kept, changed] = schedule.intervals as Array<{ id: number }>;
    const { host, port, user, password } = p.config.db;
    const db = await mysql.createConnection({ host, port, user, password, database: p.database.name });
    try {
      await db.query('UPDATE schedule_intervals SET execute_next_ms = 1767225660000 WHERE schedule_id = ?', [schedule.id]);
      const put = await api('PUT', `/schedules/${schedule.id}`, {
        experiment: 'SEEN',
        name: 'two intervals',
        max_lateness_ms: 1000,
        intervals: [
          { start: '2026-01-01T00:00:00.000+00:00', period_ms: 60000 },
          { start: '2026-01-01T00:00:30Z', period_ms: 1800000 },
        ],
      });
      expect(put.status).toBe(200);
      expect(put.body.version).toBe(2);
      expect(put.body.intervals[0].id).toBe(kept!.id);
      expect(put.body.intervals[1].id).not.toBe(changed!.id);
      const [rows] = await db.query<mysql.RowDataPacket[]>('SELECT id, execute_next_ms FROM schedule_intervals WHERE schedule_id = ? ORDER BY id', [schedule.id]);
      expect(rows.map((r) => [Number(r.id), r.execute_next_ms === null ? null : Number(r.execute_next_ms)])).toEqual([
        [kept!.id, 1767225660000],
        [put.body.intervals[1].id, null],
      ]);
    } finally {
      await db.end();
    }
  });

  it('a SCIENTIST reads the rows of associated experiments, gets 404 for the others and 403 on writes', async () => {
    const mine = await created('/hosts', { experiment: 'SEEN', name: 'visible', address: '10.0.0.1' });
    const theirs = await created('/hosts', { experiment: 'HIDDEN', name: 'invisible', address: '10.0.0.2' });
    const hiddenCheck = await created('/checks', { experiment: 'HIDDEN', name: 'c', kind: 'tcp', params: { port: 22 }, hosts: [theirs.id] });
    expect((await api('GET', `/hosts/${mine.id}`, undefined, sci)).status).toBe(200);
    expect((await api('GET', `/hosts/${theirs.id}`, undefined, sci)).status).toBe(404);
    expect((await api('GET', `/checks/${hiddenCheck.id}`, undefined, sci)).status).toBe(404);
    expect((await api('GET', '/hosts?experiment=HIDDEN', undefined, sci)).status).toBe(404);
    const all = await api('GET', '/hosts?limit=1000', undefined, sci);
    expect(all.body.items.map((h: { experiment: string }) => h.experiment)).not.toContain('HIDDEN');
    expect(all.body.items.map((h: { id: number }) => h.id)).toContain(mine.id);
    const everything = await api('GET', '/hosts?limit=1000');
    expect(everything.body.items.map((h: { id: number }) => h.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));

    expect((await api('POST', '/hosts', { experiment: 'SEEN', name: 'x', address: 'x' }, sci)).status).toBe(403);
    expect((await api('PUT', `/hosts/${mine.id}`, { experiment: 'SEEN', name: 'x', address: 'x' }, sci)).status).toBe(403);
    expect((await api('DELETE', `/hosts/${theirs.id}`, undefined, sci)).status).toBe(403);
    expect((await api('GET', `/hosts/${mine.id}`)).body.name).toBe('visible');
  });

  it('lists are keyset pages by ascending id', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await created('/host-groups', { experiment: 'HIDDEN', name: `page ${i}` })).id);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await api('GET', `/host-groups?experiment=HIDDEN&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((g: { id: number }) => g.id));
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it('references to another experiment or to missing ids are a 400 naming the field', async () => {
    const foreign = await created('/hosts', { experiment: 'HIDDEN', name: 'foreign', address: 'f.example.org' });
    const local = await created('/hosts', { experiment: 'SEEN', name: 'local', address: 'l.example.org' });
    const foreignGroup = await created('/host-groups', { experiment: 'HIDDEN', name: 'foreign group' });
    const cases: Array<[string, unknown, string[]]> = [
      ['/host-groups', { experiment: 'SEEN', name: 'g', hosts: [local.id, foreign.id, 999999] }, ['hosts[1]', 'hosts[2]']],
      ['/checks', { experiment: 'SEEN', name: 'c', kind: 'tcp', params: { port: 1 }, hosts: [foreign.id], host_groups: [foreignGroup.id] }, ['hosts[0]', 'host_groups[0]']],
      ['/schedules', { experiment: 'SEEN', name: 's', max_lateness_ms: 0, intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 1000 }], checks: [999999] }, ['checks[0]']],
      [
        '/services',
        { experiment: 'SEEN', name: 's', dependencies: [foreign.id], redundancy_groups: [{ name: 'r', members: [{ host: local.id }, { host_group: foreignGroup.id }] }] },
        ['dependencies[0]', 'redundancy_groups[0].members[1].host_group'],
      ],
      ['/hosts', { experiment: 'NOPE', name: 'h', address: 'h' }, ['experiment']],
    ];
    for (const [path, body, expected] of cases) {
      const response = await api('POST', path, body);
      expect({ path, status: response.status, errors: errorPaths(response) }).toEqual({ path, status: 400, errors: expected });
    }
    const message = (await api('POST', '/host-groups', { experiment: 'SEEN', name: 'g', hosts: [foreign.id] })).body.errors[0].message;
    expect(message).toBe(`host ${foreign.id} belongs to another experiment`);
    const moved = await api('PUT', `/hosts/${local.id}`, { experiment: 'HIDDEN', name: 'local', address: 'l.example.org' });
    expect([moved.status, errorPaths(moved)]).toEqual([400, ['experiment']]);
  });

  it('bad parameters are a 400 naming each path below params; unknown keys are refused by name', async () => {
    const bad = await api('POST', '/checks', {
      experiment: 'SEEN',
      name: 'probe',
      kind: 'probe',
      params: { steps: [{ name: 'up', url: 'http://a/', method: 'POST', body: 'x' }, { name: 'down', url: 'ftp://a/' }, { name: 'gone', url: 'http://a/', colour: 1 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'params.steps[1].url', message: 'must be an http:// or https:// URL' },
      { path: 'params.steps[2].colour', message: expect.stringContaining('is not a parameter here') },
    ]);
    const ports = await api('POST', '/checks', { experiment: 'SEEN', name: 'tcp', kind: 'tcp', params: { port: '27e1' } });
    expect([ports.status, errorPaths(ports)]).toEqual([400, ['params.port']]);
    const plugin = await api('POST', '/checks', { experiment: 'SEEN', name: 'plug', kind: 'plugin' });
    expect([plugin.status, errorPaths(plugin)]).toEqual([400, ['plugin']]);
    const classifier = await api('POST', '/checks', { experiment: 'SEEN', name: 'cl', kind: 'tcp', params: { port: 1 }, classifier: { thresholds: [{ severity: 'bad', op: '>', value: 1 }] } });
    expect([classifier.status, errorPaths(classifier)]).toEqual([400, ['classifier.thresholds[0].severity']]);
    const lua = await api('POST', '/checks', { experiment: 'SEEN', name: 'lua', kind: 'tcp', params: { port: 1 }, classifier: { lua: 'return (' } });
    expect([lua.status, errorPaths(lua)]).toEqual([400, ['classifier.lua']]);
    const unknownTop = await api('POST', '/hosts', { experiment: 'SEEN', name: 'h', address: 'h', owner: 'me' });
    expect(unknownTop.status).toBe(400);
    expect(JSON.stringify(unknownTop.body)).toContain('owner');
    const interval = await api('POST', '/schedules', { experiment: 'SEEN', name: 'twice', max_lateness_ms: 0, intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 1000 }, { start: '2026-01-01T00:00:00.000Z', period_ms: 1000 }] });
    expect([interval.status, errorPaths(interval)]).toEqual([400, ['intervals[1]']]);
  });

  it('__proto__ keys in headers are kept as data, stored and returned', async () => {
    const body = '{"experiment":"SEEN","name":"proto","kind":"http","params":{"url":"http://a/","headers":{"__proto__":"x","constructor":"y"}}}';
    const response = await call(p.baseUrl, 'POST', '/checks', { token: admin, rawBody: body });
    expect(response.status).toBe(201);
    const read = await call(p.baseUrl, 'GET', `/checks/${response.body.id}`, { token: admin });
    const headers = read.body.params.headers as object;
    expect(Object.keys(headers)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toBe('x');
  });

  it('a check\'s version moves when the hosts it runs on change', async () => {
    const h = await created('/hosts', { experiment: 'HIDDEN', name: 'versioned', address: 'v.example.org' });
    const g = await created('/host-groups', { experiment: 'HIDDEN', name: 'versioned', hosts: [h.id] });
    const c = await created('/checks', { experiment: 'HIDDEN', name: 'versioned', kind: 'tcp', params: { port: 22 }, host_groups: [g.id] });
    const version = async () => (await api('GET', `/checks/${c.id}`)).body.version as number;
    expect(await version()).toBe(1);
    await api('PUT', `/hosts/${h.id}`, { experiment: 'HIDDEN', name: 'versioned', address: 'w.example.org' });
    expect(await version()).toBe(2);
    await api('PUT', `/host-groups/${g.id}`, { experiment: 'HIDDEN', name: 'versioned', hosts: [] });
    expect(await version()).toBe(3);
    await api('PUT', `/host-groups/${g.id}`, { experiment: 'HIDDEN', name: 'versioned', hosts: [h.id] });
    expect((await api('DELETE', `/hosts/${h.id}`)).status).toBe(204);
    expect(await version()).toBe(5);
    expect((await api('DELETE', `/host-groups/${g.id}`)).status).toBe(204);
    expect((await api('GET', `/checks/${c.id}`)).body).toMatchObject({ version: 6, host_groups: [] });
  });

  it('__proto__ as a key of the body or of a member is an unknown key, refused by name', async () => {
    const top = await call(p.baseUrl, 'POST', '/hosts', { token: admin, rawBody: '{"experiment":"SEEN","name":"p","address":"p","__proto__":{"agent":"x"}}' });
    expect(top.status).toBe(400);
    expect(JSON.stringify(top.body.errors)).toContain('__proto__');
    const member = await call(p.baseUrl, 'POST', '/services', {
      token: admin,
      rawBody: '{"experiment":"SEEN","name":"p","redundancy_groups":[{"name":"r","members":[{"host":1,"__proto__":{}}]}]}',
    });
    expect(member.status).toBe(400);
    const params = await call(p.baseUrl, 'POST', '/checks', { token: admin, rawBody: '{"experiment":"SEEN","name":"p","kind":"tcp","params":{"port":1,"__proto__":{"port":2}}}' });
    expect([params.status, errorPaths(params)]).toEqual([400, ['params.__proto__']]);
  });

  it('deleting an experiment deletes its model', async () => {
    expect((await api('POST', '/experiments', { code: 'GONE', name: 'gone' })).status).toBe(201);
    const h = await created('/hosts', { experiment: 'GONE', name: 'h', address: 'h.example.org' });
    const g = await created('/host-groups', { experiment: 'GONE', name: 'g', hosts: [h.id] });
    const c = await created('/checks', { experiment: 'GONE', name: 'c', kind: 'mesh', params: { port: 7 }, host_groups: [g.id] });
    const s = await created('/schedules', { experiment: 'GONE', name: 's', max_lateness_ms: 0, intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 1000 }], checks: [c.id] });
    const v = await created('/services', { experiment: 'GONE', name: 'v', dependencies: [h.id], redundancy_groups: [{ name: 'r', members: [{ host_group: g.id }] }] });
    expect((await api('DELETE', '/experiments/GONE')).status).toBe(204);
    for (const [path, row] of [['/hosts', h], ['/host-groups', g], ['/checks', c], ['/schedules', s], ['/services', v]] as const) {
      expect((await api('GET', `${path}/${row.id}`)).status).toBe(404);
    }
  });

  it('a duplicate name is a 409; a name too long or not a metric name is a 400, never a 500', async () => {
    await created('/hosts', { experiment: 'SEEN', name: 'dup', address: 'a' });
    const again = await api('POST', '/hosts', { experiment: 'SEEN', name: 'dup', address: 'b' });
    expect(again.status).toBe(409);
    // The same name in another experiment is another host.
    await created('/hosts', { experiment: 'HIDDEN', name: 'dup', address: 'a' });
    const other = await created('/hosts', { experiment: 'SEEN', name: 'dup2', address: 'a' });
    expect((await api('PUT', `/hosts/${other.id}`, { experiment: 'SEEN', name: 'dup', address: 'a' })).status).toBe(409);
    expect((await api('POST', '/hosts', { experiment: 'SEEN', name: 'x'.repeat(300), address: 'a' })).status).toBe(400);
    expect((await api('POST', '/checks', { experiment: 'SEEN', name: 'not a metric', kind: 'tcp', params: { port: 1 } })).status).toBe(400);
    // Lengths count characters, as VARCHAR does: 255 emoji fit, 256 do not.
    expect((await api('POST', '/host-groups', { experiment: 'SEEN', name: '😀'.repeat(256) })).status).toBe(400);
    const emoji = await created('/host-groups', { experiment: 'SEEN', name: '😀'.repeat(255), description: '𝄞 é'.repeat(333) });
    expect(emoji.name).toBe('😀'.repeat(255));
    expect((await api('POST', '/hosts', { experiment: 'SEEN', name: 'addr', address: 'not an address' })).status).toBe(400);
  });
});
