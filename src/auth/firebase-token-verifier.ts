import type { Auth } from 'firebase-admin/auth';
import { inject, injectable } from 'inversify';
import { ConfigError, type Config } from '../config';
import { UnauthenticatedError } from '../domain/errors';
import { TYPES } from '../identifiers';
import { errorFromFirebase } from './firebase-refusals';
import { readProtectedHeader, requireSigned } from './token-header';
import { checkTokenTimes, type TokenTimePolicy } from './token-times';
import type { TokenVerifier, VerifiedIdentity } from './token-verifier';

/** FirebaseTokenVerifier checks Firebase ID tokens with firebase-admin and maps their uid to the username. */
@injectable()
export class FirebaseTokenVerifier implements TokenVerifier {
  private readonly auth: Auth;
  private readonly emulator: boolean;
  private readonly times: TokenTimePolicy;

  constructor(@inject(TYPES.Config) config: Config) {
    const { projectId, emulatorHost } = config.auth.firebase;
    // loadConfig refuses this too; a second lock because firebase-admin then accepts unsigned tokens.
    if (emulatorHost && config.env === 'production') {
      throw new ConfigError(
        'FIREBASE_AUTH_EMULATOR_HOST: the auth emulator accepts unsigned tokens and is refused with ' +
          'NODE_ENV=production',
      );
    }
    if (!projectId) throw new ConfigError('FIREBASE_PROJECT_ID: required when AUTH_MODE=firebase');
    this.emulator = Boolean(emulatorHost);
    this.times = config.auth;
    // A named app per project and emulator, not the default app, so that several configurations (tests)
    // live side by side: firebase-admin caches the emulator address in the app's Auth on first use. No
    // credential is passed: firebase-admin then uses application default credentials (it reads
    // GOOGLE_APPLICATION_CREDENTIALS itself), and verifying ID tokens needs none, only Google's public keys.
    // Loaded here rather than imported: firebase-admin costs ~20 MB of memory in every process otherwise,
    // and only AUTH_MODE=firebase in a process that serves REST needs it (a consumer never does).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { getApps, initializeApp } = require('firebase-admin/app') as typeof import('firebase-admin/app');
    const { getAuth } = require('firebase-admin/auth') as typeof import('firebase-admin/auth');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const name = emulatorHost ? `mymonit-auth:${projectId}:emulator:${emulatorHost}` : `mymonit-auth:${projectId}`;
    const app = getApps().find((candidate) => candidate.name === name) ?? initializeApp({ projectId }, name);
    this.auth = getAuth(app);
  }

  async verify(token: string): Promise<VerifiedIdentity> {
    const header = readProtectedHeader(token);
    if (!this.emulator) {
      // firebase-admin checks these too, but it also switches to accepting unsigned tokens whenever
      // FIREBASE_AUTH_EMULATOR_HOST is set in its environment: refuse them here, whatever it does.
      requireSigned(header);
      if (header.alg !== 'RS256') throw new UnauthenticatedError('token uses a refused algorithm');
      if (typeof header.kid !== 'string' || header.kid.length === 0) {
        throw new UnauthenticatedError('token key id missing');
      }
    }
    let decoded: Awaited<ReturnType<Auth['verifyIdToken']>>;
    try {
      decoded = await this.auth.verifyIdToken(token);
    } catch (error) {
      throw errorFromFirebase(error);
    }
    // firebase-admin checks exp but neither a future iat nor the lifetime: Google's own tokens live 1 h.
    return { username: decoded.uid, issuedAt: checkTokenTimes(decoded, this.times) };
  }
}
