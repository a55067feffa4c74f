import { UnauthenticatedError } from '../domain/errors';
import { IdentityProviderUnavailableError } from './identity-provider-unavailable';

const CODE_REFUSALS: Readonly<Record<string, string>> = {
  'auth/id-token-expired': 'token expired',
  'auth/id-token-revoked': 'token revoked',
  'auth/user-disabled': 'account disabled',
  'auth/user-not-found': 'token subject unknown',
  'auth/invalid-uid': 'token subject missing',
};

/**
 * firebase-admin reports most token faults as auth/argument-error and tells them apart only in prose that
 * also quotes the token's claims; these patterns pick the stable message, first match wins.
 */
const ARGUMENT_ERROR_REFUSALS: ReadonlyArray<readonly [RegExp, string]> = [
  [/"aud"/, 'token audience not accepted'],
  [/"iss"/, 'token issuer not accepted'],
  [/"sub"/, 'token subject missing'],
  [/"kid" claim which does not correspond/, 'token signing key not recognised'],
  [/no "kid"/, 'token key id missing'],
  [/algorithm/i, 'token uses a refused algorithm'],
  [/signature/i, 'token signature invalid'],
  [/expired/i, 'token expired'],
  [/custom token/i, 'custom tokens are refused'],
  [/decod/i, 'token malformed'],
];

interface FirebaseLikeError {
  code: string;
  message: string;
}

/** firebase-admin's errors carry a `service/reason` code; its FirebaseError type is an interface, not a class. */
function isFirebaseError(error: unknown): error is FirebaseLikeError {
  const code = (error as Partial<FirebaseLikeError> | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && /^[a-z-]+\/[a-z-]+$/.test(code);
}

/**
 * Maps what getAuth().verifyIdToken threw to an UnauthenticatedError with a short, stable message (never
 * firebase's own, which quotes claim values), or to IdentityProviderUnavailableError when Google's keys or
 * the emulator could not be reached. Anything else is returned as it is: a bug, not a refusal.
 */
export function errorFromFirebase(error: unknown): unknown {
  if (!isFirebaseError(error)) return error;
  const byCode = CODE_REFUSALS[error.code];
  if (byCode) return new UnauthenticatedError(byCode);
  if (error.code === 'auth/argument-error' || error.code === 'auth/invalid-id-token') {
    // A failed certificate download (offline: "Error while making request: getaddrinfo ENOTFOUND ...") is
    // reported as an argument error too; the token may well be fine.
    if (/fetching (public keys|json web keys)|while making request/i.test(error.message)) {
      return new IdentityProviderUnavailableError('Firebase public keys unavailable', { cause: error });
    }
    const match = ARGUMENT_ERROR_REFUSALS.find(([pattern]) => pattern.test(error.message));
    return new UnauthenticatedError(match?.[1] ?? 'token not accepted');
  }
  return new IdentityProviderUnavailableError('Firebase verification unavailable', { cause: error });
}
