/**
 * TokenVerifier turns a bearer token into the identity provider's uid (mapped to User.username), or throws
 * UnauthenticatedError. Implementations: local (signed by this app), oidc (issuer JWKS), firebase.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedIdentity>;
}

export interface VerifiedIdentity {
  username: string;
  /** The token's iat, in seconds: a token issued before its user was created names someone else. */
  issuedAt: number;
  /** Local tokens carry the pseudonym of the user they were issued for; another user with the name is refused. */
  pseudonym?: string;
}

/** TokenIssuer signs tokens in AUTH_MODE=local (`mymonit token <username>`). Other modes have no issuer. */
export interface TokenIssuer {
  issue(username: string, ttl?: string, pseudonym?: string): Promise<string>;
}
