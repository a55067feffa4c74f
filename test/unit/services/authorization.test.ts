import { ForbiddenError, NotFoundError } from '../../../src/domain/errors';
import type { User } from '../../../src/domain/user';
import { inMemoryServices, type InMemoryServices } from '../../support/in-memory-services';

/**
 * The README's authorization matrix, cell by cell, decided by the services alone (in-memory stores): an
 * ADMIN may do everything; a SCIENTIST reads their own record and the experiments (and measures) they are
 * associated with, is refused (403) every ADMIN-only action, and is told "not found" where a 403 would say
 * that something exists. test/integration/rest/authorization-matrix.test.ts checks the same over HTTP.
 */
describe('the authorization matrix, in the services', () => {
  let s: InMemoryServices;
  let admin: User;
  let scientist: User;
  let other: User;
  const series = { id: 1, experiment: 'SEEN', metric: 'temperature', source: null, unit: null, tags: {} };

  beforeEach(async () => {
    s = inMemoryServices();
    admin = await s.createUser('ADMIN');
    scientist = await s.createUser('SCIENTIST');
    other = await s.createUser('SCIENTIST', 'other');
    const seen = await s.experiments.create(admin, { code: 'SEEN', name: 'associated with the scientist' });
    await s.experiments.create(admin, { code: 'HIDDEN', name: 'not associated' });
    await s.experiments.associate(admin, 'SEEN', scientist.id);
    s.stores.reader.seriesByCode.set('SEEN', [series]);
    s.stores.reader.seriesByCode.set('HIDDEN', [{ ...series, id: 2, experiment: 'HIDDEN' }]);
    await s.stores.rejected.insert({
      reason: 'malformed-json',
      detail: 'not JSON',
      messageId: 'm-1',
      routingKey: null,
      contentType: 'application/json',
      body: Buffer.from('{'),
      bodyTruncated: false,
      bodySha256: null,
      partial: false,
      refusedMeasures: null,
    });
    expect(seen.code).toBe('SEEN');
  });

  const newUser = { role: 'SCIENTIST' as const, username: 'new', userId: 'N1', name: 'New One', email: 'new@example.org' };

  /** Every ADMIN-only action, with arguments that would succeed for an ADMIN. */
  const adminOnly: Array<[string, (actor: User) => Promise<unknown>]> = [
    ['create users', (actor) => s.users.create(actor, newUser)],
    ['list users', (actor) => s.users.list(actor, 10)],
    ['update users', (actor) => s.users.update(actor, other.id, { name: 'Renamed' })],
    ['erase users', (actor) => s.users.erase(actor, other.id)],
    ['create experiments', (actor) => s.experiments.create(actor, { code: 'NEW', name: 'new' })],
    ['update experiments', (actor) => s.experiments.update(actor, 'SEEN', { name: 'renamed' })],
    ['delete experiments', (actor) => s.experiments.delete(actor, 'HIDDEN')],
    ['associate users with experiments', (actor) => s.experiments.associate(actor, 'HIDDEN', other.id)],
    ['remove associations', (actor) => s.experiments.dissociate(actor, 'SEEN', scientist.id)],
    ['list associations', (actor) => s.experiments.listAssociatedUsers(actor, 'SEEN')],
    ['read rejected messages', (actor) => s.measures.listRejected(actor, { limit: 10 })],
    ['read a rejected message', (actor) => s.measures.getRejected(actor, 1)],
    ['discard rejected messages', (actor) => s.measures.discardRejected(actor, 1)],
    ['replay rejected messages', (actor) => s.measures.replayRejected(actor, 1)],
    ['read the audit trail', (actor) => s.audit.list(actor, { limit: 10 })],
  ];

  it.each(adminOnly)('an ADMIN may %s', async (_action, act) => {
    await expect(act(admin)).resolves.not.toThrow();
  });

  it.each(adminOnly)('a SCIENTIST may not %s (403), and nothing changes', async (_action, act) => {
    const before = s.stores.audit.events.length;
    await expect(act(scientist)).rejects.toBeInstanceOf(ForbiddenError);
    expect(s.stores.audit.events).toHaveLength(before);
    expect(s.published).toHaveLength(0);
  });

  it('refuses a SCIENTIST an ADMIN-only action before any lookup: 403 whether the target exists or not', async () => {
    await expect(s.experiments.update(scientist, 'NO-SUCH', { name: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.users.erase(scientist, 9999)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.measures.getRejected(scientist, 9999)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lets a SCIENTIST read their own record and answers 404 for anyone else', async () => {
    await expect(s.users.get(scientist, scientist.id)).resolves.toMatchObject({ id: scientist.id });
    await expect(s.users.get(scientist, other.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.users.get(scientist, admin.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.users.get(admin, other.id)).resolves.toMatchObject({ id: other.id });
  });

  it('lists every experiment to an ADMIN and only the associated ones to a SCIENTIST', async () => {
    expect((await s.experiments.list(admin, 10)).items.map((e) => e.code)).toEqual(['SEEN', 'HIDDEN']);
    expect((await s.experiments.list(scientist, 10)).items.map((e) => e.code)).toEqual(['SEEN']);
    expect((await s.experiments.list(other, 10)).items).toEqual([]);
  });

  it('answers a SCIENTIST 404 for an experiment not associated with them, exactly as for a missing one', async () => {
    await expect(s.experiments.get(scientist, 'SEEN')).resolves.toMatchObject({ code: 'SEEN' });
    const refusal = (code: string) =>
      s.experiments.get(scientist, code).then(
        () => 'seen',
        (error: Error) => `${error.constructor.name}: ${error.message.replace(code, 'X')}`,
      );
    expect(await refusal('HIDDEN')).toBe('NotFoundError: experiment X not found');
    expect(await refusal('MISSING')).toBe(await refusal('HIDDEN'));
    await expect(s.experiments.get(admin, 'HIDDEN')).resolves.toMatchObject({ code: 'HIDDEN' });
  });

  it('serves measures and series of associated experiments only to a SCIENTIST (others: 404, not 403)', async () => {
    await expect(s.queries.listSeries(scientist, 'SEEN')).resolves.toEqual([series]);
    await expect(s.queries.list(scientist, { experiment: 'SEEN', limit: 10 })).resolves.toEqual({ items: [] });
    await expect(s.queries.listSeries(scientist, 'HIDDEN')).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.queries.list(scientist, { experiment: 'HIDDEN', limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      s.queries.aggregate(scientist, { experiment: 'HIDDEN', fromUs: 0n, toUs: 60_000_000n, stepUs: 60_000_000n, fn: 'avg' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.queries.listSeries(admin, 'HIDDEN')).resolves.toHaveLength(1);
  });

  it('takes the SCIENTIST role from the user, not from who they were: a demoted ADMIN is refused', async () => {
    const second = await s.createUser('ADMIN', 'second');
    const demoted = await s.users.update(admin, second.id, { role: 'SCIENTIST' });
    await expect(s.users.list(demoted, 10)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
