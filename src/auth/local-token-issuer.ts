import { inject, injectable } from 'inversify';
import { SignJWT } from 'jose';
import type { Config } from '../config';
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

  /** ttl is a duration such as '12h' (AUTH_TOKEN_TTL's form); a token never outlives it. */
  async issue(username: string, ttl: string = this.config.auth.local.tokenTtl): Promise<string> {
    if (username.length === 0) throw new TypeError('username must not be empty');
    if (!/^\d+[smhd]$/.test(ttl)) throw new TypeError('ttl must be a duration such as 12h');
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(username)
      .setIssuer(this.config.auth.local.issuer)
      .setAudience(this.config.auth.audience)
      .setIssuedAt()
      .setExpirationTime(ttl)
      .sign(this.key);
  }
}
