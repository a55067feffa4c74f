import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { IdentityProviderUnavailableError } from '../../../src/auth/identity-provider-unavailable';
import { OidcTokenVerifier } from '../../../src/auth/oidc-token-verifier';
import { ConfigError } from '../../../src/config';
import { expectRefused, nowSeconds as now, unsignedToken } from '../../support/tokens';
import { testConfig } from '../../support/real-services';

const ISSUER = 'https://issuer.example.test/realms/mymonit';
const AUDIENCE = 'mymonit-api';
/** A real HTTP server publishing a JWKS, as an OIDC issuer does. */
function serveJwks(keys: JWK[]) {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  return new Promise<{ url: string; fetches: () => number; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/jwks.json`,
        fetches: () => fetches,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

describe('OidcTokenVerifier against a JWKS served over HTTP', () => {
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let verifier: OidcTokenVerifier;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    stranger = await generateKeyPair('RS256', { extractable: true });
    jwks = await serveJwks([
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ]);
    verifier = new OidcTokenVerifier(
      testConfig({
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: ISSUER,
        OIDC_AUDIENCE: AUDIENCE,
        OIDC_JWKS_URL: jwks.url,
        OIDC_USERNAME_CLAIM: 'preferred_username',
      }),
    );
  });
  afterAll(() => jwks.close());

  /** A token as the issuer signs it, with claims and header changed as a test needs. */
  function signed(
    claims: Record<string, unknown> = {},
    header: { alg: string; kid?: string } = { alg: 'RS256', kid: 'rsa-1' },
    key: CryptoKey | Uint8Array = rsa.privateKey,
  ): Promise<string> {
    const payload = {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: '4c1f6a52-subject',
      preferred_username: 'alice',
      iat: now(),
      exp: now() + 300,
      ...claims,
    };
    const defined = Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
    return new SignJWT(defined).setProtectedHeader({ typ: 'JWT', ...header }).sign(key);
  }

  it('accepts a valid RS256 token and takes the username from the configured claim', async () => {
    await expect(verifier.verify(await signed())).resolves.toMatchObject({ username: 'alice' });
    expect(jwks.fetches()).toBeGreaterThanOrEqual(1);
  });

  it('accepts a valid ES256 token signed with another key of the set', async () => {
    const token = await signed({}, { alg: 'ES256', kid: 'ec-1' }, ec.privateKey);
    await expect(verifier.verify(token)).resolves.toMatchObject({ username: 'alice' });
  });

  it('falls back to AUTH_AUDIENCE and to sub when OIDC_AUDIENCE and OIDC_USERNAME_CLAIM are not set', async () => {
    const defaults = new OidcTokenVerifier(
      testConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: ISSUER, OIDC_JWKS_URL: jwks.url, AUTH_AUDIENCE: 'mymonit' }),
    );
    await expect(defaults.verify(await signed({ aud: 'mymonit' }))).resolves.toMatchObject({ username: '4c1f6a52-subject' });
    await expectRefused(defaults, await signed(), 'token audience not accepted');
  });

  it('refuses an expired token', async () => {
    await expectRefused(verifier, await signed({ iat: now() - 3600, exp: now() - 60 }), 'token expired');
  });

  it('refuses a token for another audience', async () => {
    await expectRefused(verifier, await signed({ aud: 'another-api' }), 'token audience not accepted');
  });

  it('refuses a token from another issuer', async () => {
    await expectRefused(verifier, await signed({ iss: 'https://evil.example.test/' }), 'token issuer not accepted');
  });

  it('refuses a token signed with a key the set does not hold (unknown kid)', async () => {
    const token = await signed({}, { alg: 'RS256', kid: 'not-in-the-set' }, stranger.privateKey);
    await expectRefused(verifier, token, 'token signing key not recognised');
  });

  it('refuses a token that names a known kid but was signed with another key', async () => {
    const token = await signed({}, { alg: 'RS256', kid: 'rsa-1' }, stranger.privateKey);
    await expectRefused(verifier, token, 'token signature invalid');
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const payload = { iss: ISSUER, aud: AUDIENCE, preferred_username: 'alice', iat: now(), exp: now() + 300 };
    await expectRefused(verifier, unsignedToken(payload), 'unsigned tokens are refused');
    await expectRefused(verifier, unsignedToken(payload, { alg: 'none', kid: 'rsa-1' }), 'unsigned tokens are refused');
  });

  it('refuses an HS256 token "signed" with the public key (algorithm confusion)', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const jwkBytes = new TextEncoder().encode(JSON.stringify(await exportJWK(rsa.publicKey)));
    const refused = 'token uses a refused algorithm';
    await expectRefused(verifier, await signed({}, { alg: 'HS256', kid: 'rsa-1' }, pem), refused);
    await expectRefused(verifier, await signed({}, { alg: 'HS256' }, jwkBytes), refused);
  });

  it('refuses a token without the username claim, or with an empty or non-string one', async () => {
    await expectRefused(verifier, await signed({ preferred_username: undefined }), 'token username claim missing');
    await expectRefused(verifier, await signed({ preferred_username: '' }), 'token username claim missing');
    await expectRefused(verifier, await signed({ preferred_username: 42 }), 'token username claim missing');
  });

  it('refuses a token without exp', async () => {
    await expectRefused(verifier, await signed({ exp: undefined }), 'token expiry missing or invalid');
  });

  it('refuses a token without iat', async () => {
    await expectRefused(verifier, await signed({ iat: undefined }), 'token issue time missing or invalid');
  });

  it('refuses a token whose iat is ahead of the clock by more than AUTH_CLOCK_SKEW_SECONDS, accepts one within it', async () => {
    await expectRefused(verifier, await signed({ iat: now() + 3600, exp: now() + 7200 }), 'token issued in the future');
    await expect(verifier.verify(await signed({ iat: now() + 30 }))).resolves.toMatchObject({ username: 'alice' });
  });

  it('refuses a token that lives longer than AUTH_MAX_TOKEN_LIFETIME', async () => {
    await expectRefused(verifier, await signed({ exp: now() + 1000 * 365 * 86400 }), 'token lifetime exceeds the maximum');
  });

  it('refuses garbage as malformed', async () => {
    await expectRefused(verifier, 'garbage', 'token malformed');
    await expectRefused(verifier, 'abc.def.ghi', 'token malformed');
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const gone = await serveJwks([]);
    await gone.close();
    const unreachable = new OidcTokenVerifier(
      testConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: gone.url }),
    );
    const error = await unreachable.verify(await signed()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
  });

  it('requires OIDC_ISSUER and OIDC_JWKS_URL when handed a config without them', () => {
    const config = testConfig();
    expect(() => new OidcTokenVerifier(config)).toThrow(ConfigError);
    const withIssuer = { ...config, auth: { ...config.auth, oidc: { ...config.auth.oidc, issuer: ISSUER } } };
    expect(() => new OidcTokenVerifier(withIssuer)).toThrow(/OIDC_JWKS_URL/);
  });
});
