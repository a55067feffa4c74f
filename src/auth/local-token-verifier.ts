import { inject, injectable } from 'inversify';
import { jwtVerify } from 'jose';
import type { Config } from '../config';
import { UnauthenticatedError } from '../domain/errors';
import { TYPES } from '../identifiers';
import { refusalFromJose } from './jose-refusals';
import { loadLocalSigningKey } from './local-signing-key';
import { readProtectedHeader, requireSigned } from './token-header';
import { checkTokenTimes } from './token-times';
import type { TokenVerifier, VerifiedIdentity } from './token-verifier';

/** LocalTokenVerifier checks the HS256 tokens that LocalTokenIssuer signs (AUTH_MODE=local). */
@injectable()
export class LocalTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array;

  constructor(@inject(TYPES.Config) private readonly config: Config) {
    // Resolved here so that a missing or short key stops start-up rather than the first request.
    this.key = loadLocalSigningKey(config.auth.local);
  }

  async verify(token: string): Promise<VerifiedIdentity> {
    requireSigned(readProtectedHeader(token));
    try {
      const { payload } = await jwtVerify(token, this.key, {
        // The allow-list is what stops `alg: none` and algorithm-confusion tokens; HS256 is all we sign.
        algorithms: ['HS256'],
        issuer: this.config.auth.local.issuer,
        audience: this.config.auth.audience,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: this.config.auth.clockSkewSeconds,
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
        throw new UnauthenticatedError('token subject missing');
      }
      const issuedAt = checkTokenTimes(payload, this.config.auth);
      const { pseudonym } = payload;
      if (pseudonym === undefined) return { username: payload.sub, issuedAt };
      if (typeof pseudonym !== 'string' || pseudonym.length === 0) throw new UnauthenticatedError('token pseudonym invalid');
      return { username: payload.sub, issuedAt, pseudonym };
    } catch (error) {
      throw refusalFromJose(error) ?? error;
    }
  }
}
