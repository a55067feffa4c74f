import { SignJWT } from 'jose';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

const KEY = new TextEncoder().encode('test-signing-key-0123456789abcdef0123456789');
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Every refused token is a 401 problem+json over real HTTP, and is audited. */
describe('REST refuses bad tokens with 401', () => {
  let p: TestPlatform;
  let username: string;

  beforeAll(async () => {
    p = await startPlatform();
    username = p.admin.username as string;
  });
  afterAll(() => p.stop());

  const sign = (claims: { aud?: string; iss?: string; exp?: number | string }, key = KEY) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(username)
      .setIssuer(claims.iss ?? 'mymonit-local')
      .setAudience(claims.aud ?? 'mymonit')
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? '1h')
      .sign(key);

  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['a non-bearer scheme', async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
    ['a malformed token', async () => ({ authorization: 'Bearer not-a-jwt' })],
    ['an expired token', async () => ({ authorization: `Bearer ${await sign({ exp: Math.floor(Date.now() / 1000) - 3600 })}` })],
    ['a token signed with another key', async () => ({ authorization: `Bearer ${await sign({}, new TextEncoder().encode('another-key-another-key-another-key-0000'))}` })],
    ['a token for another audience', async () => ({ authorization: `Bearer ${await sign({ aud: 'someone-else' })}` })],
    ['a token from another issuer', async () => ({ authorization: `Bearer ${await sign({ iss: 'https://evil.example' })}` })],
    [
      'an unsigned token (alg: none)',
      async () => ({
        authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: username, aud: 'mymonit', iss: 'mymonit-local', exp: Math.floor(Date.now() / 1000) + 3600 })}.`,
      }),
    ],
    ['a valid token of an identity with no MyMONIT user', async () => ({ authorization: `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ghost').setIssuer('mymonit-local').setAudience('mymonit').setExpirationTime('1h').sign(KEY)}` })],
  ];

  it.each(cases)('%s', async (_label, headers) => {
    const response = await call(p.baseUrl, 'GET', '/me', { headers: await headers() });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ type: 'https://mymonit.dev/problems/unauthenticated', status: 401 });
    expect(JSON.stringify(response.body)).not.toContain('eyJ');
  });

  it('accepts the same token when it is valid', async () => {
    const response = await call(p.baseUrl, 'GET', '/me', { headers: { authorization: `Bearer ${await sign({})}` } });
    expect(response.status).toBe(200);
  });
});
