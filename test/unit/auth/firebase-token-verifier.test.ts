import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deleteApp, getApps } from 'firebase-admin/app';
import { Auth } from 'firebase-admin/auth';
import { FirebaseTokenVerifier } from '../../../src/auth/firebase-token-verifier';
import { IdentityProviderUnavailableError } from '../../../src/auth/identity-provider-unavailable';
import { ConfigError } from '../../../src/config';
import { UnauthenticatedError } from '../../../src/domain/errors';
import { expectRefused, nowSeconds as now, unsignedToken } from '../../support/tokens';
import { testConfig } from '../../support/real-services';

const PROJECT_ID = 'demo-mymonit';
/** An ID token as the Auth emulator issues it: unsigned, aud = project id, iss = securetoken + project id. */
function emulatorToken(claims: Record<string, unknown> = {}, header?: Record<string, unknown>): string {
  const uid = (claims.sub as string | undefined) ?? 'uid-alice';
  return unsignedToken(
    {
      iss: `https://securetoken.google.com/${PROJECT_ID}`,
      aud: PROJECT_ID,
      auth_time: now() - 10,
      user_id: uid,
      sub: uid,
      iat: now() - 10,
      exp: now() + 3600,
      firebase: { identities: {}, sign_in_provider: 'anonymous' },
      ...claims,
    },
    header,
  );
}

/**
 * A stand-in for the Auth emulator's user lookup, the one call firebase-admin makes in emulator mode (it
 * checks that the uid exists and is not disabled). The real emulator is a Java download that a machine
 * without outside access cannot fetch.
 */
