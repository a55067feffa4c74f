import type { User } from '../domain/user';
import type { VerifiedIdentity } from './token-verifier';

/**
 * Whether a verified token really belongs to the user its username names today. A username is reused after
 * an erasure (or a rename), so a name alone would let an old token log in as the new holder: a token that
 * carries a pseudonym must carry this user's, and a token issued before the user was created (give or take
 * the clock skew, for issuers on other hosts) was issued for someone else.
 */
export function tokenBelongsTo(user: User, identity: VerifiedIdentity, clockSkewSeconds: number): boolean {
  if (identity.pseudonym !== undefined && identity.pseudonym !== user.pseudonym) return false;
  const createdSecond = Math.floor(user.createdAt.getTime() / 1000);
  return identity.issuedAt >= createdSecond - clockSkewSeconds;
}
