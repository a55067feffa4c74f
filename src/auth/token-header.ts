import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import { UnauthenticatedError } from '../domain/errors';

/** Far above any real ID or access token; anything longer is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 16384;

/**
 * Reads a compact JWS's protected header without trusting it, so that verifiers can refuse unsigned or
 * oddly signed tokens by name, before any key is fetched or any library sees them.
 */
export function readProtectedHeader(token: string): ProtectedHeaderParameters {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) {
    throw new UnauthenticatedError('token malformed');
  }
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw new UnauthenticatedError('token malformed');
  }
}

/** jose alone would report `alg: none` as a mere disallowed algorithm; this says what it is. */
export function requireSigned(header: ProtectedHeaderParameters): void {
  if (typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') {
    throw new UnauthenticatedError('unsigned tokens are refused');
  }
}
