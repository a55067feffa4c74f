import { inject, injectable } from 'inversify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ConfigError, type Config } from '../config';
import { UnauthenticatedError } from '../domain/errors';
import { TYPES } from '../identifiers';
import { IdentityProviderUnavailableError } from './identity-provider-unavailable';
import { refusalFromJose } from './jose-refusals';
import { readProtectedHeader, requireSigned } from './token-header';
import { checkTokenTimes, type TokenTimePolicy } from './token-times';
import type { TokenVerifier, VerifiedIdentity } from './token-verifier';

/**
 * Asymmetric only: an issuer publishes public keys, so an HMAC token "signed" with a public key's bytes
 * (algorithm confusion) or an unsigned one must never be accepted.
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/** OidcTokenVerifier checks tokens against an OIDC issuer's published key set (AUTH_MODE=oidc). */
@injectable()
export class OidcTokenVerifier implements TokenVerifier {
  private readonly keySet: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly usernameClaim: string;
  private readonly times: TokenTimePolicy;

  constructor(@inject(TYPES.Config) config: Config) {
    const oidc = config.auth.oidc;
    if (!oidc.issuer) throw new ConfigError('OIDC_ISSUER: required when AUTH_MODE=oidc');
    if (!oidc.jwksUrl) throw new ConfigError('OIDC_JWKS_URL: required when AUTH_MODE=oidc');
    // jose caches the set and refetches it (at most every 30 s) when a token names an unknown kid: key rotation.
    this.keySet = createRemoteJWKSet(new URL(oidc.jwksUrl));
    this.issuer = oidc.issuer;
    this.audience = oidc.audience ?? config.auth.audience;
    this.usernameClaim = oidc.usernameClaim;
    this.times = config.auth;
  }

  async verify(token: string): Promise<VerifiedIdentity> {
    requireSigned(readProtectedHeader(token));
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keySet, {
        algorithms: ALGORITHMS,
        issuer: this.issuer,
        audience: this.audience,
        requiredClaims: ['exp'],
        clockTolerance: this.times.clockSkewSeconds,
      }));
    } catch (error) {
      const refusal = refusalFromJose(error);
      if (refusal) throw refusal;
      throw new IdentityProviderUnavailableError('OIDC key set unavailable', { cause: error });
    }
    const issuedAt = checkTokenTimes(payload, this.times);
    const username = payload[this.usernameClaim];
    if (typeof username !== 'string' || username.length === 0) {
      throw new UnauthenticatedError('token username claim missing');
    }
    return { username, issuedAt };
  }
}
