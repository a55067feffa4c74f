import { errors } from 'jose';
import { UnauthenticatedError } from '../domain/errors';

const CLAIM_REFUSALS: Readonly<Record<string, string>> = {
  aud: 'token audience not accepted',
  iss: 'token issuer not accepted',
  sub: 'token subject missing',
  nbf: 'token not yet valid',
  iat: 'token issue time not accepted',
  exp: 'token expiry missing or invalid',
  typ: 'token type not accepted',
};

/**
 * Maps an error jose threw while verifying a token to an UnauthenticatedError with a short, stable message
 * (never jose's own message, never the token or a claim value), or undefined when the error is not about
 * the token (key set unreachable, a bug) and must not be answered as a 401.
 */
export function refusalFromJose(error: unknown): UnauthenticatedError | undefined {
  if (error instanceof UnauthenticatedError) return error;
  if (error instanceof errors.JWTExpired) return new UnauthenticatedError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new UnauthenticatedError(CLAIM_REFUSALS[error.claim] ?? 'token claims not accepted');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new UnauthenticatedError('token signature invalid');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new UnauthenticatedError('token uses a refused algorithm');
  if (error instanceof errors.JWKSNoMatchingKey) return new UnauthenticatedError('token signing key not recognised');
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new UnauthenticatedError('token signature invalid');
  if (error instanceof errors.JOSENotSupported) return new UnauthenticatedError('token uses an unsupported feature');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new UnauthenticatedError('token malformed');
  }
  return undefined;
}
