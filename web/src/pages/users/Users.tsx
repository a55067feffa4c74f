import { useState } from 'preact/hooks';
import { api, getPage } from '../../api/client';
import type { Role, User } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField, describedBy } from '../../components/FormField';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useLoad } from '../../hooks';
import { fieldErrors } from '../../fieldErrors';

const FIELDS = ['user_id', 'name', 'username', 'email', 'role'] as const;
type Field = (typeof FIELDS)[number];
const LABELS: Record<Field, string> = { user_id: 'Institute id', name: 'Name', username: 'Username (identity provider uid)', email: 'Email', role: 'Role' };

/** Create a user, or edit one (only the fields changed are sent); refusals show at the field they name. */
function UserForm({ user, onDone, onClose }: { user?: User; onDone: () => void; onClose: () => void }) {
  const [values, setValues] = useState<Record<Field, string>>({
    user_id: user?.user_id ?? '',
    name: user?.name ?? '',
    username: user?.username ?? '',
    email: user?.email ?? '',
    role: user?.role ?? 'SCIENTIST',
  });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { byField, rest } = fieldErrors(error, FIELDS, 'username');
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (user) {
        const changes: Partial<Record<Field, string>> = {};
        for (const f of FIELDS) if (values[f] !== (user[f] ?? '')) changes[f] = values[f];
        if (Object.keys(changes).length > 0) await api.patch(`/users/${user.id}`, changes);
      } else {
        await api.post('/users', values);
      }
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={user ? `Edit ${user.name ?? user.pseudonym}` : 'New user'} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {rest ? <ErrorMessage error={error} /> : null}
        {FIELDS.map((f) => {
          const id = `user-${f.replace('_', '-')}`;
          const message = byField.get(f);
          return (
            <FormField key={f} id={id} label={LABELS[f]} error={message}>
              {f === 'role' ? (
                <select id={id} value={values.role} onChange={(e) => setValues({ ...values, role: e.currentTarget.value as Role })} aria-describedby={describedBy(id, undefined, message)}>
                  <option value="SCIENTIST">SCIENTIST</option>
                  <option value="ADMIN">ADMIN</option>
                </select>
              ) : (
                <input
                  id={id}
                  type={(f === 'email' ? 'email' : 'text') as 'text'}
                  value={values[f]}
                  required
                  aria-invalid={message ? true : undefined}
                  aria-describedby={describedBy(id, undefined, message)}
                  onInput={(e) => setValues({ ...values, [f]: e.currentTarget.value })}
                />
              )}
            </FormField>
          );
        })}
        <button type="submit" class="primary" disabled={busy}>
          {user ? 'Save' : 'Create user'}
        </button>
      </form>
    </Dialog>
  );
}

/** ADMIN: users, page by page; create, edit, erase (a pseudonymous tombstone stays for the audit trail). */
export default function Users() {
  const pages = useCursor();
  const list = useLoad((signal) => getPage<User & { erased_at?: string | null }>('/users', { limit: 50 }, pages.cursor, signal), [pages.cursor]);
  const [editing, setEditing] = useState<User | 'new' | undefined>();
  const [erasing, setErasing] = useState<User | undefined>();
  const [eraseError, setEraseError] = useState<unknown>();
  const erase = async (user: User) => {
    try {
      await api.delete(`/users/${user.id}`);
      setErasing(undefined);
      list.reload();
    } catch (e) {
      setEraseError(e);
    }
  };
  return (
    <>
      <PageTitle title="Users">
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          New user
        </button>
      </PageTitle>
      <Section title="All users" loaded={list}>
        {(page) => (
          <>
            <Table
              caption="Users"
              rows={page.items}
              rowKey={(u) => u.id}
              columns={[
                { label: 'Name', render: (u) => u.name ?? <span class="muted">erased ({u.pseudonym})</span> },
                { label: 'Username', render: (u) => u.username ?? '—' },
                { label: 'Institute id', render: (u) => u.user_id ?? '—' },
                { label: 'Email', render: (u) => u.email ?? '—' },
                { label: 'Role', render: (u) => u.role },
                { label: 'Created', render: (u) => formatTime(u.created_at) },
                {
                  label: 'Actions',
                  render: (u) =>
                    u.erased_at ? null : (
                      <span class="users-actions">
                        <button type="button" onClick={() => setEditing(u)} aria-label={`Edit ${u.name ?? u.pseudonym}`}>
                          Edit
                        </button>
                        <button type="button" onClick={() => { setEraseError(undefined); setErasing(u); }} aria-label={`Erase ${u.name ?? u.pseudonym}`}>
                          Erase
                        </button>
                      </span>
                    ),
                },
              ]}
            />
            <Pager page={pages.page} next={page.next} onNext={pages.next} onPrevious={pages.previous} label="User pages" />
          </>
        )}
      </Section>
      {editing ? (
        <UserForm
          user={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      ) : null}
      {erasing ? (
        <Dialog title={`Erase ${erasing.name ?? erasing.pseudonym}?`} onClose={() => setErasing(undefined)}>
          <p>Their personal data is erased; a pseudonymous record ({erasing.pseudonym}) stays for the audit trail.</p>
          {eraseError ? <ErrorMessage error={eraseError} /> : null}
          <button type="button" class="primary" onClick={() => void erase(erasing)}>
            Erase
          </button>
        </Dialog>
      ) : null}
    </>
  );
}
