import { useState } from 'preact/hooks';
import { api, getAll } from '../../api/client';
import type { User } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField } from '../../components/FormField';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { useApi, useLoad } from '../../hooks';

function who(u: User): string {
  return `${u.name ?? u.pseudonym}${u.username ? ` (${u.username})` : ''}`;
}

/** ADMIN: the users associated with an experiment; associate another, dissociate one. */
export function Associations({ code }: { code: string }) {
  const path = `/experiments/${encodeURIComponent(code)}/users`;
  const associated = useApi<{ items: User[] }>(path);
  // The picker lists users (capped: a deployment has tens of people, not millions).
  const users = useLoad((signal) => getAll<User>('/users', { limit: 200 }, 2000, signal), []);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<unknown>();
  const change = async (method: 'put' | 'delete', userId: number) => {
    setError(undefined);
    try {
      await (method === 'put' ? api.put(`${path}/${userId}`) : api.delete(`${path}/${userId}`));
      associated.reload();
      if (method === 'put') setChosen('');
    } catch (e) {
      setError(e);
    }
  };
  const ids = new Set((associated.data?.items ?? []).map((u) => u.id));
  const candidates = (users.data ?? []).filter((u) => !ids.has(u.id) && !(u as User & { erased_at?: string | null }).erased_at);
  return (
    <Section title="Associated users" loaded={associated}>
      {(data) => (
        <>
          <Table
            caption={`Users associated with ${code}`}
            rows={data.items}
            rowKey={(u) => u.id}
            empty="No user is associated."
            columns={[
              { label: 'User', render: who },
              { label: 'Role', render: (u) => u.role },
              {
                label: 'Actions',
                render: (u) => (
                  <button type="button" onClick={() => void change('delete', u.id)} aria-label={`Dissociate ${who(u)}`}>
                    Dissociate
                  </button>
                ),
              },
            ]}
          />
          {error ? <ErrorMessage error={error} /> : null}
          {users.error ? <ErrorMessage error={users.error} onRetry={users.reload} context="Users" /> : null}
          <form
            class="experiments-associate"
            onSubmit={(event) => {
              event.preventDefault();
              if (chosen !== '') void change('put', Number(chosen));
            }}
          >
            <FormField id="associate-user" label="Associate a user">
              <select id="associate-user" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
                <option value="">Choose a user…</option>
                {candidates.map((u) => (
                  <option key={u.id} value={String(u.id)}>
                    {who(u)} · {u.role}
                  </option>
                ))}
              </select>
            </FormField>
            <button type="submit" disabled={chosen === ''}>
              Associate
            </button>
          </form>
        </>
      )}
    </Section>
  );
}
