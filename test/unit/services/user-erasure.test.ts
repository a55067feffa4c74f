import { ConflictError, NotFoundError } from '../../../src/domain/errors';
import { inMemoryServices } from '../../support/in-memory-services';

/**
 * Erasing a user wipes name, email, username and institute id and keeps a pseudonymous tombstone that the
 * audit trail points to; the tombstone is never changed again nor associated with anything.
 */
describe('erasing a user', () => {
  it('wipes the personal fields, keeps id, pseudonym and role, and audits it by pseudonym', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    const jim = await s.createUser('SCIENTIST', 'jim');
    await s.users.erase(admin, jim.id);
    const tombstone = await s.users.get(admin, jim.id);
    expect(tombstone).toMatchObject({ id: jim.id, pseudonym: jim.pseudonym, role: 'SCIENTIST', name: null, email: null, username: null, userId: null });
    expect(tombstone.erasedAt).toBeInstanceOf(Date);
    const erasure = s.stores.audit.events.find((e) => e.action === 'user.erase');
    expect(erasure).toMatchObject({ resourceType: 'user', resourceId: jim.pseudonym, outcome: 'success' });
    expect(JSON.stringify(s.stores.audit.events)).not.toContain('jim-');
  });

  it('is idempotent: erasing a tombstone again changes nothing and audits nothing', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    const jim = await s.createUser('SCIENTIST', 'jim');
    await s.users.erase(admin, jim.id);
    const events = s.stores.audit.events.length;
    await s.users.erase(admin, jim.id);
    expect(s.stores.audit.events).toHaveLength(events);
  });

  it('frees the username: an erased user is no longer authenticated by it', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    const jim = await s.createUser('SCIENTIST', 'jim');
    await s.users.erase(admin, jim.id);
    await expect(s.users.authenticate(jim.username ?? '')).resolves.toBeUndefined();
  });

  it('refuses to update an erased user (409)', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    const jim = await s.createUser('SCIENTIST', 'jim');
    await s.users.erase(admin, jim.id);
    await expect(s.users.update(admin, jim.id, { name: 'Back Again' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('treats an erased user as missing when associating them with an experiment (404)', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    const jim = await s.createUser('SCIENTIST', 'jim');
    await s.experiments.create(admin, { code: 'EXP', name: 'an experiment' });
    await s.users.erase(admin, jim.id);
    await expect(s.experiments.associate(admin, 'EXP', jim.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers 404 for a user that never existed', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    await expect(s.users.erase(admin, 9999)).rejects.toBeInstanceOf(NotFoundError);
  });
});
