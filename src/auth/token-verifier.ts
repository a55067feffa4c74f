/**
 * TokenVerifier turns a bearer token into the identity provider's uid (mapped to User.username), or throws
 * UnauthenticatedError. Implementations: local (signed by this app), oidc (issuer JWKS), firebase.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedIdentity>;
}

export interface VerifiedIdentity {
  username: string;
}

/** TokenIssuer signs tokens in AUTH_MODE=local (`mymonit token <username>`). Other modes have no issuer. */
export interface TokenIssuer {
  issue(username: string, ttl?: string): Promise<string>;
}
