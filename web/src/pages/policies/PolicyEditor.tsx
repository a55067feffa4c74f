import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField, describedBy } from '../../components/FormField';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { useLoad, useSession } from '../../hooks';
import { href, type PageProps } from '../../routes';
import type { Policy, PolicyInput } from './types';

/** Create a policy (no `id` in the query) or change one: signature and formula in MonPoly's languages. */
export default function PolicyEditor({ query }: PageProps) {
  const id = query?.id;
  const valid = id === undefined || /^[1-9][0-9]{0,15}$/.test(id);
  const loaded = useLoad(
    async (signal): Promise<PolicyInput> => {
      if (id === undefined || !valid) return { experiment: query?.experiment ?? '', name: '', signature: '', formula: '', negate: false };
      const p = await api.get<Policy>(`/policies/${id}`, undefined, { signal });
      return { experiment: p.experiment, name: p.name, signature: p.signature, formula: p.formula, negate: p.negate };
    },
    [id],
  );
  return (
    <>
      <PageTitle title={id === undefined ? 'New policy' : `Edit policy #${id}`}>
        <a href={href(id === undefined ? '/policies' : `/policies/${id}`)}>{id === undefined ? 'All policies' : 'Back to the policy'}</a>
      </PageTitle>
      {!valid ? <p class="error-message">Not a policy id.</p> : null}
      {loaded.error ? <ErrorMessage error={loaded.error} onRetry={loaded.reload} /> : null}
      {valid && loaded.data ? <PolicyForm id={id} initial={loaded.data} /> : loaded.error ? null : <Loading />}
    </>
  );
}

function PolicyForm({ id, initial }: { id?: string; initial: PolicyInput }) {
  const { user } = useSession();
  const { route } = useLocation();
  const [draft, setDraft] = useState(initial);
  const [failure, setFailure] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const fieldErrors = new Map<string, string>();
  if (failure instanceof ApiError) {
    for (const e of failure.errors) {
      const field = e.path.replace(/^\/?(body\/)?/, '').split(/[./[]/)[0] ?? '';
      fieldErrors.set(field, fieldErrors.has(field) ? `${fieldErrors.get(field)}; ${e.message}` : e.message);
    }
    // The engine's refusal names `signature` or `formula` in its detail when there is no errors list.
    if (failure.errors.length === 0 && failure.status === 400 && failure.detail) {
      for (const field of ['signature', 'formula'] as const) if (failure.detail.toLowerCase().startsWith(field)) fieldErrors.set(field, failure.detail);
    }
  }
  const save = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    setSaving(true);
    try {
      const body: PolicyInput = { ...draft, experiment: draft.experiment.trim(), name: draft.name.trim() };
      const saved = id === undefined ? await api.post<Policy>('/policies', body) : await api.put<Policy>(`/policies/${id}`, body);
      route(href(`/policies/${saved.id}`));
    } catch (error) {
      setFailure(error);
    } finally {
      setSaving(false);
    }
  };
  const input = (field: 'experiment' | 'name', label: string, disabled = false) => {
    const error = fieldErrors.get(field);
    return (
      <FormField id={`policy-${field}`} label={label} error={error}>
        <input
          id={`policy-${field}`}
          type="text"
          value={draft[field]}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(`policy-${field}`, undefined, error)}
          onInput={(e) => setDraft({ ...draft, [field]: (e.target as HTMLInputElement).value })}
        />
      </FormField>
    );
  };
  const area = (field: 'signature' | 'formula', label: string, hint: string) => {
    const error = fieldErrors.get(field);
    return (
      <FormField id={`policy-${field}`} label={label} hint={hint} error={error}>
        <textarea
          id={`policy-${field}`}
          rows={field === 'signature' ? 4 : 6}
          spellcheck={false}
          value={draft[field]}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(`policy-${field}`, hint, error)}
          onInput={(e) => setDraft({ ...draft, [field]: (e.target as HTMLTextAreaElement).value })}
        />
      </FormField>
    );
  };
  return (
    <form class="card" onSubmit={(e) => void save(e)} noValidate aria-label="Policy">
      {input('experiment', 'Experiment code', id !== undefined)}
      {input('name', 'Name')}
      {area('signature', 'Signature', 'MonPoly signature, e.g. login(user:string)')}
      {area('formula', 'Formula', 'MonPoly formula (MFOTL), e.g. login(u) IMPLIES ONCE[0,60] approve(u)')}
      <div class="field">
        <label>
          <input type="checkbox" checked={draft.negate} onChange={(e) => setDraft({ ...draft, negate: (e.target as HTMLInputElement).checked })} /> Negate (monitor NOT formula)
        </label>
      </div>
      {id !== undefined ? <p class="hint">Changing the signature, formula or negation starts a new generation of the monitor.</p> : null}
      {user?.role === 'ADMIN' ? (
        <button type="submit" class="primary" disabled={saving}>
          {saving ? 'Saving…' : id === undefined ? 'Create policy' : 'Save policy'}
        </button>
      ) : (
        <p class="muted">Only an administrator can change policies.</p>
      )}
      {failure ? <ErrorMessage error={failure} context="Not saved" /> : null}
    </form>
  );
}
