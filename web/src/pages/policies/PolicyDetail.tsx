import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { api, getPage } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useApi, useLoad, useSession } from '../../hooks';
import { href, type PageProps } from '../../routes';
import type { Policy, PolicyRejection, VerdictPage } from './types';

const PAGE_SIZE = 50;

function tupleText(tuple: ReadonlyArray<number | string>): string {
  return `(${tuple.map((v) => String(v)).join(', ')})`;
}

/** One policy: its definition and monitor, its verdicts (violations) page by page, and its refused time points. */
export default function PolicyDetail({ params }: PageProps) {
  const id = params?.id ?? '';
  const valid = /^[1-9][0-9]{0,15}$/.test(id);
  const { user } = useSession();
  const { route } = useLocation();
  const policy = useApi<Policy>(valid ? `/policies/${id}` : null, undefined, 10_000);
  const verdictCursor = useCursor();
  const verdicts = useLoad(
    (signal) => (valid ? api.get<VerdictPage>(`/policies/${id}/verdicts`, { limit: PAGE_SIZE, cursor: verdictCursor.cursor }, { signal }) : Promise.resolve(undefined)),
    [id, verdictCursor.cursor],
  );
  const rejectionCursor = useCursor();
  const rejections = useLoad(
    (signal) => (valid ? getPage<PolicyRejection>(`/policies/${id}/rejections`, { limit: PAGE_SIZE }, rejectionCursor.cursor, signal) : Promise.resolve(undefined)),
    [id, rejectionCursor.cursor],
  );
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const remove = async () => {
    setConfirmDelete(false);
    try {
      await api.delete(`/policies/${id}`);
      route(href('/policies'));
    } catch (error) {
      setFailure(error);
    }
  };
  if (!valid) return <p class="error-message">Not a policy id.</p>;
  return (
    <>
      <PageTitle title={policy.data ? `Policy ${policy.data.name}` : `Policy #${id}`}>
        <a href={href('/policies')}>All policies</a>
        {user?.role === 'ADMIN' ? <a href={href(`/policies/edit?id=${id}`)}>Edit</a> : null}
        {user?.role === 'ADMIN' ? (
          <button type="button" onClick={() => setConfirmDelete(true)}>
            Delete policy
          </button>
        ) : null}
      </PageTitle>
      {failure ? <ErrorMessage error={failure} context="Not deleted" /> : null}
      <Section title="Definition" loaded={policy}>
        {(p) => (
          <dl class="admin-dl">
            <dt>Experiment</dt>
            <dd>{p.experiment}</dd>
            <dt>Signature</dt>
            <dd>
              <pre class="admin-body">{p.signature}</pre>
            </dd>
            <dt>Formula</dt>
            <dd>
              <pre class="admin-body">{p.negate ? `NOT (${p.formula})` : p.formula}</pre>
            </dd>
            <dt>Generation</dt>
            <dd>{p.generation}</dd>
            <dt>Time points fed</dt>
            <dd>
              {p.monitor.next_tp} (this generation from {p.monitor.first_tp}){p.monitor.ended ? ', ended' : ''}
            </dd>
            <dt>Last timestamp</dt>
            <dd>{p.monitor.last_ts ?? 'none'}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(p.updated_at)}</dd>
          </dl>
        )}
      </Section>
      <Section title="Verdicts" loaded={verdicts}>
        {(page) =>
          page ? (
            <>
              <p class="muted">
                Generation {page.generation}; variables {page.variables.length ? page.variables.join(', ') : 'none (a verdict is true or false)'}.
              </p>
              <Table
                caption={`Verdicts by time point (page ${verdictCursor.page})`}
                columns={[
                  { label: 'Time point', render: (v) => v.tp, class: 'num' },
                  { label: 'Violating tuples', render: (v) => <code>{v.tuples.length ? v.tuples.map(tupleText).join(' ') : 'true'}</code> },
                  { label: 'Timestamp', render: (v) => v.ts, class: 'num' },
                ]}
                rows={page.items}
                rowKey={(v) => v.tp}
                empty="No verdict: no violation so far."
              />
              <Pager page={verdictCursor.page} next={page.next} onNext={verdictCursor.next} onPrevious={verdictCursor.previous} label="Verdict pages" />
            </>
          ) : null
        }
      </Section>
      <Section title="Rejections" loaded={rejections}>
        {(page) =>
          page ? (
            <>
              <Table
                caption={`Refused time points (page ${rejectionCursor.page})`}
                columns={[
                  { label: 'Id', render: (r) => r.id, class: 'num' },
                  { label: 'Received', render: (r) => formatTime(r.received_at) },
                  { label: 'Source', render: (r) => r.source },
                  { label: 'Reason', render: (r) => r.reason },
                  { label: 'Body', render: (r) => <code class="rules-expr">{r.body}</code> },
                ]}
                rows={page.items}
                rowKey={(r) => r.id}
                empty="No refused time point."
              />
              <Pager page={rejectionCursor.page} next={page.next} onNext={rejectionCursor.next} onPrevious={rejectionCursor.previous} label="Rejection pages" />
            </>
          ) : null
        }
      </Section>
      {confirmDelete ? (
        <Dialog title="Delete this policy?" onClose={() => setConfirmDelete(false)}>
          <p>Its events, verdicts and rejections are deleted; its firing violation alerts resolve.</p>
          <div class="rules-actions">
            <button type="button" class="primary" onClick={() => void remove()}>
              Delete
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
