import { checkTokenTimes } from '../../../src/auth/token-times';
import { UnauthenticatedError } from '../../../src/domain/errors';

describe('checkTokenTimes: the time rules of every verifier', () => {
  const policy = { clockSkewSeconds: 60, maxTokenLifetimeSeconds: 7 * 86400 };
  const now = 1_800_000_000;
  const refusal = (claims: Record<string, unknown>): string => {
    try {
      checkTokenTimes(claims, policy, now);
    } catch (error) {
      expect(error).toBeInstanceOf(UnauthenticatedError);
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('accepts a token issued now and returns its iat', () => {
    expect(checkTokenTimes({ iat: now, exp: now + 3600 }, policy, now)).toBe(now);
  });

  it('requires iat, as a finite number', () => {
    for (const iat of [undefined, null, '1800000000', Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusal({ iat, exp: now + 3600 })).toBe('token issue time missing or invalid');
    }
  });

  it('accepts an iat ahead of the clock by at most the skew', () => {
    expect(refusal({ iat: now + 60, exp: now + 3600 })).toBe('accepted');
  });

  it('refuses an iat ahead of the clock by more than the skew', () => {
    expect(refusal({ iat: now + 61, exp: now + 3600 })).toBe('token issued in the future');
    expect(refusal({ iat: now + 365 * 86400, exp: now + 366 * 86400 })).toBe('token issued in the future');
  });

  it('requires exp', () => {
    expect(refusal({ iat: now })).toBe('token expiry missing or invalid');
  });

  it('refuses a lifetime (exp - iat) above the maximum, and accepts exactly the maximum', () => {
    expect(refusal({ iat: now, exp: now + 7 * 86400 })).toBe('accepted');
    expect(refusal({ iat: now, exp: now + 7 * 86400 + 1 })).toBe('token lifetime exceeds the maximum');
    expect(refusal({ iat: now, exp: now + 1000 * 365 * 86400 })).toBe('token lifetime exceeds the maximum');
  });
});
