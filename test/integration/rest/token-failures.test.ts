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

  const sign = (claims: { aud?: string; iss?: string; exp?: number | string; iat?: number }, key = KEY) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(username)
      .setIssuer(claims.iss ?? 'mymonit-local')
      .setAudience(claims.aud ?? 'mymonit')
      .setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp ?? '1h')
      .sign(key);
  const now = () => Math.floor(Date.now() / 1000);

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
    ['a token issued in the future (iat beyond the clock skew)', async () => ({ authorization: `Bearer ${await sign({ iat: now() + 3600, exp: now() + 7200 })}` })],
    ['a token living 1,000 years', async () => ({ authorization: `Bearer ${await sign({ exp: now() + 1000 * 365 * 86400 })}` })],
    ['a valid token of an identity with no MyMONIT user', async () => ({ authorization: `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ghost').setIssuer('mymonit-local').setAudience('mymonit').setIssuedAt().setExpirationTime('1h').sign(KEY)}` })],
  ];

  it.each(cases)('%s', async (_label, headers) => {
    const response = await call(p.baseUrl, 'GET', '/me', { headers: await headers() });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ type: 'https://mymonit.dev/problems/unauthenticated', status: 401 });
    expect(JSON.stringify(response.body)).not.toContain('eyJ');
    // RFC 6750 §3: every 401 challenges; error="invalid_token" only where a bearer token was presented.
    const challenge = response.headers.get('www-authenticate');
    const presented = /^bearer /i.test((await headers()).authorization ?? '');
    expect(challenge).toMatch(presented ? /^Bearer realm="mymonit", error="invalid_token", error_description="[^"]+"$/ : /^Bearer realm="mymonit"$/);
  });

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the %s scheme (case-insensitive, RFC 9110)', async (scheme) => {
    const response = await call(p.baseUrl, 'GET', '/me', { headers: { authorization: `${scheme} ${await sign({})}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('accepts the same token when it is valid', async () => {
    const response = await call(p.baseUrl, 'GET', '/me', { headers: { authorization: `Bearer ${await sign({})}` } });
    expect(response.status).toBe(200);
  });
});
