import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageTitle } from '../../components/PageTitle';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useApi } from '../../hooks';
import { href, type PageProps } from '../../routes';
import type { RejectedMessage } from './types';

/** One rejected message with its body: replay it (publish again) or discard it. */
export default function ExceptionDetail({ params }: PageProps) {
  const id = params?.id ?? '';
  const valid = /^[1-9][0-9]{0,15}$/.test(id);
  const message = useApi<RejectedMessage>(valid ? `/exceptions/${id}` : null);
  const { route } = useLocation();
  const [confirm, setConfirm] = useState<'replay' | 'discard' | undefined>();
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const act = async (what: 'replay' | 'discard') => {
    setConfirm(undefined);
    setFailure(undefined);
    try {
      if (what === 'replay') {
        const answer = await api.post<{ id: number; message_id: string }>(`/exceptions/${id}/replay`);
        setDone(`Replayed as message ${answer.message_id}: the consumer stores it, or rejects it again as a new rejected message.`);
      } else {
        await api.delete(`/exceptions/${id}`);
        setDone('Discarded.');
      }
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <>
      <PageTitle title={`Rejected message #${id}`}>
        <a href={href('/exceptions')}>All rejected messages</a>
      </PageTitle>
      {!valid ? <p class="error-message">Not a rejected message id.</p> : null}
      {done ? (
        <div class="notice" role="status">
          <p>{done}</p>
          <button type="button" onClick={() => route(href('/exceptions'))}>
            Back to the list
          </button>
        </div>
      ) : null}
      {failure ? <ErrorMessage error={failure} context="Not done" /> : null}
      {valid && !done ? (
        <Section title="Message" loaded={message}>
          {(m) => (
            <>
              <dl class="admin-dl">
                <dt>Received</dt>
                <dd>{formatTime(m.received_at)}</dd>
                <dt>Reason</dt>
                <dd>{m.reason}</dd>
                <dt>Detail</dt>
                <dd>{m.detail}</dd>
                <dt>Message id</dt>
                <dd>{m.message_id ?? 'none'}</dd>
                <dt>Routing key</dt>
                <dd>{m.routing_key ?? 'none'}</dd>
                <dt>Content type</dt>
                <dd>{m.content_type ?? 'none'}</dd>
                <dt>Partial</dt>
                <dd>{m.partial ? 'yes: the body holds the refused measures only' : 'no'}</dd>
                <dt>SHA-256</dt>
                <dd>
                  <code>{m.body_sha256 ?? 'unknown'}</code>
                </dd>
              </dl>
              {m.refused_measures && m.refused_measures.length ? (
                <Table
                  caption="Refused measures"
                  columns={[
                    { label: 'Index', render: (r) => r.index, class: 'num' },
                    { label: 'Reason', render: (r) => r.reason },
                    { label: 'Detail', render: (r) => r.detail },
                  ]}
                  rows={m.refused_measures}
                  rowKey={(r) => r.index}
                />
              ) : null}
              <h3>Body{m.body_truncated ? ' (truncated: it cannot be replayed)' : ''}</h3>
              <pre class="admin-body" tabIndex={0} aria-label="Message body">
                {m.body ?? ''}
              </pre>
              <div class="rules-actions">
                <button type="button" class="primary" disabled={m.body_truncated === true} onClick={() => setConfirm('replay')}>
                  Replay
                </button>
                <button type="button" onClick={() => setConfirm('discard')}>
                  Discard
                </button>
              </div>
            </>
          )}
        </Section>
      ) : null}
      {confirm ? (
        <Dialog title={confirm === 'replay' ? `Replay message #${id}?` : `Discard message #${id}?`} onClose={() => setConfirm(undefined)}>
          <p>
            {confirm === 'replay'
              ? 'The body is published again to the measures exchange and this rejected message is removed.'
              : 'The rejected message and its body are deleted for good.'}
          </p>
          <div class="rules-actions">
            <button type="button" class="primary" onClick={() => void act(confirm)}>
              {confirm === 'replay' ? 'Replay' : 'Discard'}
            </button>
            <button type="button" onClick={() => setConfirm(undefined)}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
