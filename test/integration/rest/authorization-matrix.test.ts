import type { User } from '../../../src/domain/user';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * Every cell of the architecture brief's authorization matrix, over real HTTP and MySQL. Each row is an
 * action; each test checks what an ADMIN and what a SCIENTIST get.
 */
describe('authorization matrix', () => {
  let p: TestPlatform;
  let admin: string;
  let scientist: User;
  let sci: string;
  let other: User;
  let associatedCode: string;

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    scientist = await p.createUser('SCIENTIST', 'sci');
    other = await p.createUser('SCIENTIST', 'other');
    sci = await p.tokenFor(scientist);
    associatedCode = 'ASSOC';
    for (const code of ['ASSOC', 'PRIVATE']) {
      expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code, name: code } })).status).toBe(201);
    }
    expect((await call(p.baseUrl, 'PUT', `/experiments/ASSOC/users/${scientist.id}`, { token: admin })).status).toBe(204);
  });
  afterAll(() => p.stop());

  const newUser = (tag: string) => ({ user_id: `N-${tag}`, name: `New ${tag}`, username: `new-${tag}`, email: `${tag}@example.org`, role: 'SCIENTIST' });

  describe('users: create, read, update, erase', () => {
    it('an ADMIN creates users; a SCIENTIST gets 403', async () => {
      expect((await call(p.baseUrl, 'POST', '/users', { token: admin, body: newUser('a') })).status).toBe(201);
      const refused = await call(p.baseUrl, 'POST', '/users', { token: sci, body: newUser('b') });
      expect(refused.status).toBe(403);
      expect(refused.body.type).toBe('https://mymonit.dev/problems/forbidden');
    });

    it('an ADMIN lists users; a SCIENTIST gets 403', async () => {
      const list = await call(p.baseUrl, 'GET', '/users', { token: admin });
      expect(list.status).toBe(200);
      expect(list.body.items.map((u: { id: number }) => u.id)).toEqual(expect.arrayContaining([scientist.id, other.id]));
      expect((await call(p.baseUrl, 'GET', '/users', { token: sci })).status).toBe(403);
    });

    it('an ADMIN reads any user; a SCIENTIST reads only their own record', async () => {
      expect((await call(p.baseUrl, 'GET', `/users/${other.id}`, { token: admin })).status).toBe(200);
      const own = await call(p.baseUrl, 'GET', `/users/${scientist.id}`, { token: sci });
      expect(own.status).toBe(200);
      expect(own.body.id).toBe(scientist.id);
      expect((await call(p.baseUrl, 'GET', `/users/${other.id}`, { token: sci })).status).toBe(404);
      const me = await call(p.baseUrl, 'GET', '/me', { token: sci });
      expect(me.body).toMatchObject({ id: scientist.id, role: 'SCIENTIST' });
    });

    it('an ADMIN updates users; a SCIENTIST may not update anyone, not even themself', async () => {
      const updated = await call(p.baseUrl, 'PATCH', `/users/${other.id}`, { token: admin, body: { user_id: 'S-999' } });
      expect(updated.body.user_id).toBe('S-999');
      expect((await call(p.baseUrl, 'PATCH', `/users/${scientist.id}`, { token: sci, body: { role: 'ADMIN' } })).status).toBe(403);
      expect((await call(p.baseUrl, 'PATCH', `/users/${other.id}`, { token: sci, body: { name: 'x' } })).status).toBe(403);
    });

    it('an ADMIN erases users; a SCIENTIST gets 403; the last ADMIN cannot be erased', async () => {
      const victim = await call(p.baseUrl, 'POST', '/users', { token: admin, body: newUser('erase') });
      expect((await call(p.baseUrl, 'DELETE', `/users/${victim.body.id}`, { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'DELETE', `/users/${victim.body.id}`, { token: admin })).status).toBe(204);
      const last = await call(p.baseUrl, 'DELETE', `/users/${p.admin.id}`, { token: admin });
      expect(last.status).toBe(409);
      expect(last.body.type).toBe('https://mymonit.dev/problems/conflict');
    });
  });

  describe('experiments: create, update, delete', () => {
    it('an ADMIN creates, updates and deletes experiments; a SCIENTIST gets 403 for each', async () => {
      expect((await call(p.baseUrl, 'POST', '/experiments', { token: sci, body: { code: 'SCI', name: 'x' } })).status).toBe(403);
      expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'TMP', name: 'Temp' } })).status).toBe(201);
      expect((await call(p.baseUrl, 'PATCH', '/experiments/ASSOC', { token: sci, body: { name: 'hijack' } })).status).toBe(403);
      const patched = await call(p.baseUrl, 'PATCH', '/experiments/TMP', { token: admin, body: { description: 'changed' } });
      expect(patched.body.description).toBe('changed');
      expect((await call(p.baseUrl, 'DELETE', '/experiments/ASSOC', { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'DELETE', '/experiments/TMP', { token: admin })).status).toBe(204);
      expect((await call(p.baseUrl, 'GET', '/experiments/TMP', { token: admin })).status).toBe(404);
    });
  });

  describe('associations', () => {
    it('an ADMIN associates, lists and removes; a SCIENTIST gets 403 for each', async () => {
      expect((await call(p.baseUrl, 'PUT', `/experiments/PRIVATE/users/${other.id}`, { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'GET', '/experiments/ASSOC/users', { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'DELETE', `/experiments/ASSOC/users/${scientist.id}`, { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'PUT', `/experiments/PRIVATE/users/${other.id}`, { token: admin })).status).toBe(204);
      expect((await call(p.baseUrl, 'PUT', `/experiments/PRIVATE/users/${other.id}`, { token: admin })).status).toBe(204);
      const listed = await call(p.baseUrl, 'GET', '/experiments/PRIVATE/users', { token: admin });
      expect(listed.body.items.map((u: { id: number }) => u.id)).toEqual([other.id]);
      expect((await call(p.baseUrl, 'DELETE', `/experiments/PRIVATE/users/${other.id}`, { token: admin })).status).toBe(204);
      expect((await call(p.baseUrl, 'DELETE', `/experiments/PRIVATE/users/${other.id}`, { token: admin })).status).toBe(404);
    });
  });

  describe('list experiments', () => {
    it('an ADMIN lists all experiments; a SCIENTIST only the associated ones', async () => {
      const all = await call(p.baseUrl, 'GET', '/experiments', { token: admin });
      expect(all.body.items.map((e: { code: string }) => e.code)).toEqual(expect.arrayContaining(['ASSOC', 'PRIVATE']));
      const mine = await call(p.baseUrl, 'GET', '/experiments', { token: sci });
      expect(mine.body.items.map((e: { code: string }) => e.code)).toEqual([associatedCode]);
    });
  });

  describe('read measures', () => {
    it('an ADMIN reads every experiment; a SCIENTIST the associated ones, and 404 (not 403) for the others', async () => {
      const aggregate = '/measures/aggregate?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&step=1h&fn=avg';
      for (const code of ['ASSOC', 'PRIVATE']) {
        expect((await call(p.baseUrl, 'GET', `/experiments/${code}/measures`, { token: admin })).status).toBe(200);
        expect((await call(p.baseUrl, 'GET', `/experiments/${code}/series`, { token: admin })).status).toBe(200);
        expect((await call(p.baseUrl, 'GET', `/experiments/${code}${aggregate}`, { token: admin })).status).toBe(200);
      }
      expect((await call(p.baseUrl, 'GET', '/experiments/ASSOC/measures', { token: sci })).status).toBe(200);
      expect((await call(p.baseUrl, 'GET', `/experiments/ASSOC${aggregate}`, { token: sci })).status).toBe(200);
      expect((await call(p.baseUrl, 'GET', '/experiments/ASSOC', { token: sci })).status).toBe(200);
      for (const path of ['/experiments/PRIVATE/measures', '/experiments/PRIVATE/series', `/experiments/PRIVATE${aggregate}`, '/experiments/PRIVATE']) {
        const hidden = await call(p.baseUrl, 'GET', path, { token: sci });
        expect(hidden.status).toBe(404);
        const missing = await call(p.baseUrl, 'GET', path.replace('PRIVATE', 'DOES-NOT-EXIST'), { token: sci });
        expect(missing.status).toBe(404);
        expect(missing.body.title).toBe(hidden.body.title);
      }
    });
  });

  describe('rejected messages', () => {
    it('an ADMIN reads and discards rejected messages; a SCIENTIST gets 403', async () => {
      expect((await call(p.baseUrl, 'GET', '/exceptions', { token: admin })).status).toBe(200);
      expect((await call(p.baseUrl, 'GET', '/exceptions', { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'GET', '/exceptions/1', { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'DELETE', '/exceptions/1', { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'GET', '/exceptions/999999', { token: admin })).status).toBe(404);
    });
  });

  describe('audit trail', () => {
    it('an ADMIN reads the audit trail; a SCIENTIST gets 403', async () => {
      const trail = await call(p.baseUrl, 'GET', '/audit', { token: admin });
      expect(trail.status).toBe(200);
      expect(trail.body.items.length).toBeGreaterThan(0);
      expect((await call(p.baseUrl, 'GET', '/audit', { token: sci })).status).toBe(403);
    });
  });

  describe('temporal policies', () => {
    it('an ADMIN creates, changes and deletes policies; a SCIENTIST gets 403 for each', async () => {
      const body = { experiment: 'ASSOC', name: 'm1', signature: 'p(x:int)', formula: 'p(x)' };
      expect((await call(p.baseUrl, 'POST', '/policies', { token: sci, body })).status).toBe(403);
      const created = await call(p.baseUrl, 'POST', '/policies', { token: admin, body });
      expect(created.status).toBe(201);
      const id = created.body.id as number;
      expect((await call(p.baseUrl, 'PUT', `/policies/${id}`, { token: sci, body: { ...body, name: 'm2' } })).status).toBe(403);
      expect((await call(p.baseUrl, 'PUT', `/policies/${id}`, { token: admin, body: { ...body, name: 'm2' } })).status).toBe(200);
      expect((await call(p.baseUrl, 'DELETE', `/policies/${id}`, { token: sci })).status).toBe(403);
      expect((await call(p.baseUrl, 'DELETE', `/policies/${id}`, { token: admin })).status).toBe(204);
    });

    it("an ADMIN reads and feeds every policy; a SCIENTIST the associated experiments', and 404 (not 403) for the others", async () => {
      const ids = new Map<string, number>();
      for (const code of ['ASSOC', 'PRIVATE']) {
        const created = await call(p.baseUrl, 'POST', '/policies', { token: admin, body: { experiment: code, name: 'm', signature: 'p(x:int)', formula: 'p(x)' } });
        ids.set(code, created.body.id as number);
      }
      for (const [code, id] of ids) {
        const feed = (token: string) => call(p.baseUrl, 'POST', `/policies/${id}/events`, { token, body: [{ ts: 1, events: [] }] });
        const reads = [`/policies/${id}`, `/policies/${id}/verdicts`, `/policies/${id}/rejections`];
        for (const path of reads) expect({ path, status: (await call(p.baseUrl, 'GET', path, { token: admin })).status }).toEqual({ path, status: 200 });
        expect((await feed(admin)).status).toBe(200);
        const want = code === 'ASSOC' ? 200 : 404;
        for (const path of reads) expect({ path, status: (await call(p.baseUrl, 'GET', path, { token: sci })).status }).toEqual({ path, status: want });
        expect((await feed(sci)).status).toBe(want);
      }
      const mine = await call(p.baseUrl, 'GET', '/policies', { token: sci });
      expect(mine.body.items.map((x: { experiment: string }) => x.experiment)).toEqual(['ASSOC']);
    });
  });

  describe('public endpoints', () => {
    it('health and docs need no token; everything else does', async () => {
      expect((await call(p.baseUrl, 'GET', '/health/live')).status).toBe(200);
      const ready = await call(p.baseUrl, 'GET', '/health/ready');
      expect(ready.body.checks.mysql).toBe('ok');
      expect((await call(p.baseUrl, 'GET', '/docs/')).status).toBe(200);
      expect((await call(p.baseUrl, 'GET', '/openapi.json')).body.openapi).toBe('3.1.0');
      for (const path of ['/me', '/users', '/experiments', '/exceptions', '/experiments/ASSOC/measures', '/nothing-here']) {
        const response = await call(p.baseUrl, 'GET', path);
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    });
  });
});
