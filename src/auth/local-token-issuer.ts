import { inject, injectable } from 'inversify';
import { SignJWT } from 'jose';
import { durationSeconds, type Config } from '../config';
import { TYPES } from '../identifiers';
import { loadLocalSigningKey } from './local-signing-key';
import type { TokenIssuer } from './token-verifier';

/** LocalTokenIssuer signs HS256 tokens for `mymonit token <username>` in AUTH_MODE=local. */
@injectable()
export class LocalTokenIssuer implements TokenIssuer {
  private readonly key: Uint8Array;

  constructor(@inject(TYPES.Config) private readonly config: Config) {
    this.key = loadLocalSigningKey(config.auth.local);
  }

  /**
   * ttl is a duration such as '12h' (AUTH_TOKEN_TTL's form), at most AUTH_MAX_TOKEN_LIFETIME; a token never
   * outlives it. With the user's pseudonym the token is bound to that user, not just to the name.
   */
  async issue(username: string, ttl: string = this.config.auth.local.tokenTtl, pseudonym?: string): Promise<string> {
    if (username.length === 0) throw new TypeError('username must not be empty');
    const seconds = durationSeconds(ttl);
    if (Number.isNaN(seconds)) throw new TypeError('ttl must be a duration such as 12h');
    if (seconds > this.config.auth.maxTokenLifetimeSeconds) {
      throw new TypeError('ttl must not exceed AUTH_MAX_TOKEN_LIFETIME');
    }
    return new SignJWT(pseudonym === undefined ? {} : { pseudonym })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(username)
      .setIssuer(this.config.auth.local.issuer)
      .setAudience(this.config.auth.audience)
      .setIssuedAt()
      .setExpirationTime(`${seconds}s`)
      .sign(this.key);
  }
}
