import { tokenBelongsTo } from '../../../src/auth/token-binding';
import { User } from '../../../src/domain/user';

describe('tokenBelongsTo: a token names a user, not just a username', () => {
  const createdAt = new Date('2026-12-01T10:00:00.700Z');
  const created = Math.floor(createdAt.getTime() / 1000);
  const user = new User({
    id: 7,
    pseudonym: 'p-new',
    userId: 'U7',
    name: 'New Holder',
    username: 'alice',
    email: 'new@example.org',
    role: 'SCIENTIST',
    createdAt,
    updatedAt: createdAt,
    erasedAt: null,
  });

  it('accepts a token issued in the second the user was created, or later', () => {
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created }, 0)).toBe(true);
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created + 3600 }, 0)).toBe(true);
  });

  it('refuses a token issued before the user was created (it was issued for a former holder of the name)', () => {
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created - 1 }, 0)).toBe(false);
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created - 3600 }, 60)).toBe(false);
  });

  it('allows the clock skew between the issuer and this host, no more', () => {
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created - 60 }, 60)).toBe(true);
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created - 61 }, 60)).toBe(false);
  });

  it("refuses a token bound to another user's pseudonym, whenever it was issued", () => {
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created + 10, pseudonym: 'p-old' }, 60)).toBe(false);
    expect(tokenBelongsTo(user, { username: 'alice', issuedAt: created + 10, pseudonym: 'p-new' }, 60)).toBe(true);
  });
});
