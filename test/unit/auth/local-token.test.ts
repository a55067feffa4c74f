import { CompactSign, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { LocalTokenIssuer } from '../../../src/auth/local-token-issuer';
import { LocalTokenVerifier } from '../../../src/auth/local-token-verifier';
import { UnauthenticatedError } from '../../../src/domain/errors';
import { expectRefused, nowSeconds as now, unsignedToken } from '../../support/tokens';
import { testConfig } from '../../support/real-services';

describe('LocalTokenIssuer and LocalTokenVerifier', () => {
  const config = testConfig();
  const key = new TextEncoder().encode(config.auth.local.key);
  const issuer = new LocalTokenIssuer(config);
  const verifier = new LocalTokenVerifier(config);

  /** A token as the issuer would sign it, with claims changed: the way to test each claim on its own. */
  function signed(claims: Record<string, unknown>, alg = 'HS256', signingKey: Uint8Array = key): Promise<string> {
    const payload = {
      sub: 'alice',
      iss: config.auth.local.issuer,
      aud: config.auth.audience,
      iat: now(),
      exp: now() + 600,
      ...claims,
    };
    const defined = Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
    return new SignJWT(defined).setProtectedHeader({ alg, typ: 'JWT' }).sign(signingKey);
  }

  it('round-trips a token it issued to the username and its issue time', async () => {
    const token = await issuer.issue('alice');
    const identity = await verifier.verify(token);
    expect(identity).toEqual({ username: 'alice', issuedAt: decodeJwt(token).iat });
  });

  it('binds a token to the pseudonym it was issued for', async () => {
    const token = await issuer.issue('alice', undefined, 'p-alice');
    expect(decodeJwt(token).pseudonym).toBe('p-alice');
    await expect(verifier.verify(token)).resolves.toMatchObject({ username: 'alice', pseudonym: 'p-alice' });
    await expectRefused(verifier, await signed({ pseudonym: 42 }), 'token pseudonym invalid');
  });

  it('issues HS256 tokens with iss, aud, sub, iat and exp = iat + AUTH_TOKEN_TTL', async () => {
    const token = await issuer.issue('alice');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'alice', iss: 'mymonit-local', aud: 'mymonit' });
    expect(claims.exp! - claims.iat!).toBe(12 * 3600);
    expect(Math.abs(claims.iat! - now())).toBeLessThanOrEqual(2);
  });

  it('honours a ttl given for one token', async () => {
    const claims = decodeJwt(await issuer.issue('alice', '30m'));
    expect(claims.exp! - claims.iat!).toBe(1800);
  });

  it('refuses to issue for an empty username or with a ttl that is not a duration', async () => {
    await expect(issuer.issue('')).rejects.toThrow(TypeError);
    await expect(issuer.issue('alice', 'forever')).rejects.toThrow(TypeError);
  });

  it('refuses to issue a token that would live longer than AUTH_MAX_TOKEN_LIFETIME', async () => {
    await expect(issuer.issue('alice', '8d')).rejects.toThrow('ttl must not exceed AUTH_MAX_TOKEN_LIFETIME');
    await expect(issuer.issue('alice', '365000d')).rejects.toThrow(TypeError);
    const claims = decodeJwt(await issuer.issue('alice', '7d'));
    expect(claims.exp! - claims.iat!).toBe(7 * 86400);
  });

  it('refuses an expired token', async () => {
    await expectRefused(verifier, await signed({ iat: now() - 3600, exp: now() - 60 }), 'token expired');
  });

  it('tolerates clock skew up to AUTH_CLOCK_SKEW_SECONDS on exp', async () => {
    await expect(verifier.verify(await signed({ exp: now() - 30 }))).resolves.toMatchObject({ username: 'alice' });
  });

  it('refuses a token whose iat is ahead of the clock by more than AUTH_CLOCK_SKEW_SECONDS, accepts one within it', async () => {
    await expectRefused(verifier, await signed({ iat: now() + 3600, exp: now() + 7200 }), 'token issued in the future');
    await expect(verifier.verify(await signed({ iat: now() + 30 }))).resolves.toMatchObject({ username: 'alice' });
    const strict = new LocalTokenVerifier(testConfig({ AUTH_CLOCK_SKEW_SECONDS: '0' }));
    await expectRefused(strict, await signed({ iat: now() + 30 }), 'token issued in the future');
  });

  it('refuses a token without iat', async () => {
    await expectRefused(verifier, await signed({ iat: undefined }), 'token issue time missing or invalid');
  });

  it('refuses a token that lives longer than AUTH_MAX_TOKEN_LIFETIME (exp 1,000 years ahead)', async () => {
    await expectRefused(verifier, await signed({ exp: now() + 1000 * 365 * 86400 }), 'token lifetime exceeds the maximum');
    await expectRefused(verifier, await signed({ exp: now() + 7 * 86400 + 10 }), 'token lifetime exceeds the maximum');
    await expect(verifier.verify(await signed({ exp: now() + 7 * 86400 }))).resolves.toMatchObject({ username: 'alice' });
  });

  it('refuses a token signed with another key', async () => {
    const other = new LocalTokenIssuer(testConfig({ AUTH_LOCAL_KEY: 'another-signing-key-0123456789abcdef012345' }));
    await expectRefused(verifier, await other.issue('alice'), 'token signature invalid');
  });

  it('refuses a token for another audience', async () => {
    const other = new LocalTokenIssuer(testConfig({ AUTH_AUDIENCE: 'another-service' }));
    await expectRefused(verifier, await other.issue('alice'), 'token audience not accepted');
  });

  it('refuses a token from another issuer', async () => {
    const other = new LocalTokenIssuer(testConfig({ AUTH_LOCAL_ISSUER: 'someone-else' }));
    await expectRefused(verifier, await other.issue('alice'), 'token issuer not accepted');
  });

  it('refuses an unsigned (alg: none) token, however the header spells it', async () => {
    const payload = {
      sub: 'admin',
      iss: config.auth.local.issuer,
      aud: config.auth.audience,
      iat: now(),
      exp: now() + 600,
    };
    await expectRefused(verifier, unsignedToken(payload), 'unsigned tokens are refused');
    await expectRefused(verifier, unsignedToken(payload, { alg: 'NONE', typ: 'JWT' }), 'unsigned tokens are refused');
    await expectRefused(verifier, unsignedToken(payload, { typ: 'JWT' }), 'unsigned tokens are refused');
  });

  it('refuses a token signed with the right key but another HMAC algorithm', async () => {
    await expectRefused(verifier, await signed({}, 'HS512'), 'token uses a refused algorithm');
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'garbage'],
    ['two segments', 'abc.def'],
    ['three segments that are not JSON', 'abc.def.ghi'],
    ['an encrypted-token shape', 'a.b.c.d.e'],
    ['an over-long token', `${'a'.repeat(20000)}.b.c`],
  ])('refuses %s as malformed', async (_name, token) => {
    await expectRefused(verifier, token, 'token malformed');
  });

  it('refuses a correctly signed token whose payload is not a claims set', async () => {
    const token = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    await expectRefused(verifier, token, 'token malformed');
  });

  it('refuses a token without sub, or with an empty one', async () => {
    await expectRefused(verifier, await signed({ sub: undefined }), 'token subject missing');
    await expectRefused(verifier, await signed({ sub: '' }), 'token subject missing');
  });

  it('refuses a token without exp', async () => {
    await expectRefused(verifier, await signed({ exp: undefined }), 'token expiry missing or invalid');
  });

  it('refuses a token not yet valid', async () => {
    await expectRefused(verifier, await signed({ nbf: now() + 3600 }), 'token not yet valid');
  });

  it('never puts the token or a claim value in the refusal', async () => {
    const tokens = [
      await signed({ sub: 'secret-user', exp: now() - 60 }),
      await signed({ sub: 'secret-user', aud: 'secret-audience' }),
      await signed({ sub: 'secret-user', iss: 'secret-issuer' }),
    ];
    for (const token of tokens) {
      const error = (await verifier.verify(token).catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect(error.message).not.toMatch(/secret|eyJ/);
      expect(JSON.stringify(error)).not.toMatch(/secret|eyJ/);
    }
  });
});
