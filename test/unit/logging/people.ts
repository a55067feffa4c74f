import { User, type UserFields } from '../../../src/domain/user';

/** A user full of personal data (name, username, email) that logs must never show. */
export function personalUser(fields: Partial<UserFields> = {}): User {
  return new User({
    id: 7,
    pseudonym: '0b8c6a6e-1f5e-4a43-9d57-5d0f3f1c2a11',
    userId: 'S123',
    name: 'Jim Apple',
    username: 'jim-uid',
    email: 'jim@foobar.com',
    role: 'SCIENTIST',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    erasedAt: null,
    ...fields,
  });
}
