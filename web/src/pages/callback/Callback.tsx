import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { signInWithToken } from '../../auth/signin';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useSession } from '../../hooks';
import { href } from '../../routes';

/** /ui/callback: the OIDC provider's redirect back; exchanges the code (PKCE) and signs in. */
export default function Callback() {
  const { config, user } = useSession();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (user) {
      route(href('/'), true);
      return;
    }
    if (config?.mode !== 'oidc' || !config.oidc) {
      setError(new Error('this server does not use OIDC sign-in'));
      return;
    }
    const oidc = config.oidc;
    void (async () => {
      try {
        const { completeOidcSignIn } = await import('../../auth/oidc');
        await signInWithToken(await completeOidcSignIn(oidc));
        route(href('/'), true);
      } catch (e) {
        setError(e);
      }
    })();
  }, []);
  return (
    <main id="main" class="centered">
      {error ? (
        <>
          <ErrorMessage error={error} context="Sign-in failed" />
          <p>
            <a href={href('/')}>Back to sign-in</a>
          </p>
        </>
      ) : (
        <Loading label="Signing in" />
      )}
    </main>
  );
}
