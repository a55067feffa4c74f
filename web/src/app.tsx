import type { ComponentType } from 'preact';
import { ErrorBoundary, LocationProvider, Route, Router, lazy } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api/client';
import type { UiConfig, User } from './api/types';
import { ErrorMessage } from './components/ErrorMessage';
import { Layout } from './components/Layout';
import { Loading } from './components/Loading';
import { useSession } from './hooks';
import NotAllowed from './pages/notfound/NotAllowed';
import NotFound from './pages/notfound/NotFound';
import SignIn from './pages/signin/SignIn';
import { BASE, allowed, href, routes } from './routes';
import { session } from './session';

const pages = routes.map((route) => ({ route, Component: lazy(route.load) as ComponentType<object> }));
const Callback = lazy(() => import('./pages/callback/Callback'));

/** Loads /ui-config, then the caller (/me) when a token is stored; renders sign-in or the console. */
export function App() {
  const state = useSession();
  const [bootError, setBootError] = useState<unknown>();
  const [checking, setChecking] = useState(true);
  useEffect(() => {
    void (async () => {
      try {
        const config = await api.get<UiConfig>('/ui-config', undefined, { anonymous: true });
        session.update({ config });
        if (session.token() && !session.state().user) {
          const user = await api.get<User>('/me');
          session.update({ user });
        }
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) setBootError(error);
      } finally {
        setChecking(false);
      }
    })();
  }, []);
  if (bootError) {
    return (
      <main id="main" class="centered">
        <h1>MyMONIT</h1>
        <ErrorMessage error={bootError} context="The console could not start" onRetry={() => location.reload()} />
      </main>
    );
  }
  if (checking || !state.config) return <Loading label="Starting" />;
  const user = state.user;
  return (
    <LocationProvider scope={BASE}>
      <ErrorBoundary>
        {user ? (
          <Layout user={user}>
            <Router>
              {[
                ...pages.map(({ route, Component }) => (
                  <Route key={route.path} path={href(route.path)} component={allowed(route, user.role) ? Component : NotAllowed} />
                )),
                <Route key="callback" path={href('/callback')} component={Callback} />,
                <Route key="404" default component={NotFound} />,
              ]}
            </Router>
          </Layout>
        ) : (
          <Router>
            <Route path={href('/callback')} component={Callback} />
            <Route default component={SignIn} />
          </Router>
        )}
      </ErrorBoundary>
    </LocationProvider>
  );
}
