import { TYPES } from '../../../src/identifiers';
import type { MeasureService } from '../../../src/services/measure-service';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** Values the contract allows work; values it refuses are a 400, never a 500 or an act on another record. */
describe('parameter edges', () => {
  let p: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    p = await startPlatform({ consume: true });
    admin = await p.tokenFor(p.admin);
    await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'EDGE', name: 'Edges' } });
    // Ids up to 27 exist, so that 27e1 (270 to Number, 27 to parseInt) and 1e5 (1 to parseInt) name real rows.
    while ((await p.createUser('SCIENTIST')).id < 27);
  });
  afterAll(() => p.stop());

  const userExists = async (id: number) =>
    (await call(p.baseUrl, 'GET', `/users/${id}`, { token: admin })).body.erased_at === null;

  describe('ids are digits only, parsed once: a look-alike id is a 400 and touches no record', () => {
    it.each(['27e1', '27.0', '+27', '0x1B', '1e309', '27%20', '%2027', 'Infinity', '-27'])('DELETE /users/%s', async (id) => {
      const response = await call(p.baseUrl, 'DELETE', `/users/${id}`, { token: admin });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('/params/userId');
      expect(await userExists(27)).toBe(true);
      expect(await userExists(1)).toBe(true);
    });

    it('DELETE /exceptions/1e5 leaves rejected message 1 alone', async () => {
      const service = p.container.get<MeasureService>(TYPES.MeasureService);
      const outcome = await service.reject({ body: Buffer.from('x'), messageId: 'keep-me', routingKey: null, contentType: null }, 'malformed-json', 'test');
      if (outcome.kind !== 'rejected') throw new Error('expected a rejection');
      const id = outcome.rejectionId;
      for (const lookalike of [`${id}e5`, `${id}e0`, `${id}.5`, '1e309']) {
        expect((await call(p.baseUrl, 'DELETE', `/exceptions/${lookalike}`, { token: admin })).status).toBe(400);
        expect((await call(p.baseUrl, 'POST', `/exceptions/${lookalike}/replay`, { token: admin })).status).toBe(400);
      }
      expect((await call(p.baseUrl, 'GET', `/exceptions/${id}`, { token: admin })).status).toBe(200);
    });

    it('an association id like 27e0 is refused and associates nobody', async () => {
      expect((await call(p.baseUrl, 'PUT', '/experiments/EDGE/users/27e0', { token: admin })).status).toBe(400);
      expect((await call(p.baseUrl, 'GET', '/experiments/EDGE/users', { token: admin })).body.items).toEqual([]);
    });

    it('an id past the column range is a 400, digits with a leading zero name the same record', async () => {
      expect((await call(p.baseUrl, 'GET', '/users/4294967296', { token: admin })).status).toBe(400);
      expect((await call(p.baseUrl, 'GET', '/users/99999999999999999999', { token: admin })).status).toBe(400);
      expect((await call(p.baseUrl, 'GET', '/users/027', { token: admin })).body.id).toBe(27);
    });
  });

  describe('limit and cursor: every paginated list answers 400 to a bad one', () => {
    const lists = ['/users', '/experiments', '/exceptions', '/audit', '/experiments/EDGE/measures'];
    const limits = ['Infinity', '-Infinity', '1e309', '1e2', '-1', '0', '1.5', '100001', '99999999999999999999'];
    const cases = lists.flatMap((list) => limits.map((limit) => [list, limit] as const));

    it.each(cases)('%s?limit=%s', async (list, limit) => {
      const response = await call(p.baseUrl, 'GET', `${list}?limit=${limit}`, { token: admin });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('/query/limit');
    });

    const forged = [cursorOf({ id: -1 }), cursorOf({ id: 1.5 }), cursorOf({ id: 1e300 }), cursorOf(null), cursorOf([1])];
    it.each(lists.filter((l) => !l.endsWith('/measures')).flatMap((list) => forged.map((c) => [list, c] as const)))(
      '%s?cursor=%s',
      async (list, cursor) => {
        const response = await call(p.baseUrl, 'GET', `${list}?cursor=${cursor}`, { token: admin });
        expect(response.status).toBe(400);
        expect(response.body.detail).toMatch(/cursor/);
      },
    );

    it.each([cursorOf({ t: 0, s: -1 }), cursorOf({ t: 1e300, s: 1 }), cursorOf({ id: 1 })])('measures?cursor=%s', async (cursor) => {
      const response = await call(p.baseUrl, 'GET', `/experiments/EDGE/measures?cursor=${cursor}`, { token: admin });
      expect(response.status).toBe(400);
    });

    it('the largest limit the contract allows works on each list', async () => {
      for (const list of lists) {
        const max = list.endsWith('/measures') ? 10000 : 1000;
        expect((await call(p.baseUrl, 'GET', `${list}?limit=${max}`, { token: admin })).status).toBe(200);
      }
    });
  });

  describe('the response headers openapi.yaml declares', () => {
    it('a method a path does not have is a 405 with Allow', async () => {
      const response = await call(p.baseUrl, 'PUT', '/experiments', { token: admin, body: {} });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'POST']);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      expect(response.headers.get('x-mymonit-instance')).toBe(p.config.instance);
    });

    it('a request head over 16 KiB is a 431 problem with the same headers', async () => {
      const response = await call(p.baseUrl, 'GET', `/users?cursor=${'x'.repeat(20000)}`, { token: admin });
      expect(response.status).toBe(431);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.type).toBe('https://mymonit.dev/problems/header-too-large');
      expect(response.headers.get('x-request-id')).toBe(response.body.requestId);
      expect(response.headers.get('x-mymonit-instance')).toBe(p.config.instance);
    });

    it('a creation carries Location', async () => {
      const created = await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'LOC', name: 'Located' } });
      expect(created.headers.get('location')).toBe('/experiments/LOC');
    });
  });

  describe('text the contract allows is stored whole', () => {
    it('a description of 65,535 four-byte characters is stored and read back', async () => {
      const description = '😀'.repeat(65535); // 262,140 bytes of UTF-8
      const created = await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'LONG', name: 'Long', description } });
      expect(created.status).toBe(201);
      const patched = await call(p.baseUrl, 'PATCH', '/experiments/LONG', { token: admin, body: { description: 'é'.repeat(65535) } });
      expect(patched.status).toBe(200);
      expect(created.body.description).toBe(description);
      expect((await call(p.baseUrl, 'GET', '/experiments/LONG', { token: admin })).body.description).toBe('é'.repeat(65535));
    });
  });

  describe('a host:port source, as the Prometheus adapter names its targets, is a valid filter', () => {
    it('GET .../measures?source=127.0.0.1:9100 finds the measures of that source', async () => {
      await p.publish({ experiment: 'EDGE', metric: 'up', source: '127.0.0.1:9100', value: 1, timestamp: 1_700_000_000_000 });
      const page = await eventually(
        () => call(p.baseUrl, 'GET', '/experiments/EDGE/measures?source=127.0.0.1:9100&metric=up', { token: admin }),
        (r) => r.status !== 200 || r.body.items.length > 0,
      );
      expect(page.status).toBe(200);
      expect(page.body.items[0].source).toBe('127.0.0.1:9100');
      const aggregate = await call(
        p.baseUrl,
        'GET',
        '/experiments/EDGE/measures/aggregate?source=127.0.0.1:9100&from=2023-11-14T00:00:00Z&to=2023-11-15T00:00:00Z&step=1d',
        { token: admin },
      );
      expect(aggregate.status).toBe(200);
      expect(aggregate.body.series).toHaveLength(1);
    });
  });
});
