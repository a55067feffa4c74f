import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Alert } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageTitle } from '../../components/PageTitle';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useLoad } from '../../hooks';
import { alertLabels, formatMatcher, matchesAll, type Silence } from './matchers';
import { SilenceDialog } from './SilenceDialog';

const STATES: ReadonlyArray<Silence['status']['state']> = ['active', 'pending', 'expired'];
const TITLES = { active: 'Active silences', pending: 'Pending silences', expired: 'Expired silences' } as const;

export default function Silences() {
  const silences = useLoad((signal) => api.get<Silence[]>('/alertmanager/api/v2/silences', undefined, { signal }), [], 5000);
  const alerts = useLoad((signal) => api.get<{ items: Alert[] }>('/alerts', undefined, { signal }), [], 5000);
  const [editing, setEditing] = useState<Silence | 'new'>();
  const [actionError, setActionError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const active = alerts.data?.items ?? [];

  const expire = async (s: Silence) => {
    setBusy(s.id);
    setActionError(undefined);
    try {
      await api.delete(`/alertmanager/api/v2/silence/${encodeURIComponent(s.id)}`);
      silences.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      <PageTitle title="Silences">
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          New silence
        </button>
      </PageTitle>
      {actionError ? <ErrorMessage error={actionError} context="Expire" /> : null}
      {STATES.map((state) => (
        <Section key={state} title={TITLES[state]} loaded={silences}>
          {(data) => (
            <Table
              caption={TITLES[state]}
              rows={data.filter((s) => s.status.state === state)}
              rowKey={(s) => s.id}
              empty={`No ${state} silence.`}
              columns={[
                { label: 'State', render: (s) => <span class={`badge silences-state-${s.status.state}`}>{s.status.state}</span> },
                {
                  label: 'Matchers',
                  render: (s) => (
                    <ul class="silences-matchers">
                      {s.matchers.map((m) => (
                        <li key={formatMatcher(m)}>
                          <code>{formatMatcher(m)}</code>
                        </li>
                      ))}
                    </ul>
                  ),
                },
                { label: 'Hits', render: (s) => active.filter((a) => matchesAll(s.matchers, alertLabels(a))).length, class: 'num' },
                { label: 'Starts', render: (s) => formatTime(s.startsAt) },
                { label: 'Ends', render: (s) => (s.untilResolved ? `${formatTime(s.endsAt)} or when resolved` : formatTime(s.endsAt)) },
                { label: 'By', render: (s) => s.createdBy },
                { label: 'Comment', render: (s) => s.comment },
                {
                  label: 'Actions',
                  render: (s) =>
                    s.status.state === 'expired' ? (
                      <button type="button" onClick={() => setEditing(s)} aria-label={`Recreate silence ${s.id}`}>
                        Recreate
                      </button>
                    ) : (
                      <span class="silences-actions">
                        <button type="button" onClick={() => setEditing(s)} aria-label={`Edit silence ${s.id}`}>
                          Edit
                        </button>
                        <button type="button" disabled={busy === s.id} onClick={() => void expire(s)} aria-label={`Expire silence ${s.id}`}>
                          Expire
                        </button>
                      </span>
                    ),
                },
              ]}
            />
          )}
        </Section>
      ))}
      {editing ? (
        <SilenceDialog
          initial={editing === 'new' ? [{ name: '', value: '', isRegex: false }] : editing.matchers}
          silenceId={editing !== 'new' && editing.status.state !== 'expired' ? editing.id : undefined}
          initialComment={editing === 'new' ? '' : editing.comment}
          initialEnd={editing !== 'new' && editing.status.state !== 'expired' ? editing.endsAt : undefined}
          initialStart={editing !== 'new' && editing.status.state !== 'expired' ? editing.startsAt : undefined}
          alerts={active}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            silences.reload();
          }}
        />
      ) : null}
    </>
  );
}
