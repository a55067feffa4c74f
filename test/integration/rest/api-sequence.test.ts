import type { User } from '../../../src/domain/user';
import { TYPES } from '../../../src/identifiers';
import type { UserService } from '../../../src/services/user-service';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * The seed's API sequence over real HTTP, MySQL and RabbitMQ: an admin creates a SCIENTIST and an
 * experiment, associates them, measures are published to the exchange, and the scientist reads them back.
 */
describe('the API sequence, end to end', () => {
  let platform: TestPlatform;
  let adminToken: string;

  beforeAll(async () => {
    platform = await startPlatform({ consume: true });
    adminToken = await platform.tokenFor(platform.admin);
  });
  afterAll(() => platform.stop());

  it('lets an associated scientist read the measures published for their experiment, and nobody else', async () => {
    const { baseUrl } = platform;
    const created = await call(baseUrl, 'POST', '/users', {
      token: adminToken,
      body: { user_id: 'S123', name: 'Jim Apple', username: 'jim-uid', email: 'jim@foobar.com', role: 'SCIENTIST' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/users/${created.body.id}`);
    expect(created.body).toMatchObject({ user_id: 'S123', name: 'Jim Apple', role: 'SCIENTIST', erased_at: null });

    const read = await call(baseUrl, 'GET', `/users/${created.body.id}`, { token: adminToken });
    expect(read.body.email).toBe('jim@foobar.com');
    const updated = await call(baseUrl, 'PATCH', `/users/${created.body.id}`, {
      token: adminToken,
      body: { name: 'Jim A. Apple' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.name).toBe('Jim A. Apple');

    const experiment = await call(baseUrl, 'POST', '/experiments', {
      token: adminToken,
      body: { code: 'ATLAS-T1', name: 'Atlas thermal', description: 'cooling loop' },
    });
    expect(experiment.status).toBe(201);
    const associated = await call(baseUrl, 'PUT', `/experiments/ATLAS-T1/users/${created.body.id}`, { token: adminToken });
    expect(associated.status).toBe(204);

    const t0 = Date.parse('2026-11-01T00:00:00Z');
    await platform.publish({ experiment: 'ATLAS-T1', metric: 'temperature', source: 'probe-1', value: 21.5, unit: 'C', timestamp: t0 });
    await platform.publish([
      { experiment: 'ATLAS-T1', metric: 'temperature', source: 'probe-1', value: 21.7, unit: 'C', timestamp: t0 + 1000 },
      { experiment: 'ATLAS-T1', metric: 'pressure', value: 1.01, timestamp: '2026-11-01T00:00:02.000123Z', tags: { loop: 'a' } },
    ]);
    await platform.publish({ measures: [{ experiment: 'ATLAS-T1', metric: 'temperature', source: 'probe-1', value: 21.9, unit: 'C', timestamp: t0 + 2000 }] });

    const scientist = (await platform.container.get<UserService>(TYPES.UserService).authenticate('jim-uid')) as User;
    const scientistToken = await platform.tokenFor(scientist);
    const page = await eventually(
      () => call(baseUrl, 'GET', '/experiments/ATLAS-T1/measures', { token: scientistToken }),
      (r) => r.status === 200 && r.body.items.length === 4,
    );
    expect(page.body.items.map((m: { value: number }) => m.value)).toEqual([21.5, 21.7, 21.9, 1.01]);
    expect(page.body.items[3]).toMatchObject({ metric: 'pressure', source: null, tags: { loop: 'a' }, timestamp: '2026-11-01T00:00:02.000123Z' });

    const temperatures = await call(baseUrl, 'GET', '/experiments/ATLAS-T1/measures?metric=temperature&limit=2', { token: scientistToken });
    expect(temperatures.body.items).toHaveLength(2);
    const rest = await call(baseUrl, 'GET', `/experiments/ATLAS-T1/measures?metric=temperature&limit=2&cursor=${temperatures.body.next}`, {
      token: scientistToken,
    });
    expect(rest.body.items.map((m: { value: number }) => m.value)).toEqual([21.9]);
    expect(rest.body.next).toBeUndefined();

    const series = await call(baseUrl, 'GET', '/experiments/ATLAS-T1/series', { token: scientistToken });
    expect(series.body.items.map((s: { metric: string }) => s.metric).sort()).toEqual(['pressure', 'temperature']);

    const outsider = await platform.createUser('SCIENTIST', 'outsider');
    const outsiderToken = await platform.tokenFor(outsider);
    const refused = await call(baseUrl, 'GET', '/experiments/ATLAS-T1/measures', { token: outsiderToken });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.type).toBe('https://mymonit.dev/problems/not-found');
    expect((await call(baseUrl, 'GET', '/experiments/ATLAS-T1', { token: outsiderToken })).status).toBe(404);
    expect((await call(baseUrl, 'GET', '/experiments/NOPE/measures', { token: outsiderToken })).status).toBe(404);

    const erased = await call(baseUrl, 'DELETE', `/users/${created.body.id}`, { token: adminToken });
    expect(erased.status).toBe(204);
    const tombstone = await call(baseUrl, 'GET', `/users/${created.body.id}`, { token: adminToken });
    expect(tombstone.body).toMatchObject({ name: null, email: null, username: null, user_id: null, pseudonym: created.body.pseudonym });
    expect(tombstone.body.erased_at).not.toBeNull();
    expect((await call(baseUrl, 'GET', '/me', { token: scientistToken })).status).toBe(401);
  });
});
