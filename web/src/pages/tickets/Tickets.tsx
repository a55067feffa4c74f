import { useState } from 'preact/hooks';
import { api, getAll, getPage, type Page } from '../../api/client';
import type { Ticket, TicketState, User } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField, describedBy } from '../../components/FormField';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { StateBadge } from '../../components/StateBadge';
import { formatDuration, formatTime } from '../../format';
import { useLoad, useSession } from '../../hooks';

const COLUMNS: ReadonlyArray<{ state: TicketState; title: string }> = [
  { state: 'open', title: 'Open' },
  { state: 'acknowledged', title: 'Acknowledged' },
  { state: 'resolved', title: 'Resolved' },
  { state: 'closed', title: 'Closed' },
];

const PAGE = 25;

/** The median of the numbers (undefined for none). */
export function median(values: readonly number[]): number | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

function title(t: Ticket): string {
  const name = t.group_labels.alertname ?? Object.values(t.group_labels).join(' ');
  return name || t.group_key;
}

type Action = { kind: 'comment' | 'resolve' | 'close' | 'acknowledge'; ticket: Ticket } | { kind: 'assign'; ticket: Ticket };

function CommentDialog({ action, onClose, onDone }: { action: Action; onClose: () => void; onDone: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const required = action.kind === 'comment';
  const verb = { comment: 'Comment', resolve: 'Resolve', close: 'Close', acknowledge: 'Acknowledge', assign: 'Assign' }[action.kind];
  const submit = async (event: Event) => {
    event.preventDefault();
    if (required && text.trim() === '') {
      setFieldError('Write the comment.');
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const id = action.ticket.id;
      if (action.kind === 'comment') await api.post(`/tickets/${id}/comments`, { body: text.trim() });
      else await api.post(`/tickets/${id}/${action.kind}`, text.trim() ? { comment: text.trim() } : {});
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`${verb} ticket ${action.ticket.id}`} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p>{title(action.ticket)}</p>
        <FormField id="ticket-comment" label={required ? 'Comment' : 'Comment (optional)'} error={fieldError}>
          <textarea id="ticket-comment" rows={3} value={text} aria-describedby={describedBy('ticket-comment', undefined, fieldError)} onInput={(e) => setText(e.currentTarget.value)} />
        </FormField>
        {error ? <ErrorMessage error={error} /> : null}
        <div class="tickets-actions">
          <button type="submit" class="primary" disabled={busy}>
            {verb}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AssignDialog({ ticket, onClose, onDone }: { ticket: Ticket; onClose: () => void; onDone: () => void }) {
  const users = useLoad((signal) => getAll<User>('/users', { limit: 1000 }, 1000, signal), []);
  const [assignee, setAssignee] = useState(ticket.assignee === null ? '' : String(ticket.assignee));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.post(`/tickets/${ticket.id}/assign`, { assignee: assignee === '' ? null : Number(assignee) });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Assign ticket ${ticket.id}`} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        {users.error ? <ErrorMessage error={users.error} onRetry={users.reload} /> : null}
        <FormField id="ticket-assignee" label="Assignee">
          <select id="ticket-assignee" value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
            <option value="">Nobody</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.name ?? u.username ?? u.pseudonym} ({u.role})
              </option>
            ))}
          </select>
        </FormField>
        {error ? <ErrorMessage error={error} /> : null}
        <div class="tickets-actions">
          <button type="submit" class="primary" disabled={busy}>
            Assign
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function TicketCard({ ticket, admin, onAction }: { ticket: Ticket; admin: boolean; onAction: (a: Action) => void }) {
  const firing = ticket.alerts.filter((a) => a.status === 'firing').length;
  return (
    <li class="tickets-card">
      <h3 class="tickets-card-title">
        #{ticket.id} {title(ticket)}
      </h3>
      <p class="tickets-card-meta">
        <StateBadge state={ticket.state} /> <StateBadge state={ticket.priority} /> <span class="muted">{ticket.experiments.join(', ') || 'no experiment'}</span>
      </p>
      <dl class="tickets-facts">
        <dt>Opened</dt>
        <dd>{formatTime(ticket.reopened_at ?? ticket.opened_at)}</dd>
        <dt>Time to acknowledge</dt>
        <dd>{ticket.time_to_acknowledge_ms === undefined ? (ticket.state === 'open' ? `waiting ${formatDuration(Date.now() - Date.parse(ticket.reopened_at ?? ticket.opened_at))}` : '—') : formatDuration(ticket.time_to_acknowledge_ms)}</dd>
        <dt>Alerts</dt>
        <dd>
          {firing} firing of {ticket.alerts.length}
        </dd>
        <dt>Assignee</dt>
        <dd>{ticket.assignee === null ? 'nobody' : `user ${ticket.assignee}`}</dd>
        {ticket.reopen_count > 0 ? (
          <>
            <dt>Reopened</dt>
            <dd>{ticket.reopen_count} times</dd>
          </>
        ) : null}
      </dl>
      <div class="tickets-actions">
        {ticket.state === 'open' ? (
          <button type="button" class="primary" onClick={() => onAction({ kind: 'acknowledge', ticket })} aria-label={`Acknowledge ticket ${ticket.id}`}>
            Acknowledge
          </button>
        ) : null}
        {ticket.state === 'open' || ticket.state === 'acknowledged' ? (
          <button type="button" onClick={() => onAction({ kind: 'resolve', ticket })} aria-label={`Resolve ticket ${ticket.id}`}>
            Resolve
          </button>
        ) : null}
        {admin && ticket.state === 'resolved' ? (
          <button type="button" onClick={() => onAction({ kind: 'close', ticket })} aria-label={`Close ticket ${ticket.id}`}>
            Close
          </button>
        ) : null}
        {admin && ticket.state !== 'closed' ? (
          <button type="button" onClick={() => onAction({ kind: 'assign', ticket })} aria-label={`Assign ticket ${ticket.id}`}>
            Assign
          </button>
        ) : null}
        <button type="button" onClick={() => onAction({ kind: 'comment', ticket })} aria-label={`Comment on ticket ${ticket.id}`}>
          Comment
        </button>
      </div>
    </li>
  );
}

function Column({ state, heading, version, admin, onAction, onLoaded }: { state: TicketState; heading: string; version: number; admin: boolean; onAction: (a: Action) => void; onLoaded: (state: TicketState, page: Page<Ticket>) => void }) {
  const cursor = useCursor();
  const loaded = useLoad(
    async (signal) => {
      const page = await getPage<Ticket>('/tickets', { state, limit: PAGE }, cursor.cursor, signal);
      onLoaded(state, page);
      return page;
    },
    [state, cursor.cursor, version],
    10_000,
  );
  return (
    <Section title={heading} loaded={loaded} id={`tickets-${state}`}>
      {(page) => (
        <>
          {page.items.length === 0 ? <p class="muted">No {state} ticket.</p> : null}
          <ul class="tickets-list">
            {page.items.map((t) => (
              <TicketCard key={t.id} ticket={t} admin={admin} onAction={onAction} />
            ))}
          </ul>
          {cursor.page > 1 || page.next ? <Pager label={`${heading} pages`} page={cursor.page} next={page.next} onNext={cursor.next} onPrevious={cursor.previous} /> : null}
        </>
      )}
    </Section>
  );
}

export default function Tickets() {
  const { user } = useSession();
  const admin = user?.role === 'ADMIN';
  const [version, setVersion] = useState(0);
  const [action, setAction] = useState<Action>();
  const [shown, setShown] = useState<Partial<Record<TicketState, Ticket[]>>>({});
  const onLoaded = (state: TicketState, page: Page<Ticket>) => setShown((s) => ({ ...s, [state]: page.items }));
  const acked = Object.values(shown).flatMap((list) => (list ?? []).map((t) => t.time_to_acknowledge_ms).filter((v): v is number => v !== undefined));
  const mid = median(acked);
  const done = () => {
    setAction(undefined);
    setVersion((v) => v + 1);
  };
  return (
    <>
      <PageTitle title="Tickets" />
      <p class="tickets-median" role="status">
        Median time to acknowledge: <strong>{formatDuration(mid)}</strong> <span class="muted">over the {acked.length} acknowledged tickets shown</span>
      </p>
      <div class="tickets-board">
        {COLUMNS.map((c) => (
          <Column key={c.state} state={c.state} heading={c.title} version={version} admin={admin} onAction={setAction} onLoaded={onLoaded} />
        ))}
      </div>
      {action?.kind === 'assign' ? <AssignDialog ticket={action.ticket} onClose={() => setAction(undefined)} onDone={done} /> : null}
      {action && action.kind !== 'assign' ? <CommentDialog action={action} onClose={() => setAction(undefined)} onDone={done} /> : null}
    </>
  );
}
