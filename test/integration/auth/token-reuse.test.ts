import mysql from 'mysql2/promise';
import { SignJWT } from 'jose';
import { TYPES } from '../../../src/identifiers';
import type { UserService } from '../../../src/services/user-service';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

const KEY = new TextEncoder().encode('test-signing-key-0123456789abcdef0123456789');

/**
 * A username passes to someone new after an erasure or a rename; a token issued for its former holder must
 * not log in as the new one, over the real REST API and MariaDB.
 */
describe('a token belongs to the user it was issued for, not to whoever holds the username now', () => {
  let p: TestPlatform;
  let adminToken: string;
  let users: UserService;
  let n = 0;

  beforeAll(async () => {
    p = await startPlatform();
    adminToken = await p.tokenFor(p.admin);
    users = p.container.get<UserService>(TYPES.UserService);
  });
  afterAll(() => p.stop());

  const create = (username: string) => {
    n += 1;
    return users.createFromCli({ userId: `R${n}`, name: `Reuse ${n}`, username, email: `reuse${n}@example.org`, role: 'SCIENTIST' });
  };
  const me = (token: string) => call(p.baseUrl, 'GET', '/me', { token });
  const erase = async (id: number) => expect((await call(p.baseUrl, 'DELETE', `/users/${id}`, { token: adminToken })).status).toBe(204);

  /** Moves a user's creation back in time, as if it had been created long before the test. */
  async function backdate(id: number, seconds: number): Promise<void> {
    const { host, port, user, password, database } = p.config.db;
    const connection = await mysql.createConnection({ host, port, user, password, database });
    await connection.query('UPDATE users SET created_at = created_at - INTERVAL ? SECOND WHERE id = ?', [seconds, id]);
    await connection.end();
  }

  it('refuses a token bound to an erased user when the username is given to a new user', async () => {
    const former = await create('reused-by-erasure');
    const token = await p.tokenFor(former);
    expect((await me(token)).status).toBe(200);
    await erase(former.id);
    const successor = await create('reused-by-erasure');

    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const own = await me(await p.tokenFor(successor));
    expect(own.status).toBe(200);
    expect(own.body.pseudonym).toBe(successor.pseudonym);
  });

  it('refuses a token bound to a user whose username was renamed onto another user', async () => {
    const former = await create('reused-by-rename');
    const token = await p.tokenFor(former);
    await erase(former.id);
    const other = await create('someone-else');
    expect((await call(p.baseUrl, 'PATCH', `/users/${other.id}`, { token: adminToken, body: { username: 'reused-by-rename' } })).status).toBe(200);
    expect((await me(token)).status).toBe(401);
  });

  it('refuses a token without a user binding issued before the current holder of the username was created', async () => {
    const former = await create('reused-unbound');
    await backdate(former.id, 7200);
    const issuedAt = Math.floor(Date.now() / 1000) - 3600;
    const unbound = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('reused-unbound')
      .setIssuer('mymonit-local')
      .setAudience('mymonit')
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 7200)
      .sign(KEY);
    expect((await me(unbound)).status).toBe(200);
    await erase(former.id);
    await create('reused-unbound');
    expect((await me(unbound)).status).toBe(401);
  });
});
