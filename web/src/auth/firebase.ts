import { initializeApp } from 'firebase/app';
import { getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import type { UiConfig } from '../api/types';

/**
 * Firebase Authentication (the web SDK, a lazy chunk loaded only in firebase mode): email and password
 * sign-in; the Firebase ID token is the API's bearer token.
 */
export async function firebaseSignIn(config: NonNullable<UiConfig['firebase']>, email: string, password: string): Promise<string> {
  const app = initializeApp({ apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId }, 'mymonit');
  const auth = getAuth(app);
  const credential = await signInWithEmailAndPassword(auth, email, password);
  return credential.user.getIdToken();
}
