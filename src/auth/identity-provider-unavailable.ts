/**
 * IdentityProviderUnavailableError says the provider's signing keys could not be fetched: the token may be
 * fine, so this is an I/O failure (5xx), not an UnauthenticatedError that would tell a client to log in again.
 */
export class IdentityProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityProviderUnavailableError';
  }
}
