import { IdentityProviderUnavailableError } from '../../../src/auth/identity-provider-unavailable';
import { errorFromFirebase } from '../../../src/auth/firebase-refusals';
import { UnauthenticatedError } from '../../../src/domain/errors';

/** An error shaped as firebase-admin throws it: its messages here are copied from firebase-admin 13. */
function firebaseError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const DOCS = ' See https://firebase.google.com/docs/auth/admin/verify-id-tokens for details.';

/**
 * The mapping of the faults that the emulator tests cannot produce (signatures, Google's certificates):
 * stable messages, no claim values, and network failures kept apart from bad tokens.
 */
describe('errorFromFirebase', () => {
  it.each([
    ['auth/id-token-expired', 'Firebase ID token has expired.', 'token expired'],
    ['auth/id-token-revoked', 'The Firebase ID token has been revoked.', 'token revoked'],
    ['auth/user-disabled', 'The user record is disabled.', 'account disabled'],
    ['auth/argument-error', `Firebase ID token has invalid signature.${DOCS}`, 'token signature invalid'],
    [
      'auth/argument-error',
      'Firebase ID token has "kid" claim which does not correspond to a known public key. Most likely the ID token ' +
        'is expired, so get a fresh token from your client app and try again.',
      'token signing key not recognised',
    ],
    [
      'auth/argument-error',
      `Firebase ID token has incorrect "aud" (audience) claim. Expected "demo" but got "secret-aud".${DOCS}`,
      'token audience not accepted',
    ],
    [
      'auth/argument-error',
      `Firebase ID token has incorrect algorithm. Expected "RS256" but got "HS256".${DOCS}`,
      'token uses a refused algorithm',
    ],
    ['auth/argument-error', 'Decoding Firebase ID token failed.', 'token malformed'],
    ['auth/argument-error', 'something firebase-admin has not said before', 'token not accepted'],
  ])('maps %s "%s" to "%s"', (code, message, expected) => {
    const error = errorFromFirebase(firebaseError(code, message));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toBe(expected);
  });

  it.each([
    ['auth/argument-error', 'Error while making request: getaddrinfo ENOTFOUND www.googleapis.com.'],
    ['auth/argument-error', 'Error fetching public keys for Google certs: 503 Service Unavailable'],
    ['app/network-error', 'Error while making request: connect ECONNREFUSED 127.0.0.1:9099. Error code: ECONNREFUSED'],
    ['auth/internal-error', 'An internal error has occurred.'],
  ])('reports %s "%s" as the provider being unavailable', (code, message) => {
    const error = errorFromFirebase(firebaseError(code, message));
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
  });

  it('returns an error that is not firebase-admin\'s unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(errorFromFirebase(bug)).toBe(bug);
  });
});
