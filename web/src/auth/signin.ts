import { api } from '../api/client';
import type { User } from '../api/types';
import { session } from '../session';

/** Checks a bearer token against GET /me and, when it belongs to a user, signs in with it. */
export async function signInWithToken(token: string): Promise<User> {
  const user = await api.get<User>('/me', undefined, { headers: { authorization: `Bearer ${token}` }, anonymous: true });
  session.signIn(token, user);
  return user;
}
