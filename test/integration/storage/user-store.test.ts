import { ConflictError, ValidationError } from '../../../src/domain/errors';
import { User } from '../../../src/domain/user';
import { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlUserStore } from '../../../src/storage/mysql-user-store';
import { clockPast, waitFor } from '../../support/eventually';
import { createStorageFixture, insertUser, newUser, type StorageFixture } from './storage-fixture';

describe('MysqlUserStore', () => {
  let f: StorageFixture;

  beforeAll(async () => {
    f = await createStorageFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  it('inserts a user and returns it with its id, pseudonym and timestamps', async () => {
    const input = newUser({ role: 'ADMIN', name: 'Zoë Ørsted 🧪' });
    const before = Date.now();

    const user = await f.users.insert(input);

    expect(user).toBeInstanceOf(User);
    expect(user).toMatchObject({
      pseudonym: input.pseudonym,
      userId: input.userId,
      name: 'Zoë Ørsted 🧪',
      username: input.username,
      email: input.email,
      role: 'ADMIN',
      erasedAt: null,
    });
    expect(user.id).toBeGreaterThan(0);
    expect(user.isAdmin).toBe(true);
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(user.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(user.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(user.updatedAt).toEqual(user.createdAt);
    expect(await f.users.findById(user.id)).toEqual(user);
  });

  it('a taken username is a conflict whose message names the field, never the value', async () => {
    const existing = await insertUser(f);
    const attempt = f.users.insert(newUser({ username: existing.username ?? '' }));
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    const error = (await attempt.catch((e: unknown) => e)) as ConflictError;
    expect(error.message).toBe('username is already taken');
    expect(JSON.stringify({ message: error.message, details: error.details, stack: error.stack })).not.toContain(
      existing.username,
    );
  });

  it('a taken userId is a conflict', async () => {
    const existing = await insertUser(f);
    await expect(f.users.insert(newUser({ userId: existing.userId ?? '' }))).rejects.toThrow(
      new ConflictError('userId is already taken'),
    );
  });

  it('usernames are matched exactly: a different case is a different identity', async () => {
    const user = await insertUser(f, { username: `CaseSensitive-${Date.now()}` });
    const lower = (user.username ?? '').toLowerCase();
    expect(await f.users.findByUsername(lower)).toBeUndefined();
    const other = await f.users.insert(newUser({ username: lower }));
    expect(other.id).not.toBe(user.id);
    expect((await f.users.findByUsername(user.username ?? ''))?.id).toBe(user.id);
  });

  it('finds users by id and by username; unknown ones are undefined', async () => {
    const user = await insertUser(f);
    expect((await f.users.findByUsername(user.username ?? ''))?.id).toBe(user.id);
    expect(await f.users.findByUsername('nobody-has-this-uid')).toBeUndefined();
    expect(await f.users.findById(987654321)).toBeUndefined();
  });

  it('lists users by id in keyset pages, tombstones included', async () => {
    const created = [await insertUser(f), await insertUser(f), await insertUser(f), await insertUser(f)];
    await f.users.erase(created[1]!.id);
    const afterId = created[0]!.id - 1;

    const first = await f.users.list({ afterId, limit: 2 });
    const second = await f.users.list({ afterId: first[first.length - 1]!.id, limit: 2 });

    expect(first.map((u) => u.id)).toEqual([created[0]!.id, created[1]!.id]);
    expect(first[1]!.erasedAt).not.toBeNull();
    expect(second.map((u) => u.id)).toEqual([created[2]!.id, created[3]!.id]);
    expect(await f.users.list({ afterId: created[3]!.id, limit: 10 })).toEqual([]);
    const all = await f.users.list({ limit: 1000 });
    expect(all.map((u) => u.id)).toEqual([...all.map((u) => u.id)].sort((a, b) => a - b));
    expect(all.every((u) => u instanceof User)).toBe(true);
  });

  it('refuses a limit that is not a non-negative integer as a validation error (a 400, not a 500)', async () => {
    await expect(f.users.list({ limit: 2.5 })).rejects.toThrow(ValidationError);
    await expect(f.users.list({ limit: -1 })).rejects.toThrow(ValidationError);
  });

  it('updates only the given fields and moves updatedAt', async () => {
    const user = await insertUser(f);
    await clockPast(user.updatedAt);

    const updated = await f.users.update(user.id, { email: 'new@example.org', role: 'ADMIN', name: undefined });

    expect(updated).toMatchObject({
      id: user.id,
      email: 'new@example.org',
      role: 'ADMIN',
      name: user.name,
      username: user.username,
      userId: user.userId,
      createdAt: user.createdAt,
    });
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(user.updatedAt.getTime());
    expect(await f.users.findById(user.id)).toEqual(updated);
  });

  it('an update without changes returns the user as it is', async () => {
    const user = await insertUser(f);
    expect(await f.users.update(user.id, {})).toEqual(user);
  });

  it('an update to a taken username is a conflict and changes nothing', async () => {
    const a = await insertUser(f);
    const b = await insertUser(f);
    await expect(f.users.update(b.id, { username: a.username ?? '', name: 'changed' })).rejects.toThrow(
      new ConflictError('username is already taken'),
    );
    expect(await f.users.findById(b.id)).toEqual(b);
  });

  it('updating a missing user returns undefined', async () => {
    expect(await f.users.update(987654321, { name: 'ghost' })).toBeUndefined();
  });

  it('erasing a user keeps the pseudonym and wipes personal data', async () => {
    const user = await insertUser(f, { role: 'ADMIN' });

    const erased = await f.users.erase(user.id);

    expect(erased).toMatchObject({
      id: user.id,
      pseudonym: user.pseudonym,
      role: 'ADMIN',
      name: null,
      email: null,
      username: null,
      userId: null,
      createdAt: user.createdAt,
    });
    expect(erased?.erasedAt).toBeInstanceOf(Date);
    expect(erased?.isAdmin).toBe(false);
    const [row] = await f.rows<Record<string, unknown>>('SELECT * FROM users WHERE id = ?', [user.id]);
    expect(Object.values(row!)).not.toContain(user.name);
    expect(Object.values(row!)).not.toContain(user.email);
    expect(Object.values(row!)).not.toContain(user.username);
  });

  it('an erased user is never found by its former username, and the username can be reused', async () => {
    const user = await insertUser(f);
    await f.users.erase(user.id);
    expect(await f.users.findByUsername(user.username ?? '')).toBeUndefined();
    const successor = await f.users.insert(newUser({ username: user.username ?? '', userId: user.userId ?? '' }));
    expect(successor.id).not.toBe(user.id);
  });

  it('erasing twice keeps the first erasure time; erasing a missing user returns undefined', async () => {
    const user = await insertUser(f);
    const first = await f.users.erase(user.id);
    await clockPast(first?.erasedAt ?? Date.now());
    const second = await f.users.erase(user.id);
    expect(second?.erasedAt).toEqual(first?.erasedAt);
    expect(await f.users.erase(987654321)).toBeUndefined();
  });

  it('a tombstone cannot be given personal data again', async () => {
    const user = await insertUser(f);
    await f.users.erase(user.id);
    expect(await f.users.update(user.id, { name: 'Back again', email: 'again@example.org' })).toBeUndefined();
    expect((await f.users.findById(user.id))?.name).toBeNull();
  });

  it('counts active admins only: scientists and erased admins do not count', async () => {
    const before = await f.users.countAdmins();
    const a = await insertUser(f, { role: 'ADMIN' });
    await insertUser(f, { role: 'ADMIN' });
    await insertUser(f, { role: 'SCIENTIST' });
    expect(await f.users.countAdmins()).toBe(before + 2);
    await f.users.erase(a.id);
    expect(await f.users.countAdmins()).toBe(before + 1);
  });

  it('inside transactions, counting admins serialises two admins removing each other', async () => {
    const other = new MysqlDatabase(f.config);
    const otherUsers = new MysqlUserStore(other);
    try {
      const admins = await f.users.list({ limit: 10_000 });
      for (const admin of admins.filter((u) => u.isAdmin)) await f.users.update(admin.id, { role: 'SCIENTIST' });
      const a = await insertUser(f, { role: 'ADMIN' });
      const b = await insertUser(f, { role: 'ADMIN' });
      const order: string[] = [];
      let releaseA!: () => void;
      const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));

      // Each one erases the other only when another admin would be left.
      const removeA = f.db.inTransaction(async () => {
        const count = await f.users.countAdmins();
        order.push(`A counted ${count}`);
        await aMayFinish;
        if (count > 1) await f.users.erase(b.id);
      });
      await waitFor('A to count', () => order.length === 1);
      const removeB = other.inTransaction(async () => {
        const count = await otherUsers.countAdmins();
        order.push(`B counted ${count}`);
        if (count > 1) await otherUsers.erase(a.id);
      });
      // B's locking count is running and has not returned (A's returned before B started): B waits for A.
      await waitFor(
        'B to wait for the lock A holds',
        async () => order.length === 1 && (await f.runningStatements('SELECT COUNT(*) AS admins')) >= 1,
        40_000,
      );
      releaseA();
      await Promise.all([removeA, removeB]);

      expect(order).toEqual(['A counted 2', 'B counted 1']);
      expect(await f.users.countAdmins()).toBe(1);
    } finally {
      await other.close();
    }
  });
});