function startEmulatorStub(users: Record<string, { disabled?: boolean }>) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      if (req.url !== `/identitytoolkit.googleapis.com/v1/projects/${PROJECT_ID}/accounts:lookup`) {
        res.writeHead(404).end();
        return;
      }
      const [uid] = (JSON.parse(body) as { localId: string[] }).localId;
      const user = users[uid!];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(user ? { users: [{ localId: uid, disabled: user.disabled ?? false }] } : {}));
    });
  });
  return new Promise<{ host: string; requests: string[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        host: `127.0.0.1:${port}`,
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

describe('FirebaseTokenVerifier', () => {
  const savedEmulatorHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  let stub: Awaited<ReturnType<typeof startEmulatorStub>>;

  beforeAll(async () => {
    stub = await startEmulatorStub({ 'uid-alice': {}, 'uid-disabled': { disabled: true } });
  });
  afterEach(() => {
    // firebase-admin reads the variable itself, on every call: each test sets what it needs.
    if (savedEmulatorHost === undefined) delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    else process.env.FIREBASE_AUTH_EMULATOR_HOST = savedEmulatorHost;
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await Promise.all(getApps().map((app) => deleteApp(app)));
    await stub.close();
  });

  describe('in emulator mode (NODE_ENV=test)', () => {
    let verifier: FirebaseTokenVerifier;

    beforeEach(() => {
      process.env.FIREBASE_AUTH_EMULATOR_HOST = stub.host;
      verifier = new FirebaseTokenVerifier(
        testConfig({ AUTH_MODE: 'firebase', FIREBASE_PROJECT_ID: PROJECT_ID, FIREBASE_AUTH_EMULATOR_HOST: stub.host }),
      );
    });

    it('accepts an unsigned emulator token and yields its uid', async () => {
      await expect(verifier.verify(emulatorToken())).resolves.toMatchObject({ username: 'uid-alice' });
      expect(stub.requests).toContain(`POST /identitytoolkit.googleapis.com/v1/projects/${PROJECT_ID}/accounts:lookup`);
    });

    it('refuses an emulator token issued in the future beyond the clock skew, or living past the maximum', async () => {
      await expectRefused(verifier, emulatorToken({ iat: now() + 3600, exp: now() + 7200 }), 'token issued in the future');
      await expectRefused(verifier, emulatorToken({ exp: now() + 1000 * 365 * 86400 }), 'token lifetime exceeds the maximum');
    });

    it('refuses an expired emulator token', async () => {
      await expectRefused(verifier, emulatorToken({ iat: now() - 7200, exp: now() - 3600 }), 'token expired');
    });

    it('refuses an emulator token for another project (audience)', async () => {
      await expectRefused(verifier, emulatorToken({ aud: 'another-project' }), 'token audience not accepted');
    });

    it('refuses an emulator token from another issuer', async () => {
      const token = emulatorToken({ iss: 'https://securetoken.google.com/another-project' });
      await expectRefused(verifier, token, 'token issuer not accepted');
    });

    it('refuses an emulator token without sub', async () => {
      await expectRefused(verifier, emulatorToken({ sub: '' }), 'token subject missing');
    });

    it('refuses the token of a uid the emulator does not know, or of a disabled account', async () => {
      await expectRefused(verifier, emulatorToken({ sub: 'uid-nobody' }), 'token subject unknown');
      await expectRefused(verifier, emulatorToken({ sub: 'uid-disabled' }), 'account disabled');
    });

    it('refuses garbage as malformed', async () => {
      await expectRefused(verifier, 'garbage', 'token malformed');
      await expectRefused(verifier, 'abc.def.', 'token malformed');
    });

    it('reports an unreachable emulator as unavailable, not as a bad token', async () => {
      const gone = await startEmulatorStub({});
      await gone.close();
      process.env.FIREBASE_AUTH_EMULATOR_HOST = gone.host;
      // A verifier of its own: firebase-admin keeps the emulator address an Auth instance first used.
      const unreachable = new FirebaseTokenVerifier(
        testConfig({ AUTH_MODE: 'firebase', FIREBASE_PROJECT_ID: PROJECT_ID, FIREBASE_AUTH_EMULATOR_HOST: gone.host }),
      );
      const error = await unreachable.verify(emulatorToken()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
      expect(error).not.toBeInstanceOf(UnauthenticatedError);
    });
  });

  describe('without emulator', () => {
    const config = testConfig({ AUTH_MODE: 'firebase', FIREBASE_PROJECT_ID: PROJECT_ID });

    it.each([
      ['alg none', emulatorToken({}, { alg: 'none', typ: 'JWT' }), 'unsigned tokens are refused'],
      ['no alg', emulatorToken({}, { typ: 'JWT' }), 'unsigned tokens are refused'],
      ['no kid', emulatorToken({}, { alg: 'RS256', typ: 'JWT' }), 'token key id missing'],
      ['HS256', emulatorToken({}, { alg: 'HS256', kid: 'k1', typ: 'JWT' }), 'token uses a refused algorithm'],
      ['ES256', emulatorToken({}, { alg: 'ES256', kid: 'k1', typ: 'JWT' }), 'token uses a refused algorithm'],
    ])('refuses a token with %s before firebase-admin sees it', async (_name, token, message) => {
      const firebase = jest.spyOn(Auth.prototype, 'verifyIdToken');
      await expectRefused(new FirebaseTokenVerifier(config), token, message);
      expect(firebase).not.toHaveBeenCalled();
    });

    it('refuses an unsigned token even with FIREBASE_AUTH_EMULATOR_HOST in the environment', async () => {
      // firebase-admin would now accept it (and ask the emulator about the uid); the config says no emulator.
      process.env.FIREBASE_AUTH_EMULATOR_HOST = stub.host;
      const firebase = jest.spyOn(Auth.prototype, 'verifyIdToken');
      const before = stub.requests.length;
      await expectRefused(new FirebaseTokenVerifier(config), emulatorToken(), 'unsigned tokens are refused');
      expect(firebase).not.toHaveBeenCalled();
      expect(stub.requests.length).toBe(before);
    });
  });

  describe('configuration', () => {
    const emulatorOverrides = {
      AUTH_MODE: 'firebase',
      FIREBASE_PROJECT_ID: PROJECT_ID,
      FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099',
    };

    it('is refused by loadConfig in production, naming FIREBASE_AUTH_EMULATOR_HOST', () => {
      expect(() => testConfig({ ...emulatorOverrides, NODE_ENV: 'production' })).toThrow(ConfigError);
      expect(() => testConfig({ ...emulatorOverrides, NODE_ENV: 'production' })).toThrow(
        /FIREBASE_AUTH_EMULATOR_HOST/,
      );
    });

    it('is refused by the constructor when handed a production config in emulator mode directly', () => {
      const config = { ...testConfig(emulatorOverrides), env: 'production' as const };
      expect(() => new FirebaseTokenVerifier(config)).toThrow(ConfigError);
      expect(() => new FirebaseTokenVerifier(config)).toThrow(/FIREBASE_AUTH_EMULATOR_HOST/);
    });

    it('requires a project id', () => {
      expect(() => new FirebaseTokenVerifier(testConfig({ AUTH_MODE: 'firebase' }))).toThrow(/FIREBASE_PROJECT_ID/);
    });

    it('lets several verifiers of one project live side by side', () => {
      const config = testConfig({ AUTH_MODE: 'firebase', FIREBASE_PROJECT_ID: PROJECT_ID });
      expect(() => [new FirebaseTokenVerifier(config), new FirebaseTokenVerifier(config)]).not.toThrow();
    });
  });
});
