import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { UiConfig } from '../api/types';
import { href } from '../routes';

/**
 * OIDC authorization code flow with PKCE (oidc-client-ts; a lazy chunk loaded only in oidc mode). The
 * state and the tokens stay in sessionStorage. The API gets the access token when it is a JWT (the API
 * verifies JWTs against OIDC_JWKS_URL), else the ID token.
 */
function manager(config: NonNullable<UiConfig['oidc']>): UserManager {
  return new UserManager({
    authority: config.issuer,
    client_id: config.client_id,
    redirect_uri: `${location.origin}${href('/callback')}`,
    post_logout_redirect_uri: `${location.origin}${href('/')}`,
    response_type: 'code',
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export async function startOidcSignIn(config: NonNullable<UiConfig['oidc']>): Promise<void> {
  await manager(config).signinRedirect();
}

/** Completes the redirect back to /ui/callback and returns the bearer token for the API. */
export async function completeOidcSignIn(config: NonNullable<UiConfig['oidc']>): Promise<string> {
  const user = await manager(config).signinRedirectCallback();
  const jwt = /^[^.]+\.[^.]+\.[^.]+$/;
  if (jwt.test(user.access_token)) return user.access_token;
  if (user.id_token) return user.id_token;
  throw new Error('the identity provider returned no JWT (neither the access token nor an ID token)');
}
