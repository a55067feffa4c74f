import { useState } from 'preact/hooks';
import type { UiConfig } from '../../api/types';
import { signInWithToken } from '../../auth/signin';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField, describedBy } from '../../components/FormField';
import { PageTitle } from '../../components/PageTitle';
import { useSession } from '../../hooks';

/** Sign-in for the configured mode (GET /ui-config): a pasted token, OIDC (code + PKCE) or Firebase. */
export default function SignIn() {
  const { config, notice } = useSession();
  return (
    <main id="main" class="centered signin">
      <PageTitle title="Sign in to MyMONIT" />
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {config?.mode === 'oidc' && config.oidc ? <OidcSignIn config={config.oidc} /> : null}
      {config?.mode === 'firebase' && config.firebase ? <FirebaseSignIn config={config.firebase} /> : null}
      {config?.mode === 'local' ? <TokenSignIn /> : null}
    </main>
  );
}

function TokenSignIn() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const hint = 'Run `mymonit token <username>` on the server and paste its output. It is kept in this tab only.';
  return (
    <form
      class="card"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        signInWithToken(token.trim())
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <FormField id="token" label="Access token" hint={hint}>
        <textarea
          id="token"
          name="token"
          rows={5}
          required
          autoComplete="off"
          spellcheck={false}
          aria-describedby={describedBy('token', hint)}
          value={token}
          onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
        />
      </FormField>
      {error ? <ErrorMessage error={error} context="Sign-in failed" /> : null}
      <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function OidcSignIn({ config }: { config: NonNullable<UiConfig['oidc']> }) {
  const [error, setError] = useState<unknown>();
  return (
    <div class="card">
      <p>Sign in with your organisation's account ({new URL(config.issuer).host}).</p>
      {error ? <ErrorMessage error={error} context="Sign-in failed" /> : null}
      <button
        type="button"
        class="primary"
        onClick={() => {
          import('../../auth/oidc')
            .then(({ startOidcSignIn }) => startOidcSignIn(config))
            .catch(setError);
        }}
      >
        Sign in
      </button>
    </div>
  );
}

function FirebaseSignIn({ config }: { config: NonNullable<UiConfig['firebase']> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        import('../../auth/firebase')
          .then(({ firebaseSignIn }) => firebaseSignIn(config, email, password))
          .then(signInWithToken)
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <FormField id="email" label="Email">
        <input id="email" type="email" autoComplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
      </FormField>
      <FormField id="password" label="Password">
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
      </FormField>
      {error ? <ErrorMessage error={error} context="Sign-in failed" /> : null}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
