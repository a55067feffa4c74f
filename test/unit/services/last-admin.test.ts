import { ConflictError } from '../../../src/domain/errors';
import { inMemoryServices } from '../../support/in-memory-services';

/** Nobody could administer the platform again without an ADMIN: the last one cannot be erased or demoted (409). */
describe('the last ADMIN', () => {
  it('cannot be erased (409), and stays an ADMIN', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    await expect(s.users.erase(admin, admin.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(s.users.get(admin, admin.id)).resolves.toMatchObject({ role: 'ADMIN', erasedAt: null });
    expect(s.stores.audit.events.filter((e) => e.action === 'user.erase')).toHaveLength(0);
  });

  it('cannot be demoted to SCIENTIST (409)', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    await expect(s.users.update(admin, admin.id, { role: 'SCIENTIST' })).rejects.toBeInstanceOf(ConflictError);
    await expect(s.users.get(admin, admin.id)).resolves.toMatchObject({ role: 'ADMIN' });
  });

  it('may still change their other fields, and re-state their role', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    await expect(s.users.update(admin, admin.id, { name: 'Renamed', role: 'ADMIN' })).resolves.toMatchObject({ name: 'Renamed', role: 'ADMIN' });
  });

  it('is not the last while another active ADMIN exists: then either may be erased or demoted', async () => {
    const s = inMemoryServices();
    const first = await s.createUser('ADMIN', 'first');
    const second = await s.createUser('ADMIN', 'second');
    const third = await s.createUser('ADMIN', 'third');
    await s.users.update(first, second.id, { role: 'SCIENTIST' });
    await s.users.erase(first, third.id);
    await expect(s.users.get(first, third.id)).resolves.toMatchObject({ erasedAt: expect.any(Date) });
    await expect(s.users.erase(first, first.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('counts active ADMINs only: an erased ADMIN does not keep the last one removable', async () => {
    const s = inMemoryServices();
    const admin = await s.createUser('ADMIN');
    const gone = await s.createUser('ADMIN', 'gone');
    await s.users.erase(admin, gone.id);
    await expect(s.users.erase(admin, admin.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(s.users.update(admin, admin.id, { role: 'SCIENTIST' })).rejects.toBeInstanceOf(ConflictError);
  });
});
