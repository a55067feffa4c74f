import { UnauthenticatedError } from '../domain/errors';

export interface TokenTimePolicy {
  clockSkewSeconds: number;
  maxTokenLifetimeSeconds: number;
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The time rules every verifier applies after the signature checks out, whoever issued the token: an
 * issue time is required and may not lie ahead of our clock by more than the skew (a token "from the
 * future" would otherwise outlive its stated lifetime), and no token may live longer than the maximum,
 * so that a leaked key cannot mint tokens valid for centuries. Returns iat, in seconds.
 */
export function checkTokenTimes(
  claims: { iat?: unknown; exp?: unknown },
  policy: TokenTimePolicy,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): number {
  const { iat, exp } = claims;
  if (!isTime(iat)) throw new UnauthenticatedError('token issue time missing or invalid');
  if (iat > nowSeconds + policy.clockSkewSeconds) throw new UnauthenticatedError('token issued in the future');
  if (!isTime(exp)) throw new UnauthenticatedError('token expiry missing or invalid');
  if (exp - iat > policy.maxTokenLifetimeSeconds) throw new UnauthenticatedError('token lifetime exceeds the maximum');
  return iat;
}
