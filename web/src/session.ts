import type { ApiError } from './api/client';
import type { Role, UiConfig, User } from './api/types';

/**
 * The signed-in state: the bearer token (sessionStorage only: never a cookie, so the API has no CSRF
 * surface; it is gone when the tab closes), the caller from GET /me and the sign-in mode from /ui-config.
 * Components read it with useSession() (hooks.ts) and re-render when it changes.
 */
const TOKEN_KEY = 'mymonit.token';

export interface SessionState {
  config?: UiConfig;
  user?: User;
  /** Why the user was signed out (shown on the sign-in page). */
  notice?: string;
}

type Listener = () => void;
const listeners = new Set<Listener>();
let state: SessionState = {};

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

let memoryToken: string | undefined;

export const session = {
  token(): string | undefined {
    return storage()?.getItem(TOKEN_KEY) ?? memoryToken;
  },
  state(): SessionState {
    return state;
  },
  role(): Role | undefined {
    return state.user?.role;
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  update(changes: Partial<SessionState>): void {
    state = { ...state, ...changes };
    for (const listener of listeners) listener();
  },
  signIn(token: string, user: User): void {
    memoryToken = token;
    storage()?.setItem(TOKEN_KEY, token);
    session.update({ user, notice: undefined });
  },
  signOut(notice?: string): void {
    memoryToken = undefined;
    storage()?.removeItem(TOKEN_KEY);
    state = { config: state.config, notice };
    for (const listener of listeners) listener();
  },
  /** A 401 from the API: the token expired or its user was disabled. */
  expired(error: ApiError): void {
    if (!session.token()) return;
    session.signOut(`Signed out: ${error.detail ?? error.title}. Sign in again.`);
  },
};
