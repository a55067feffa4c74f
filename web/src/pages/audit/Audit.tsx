import { useState } from 'preact/hooks';
import { getPage } from '../../api/client';
import { FormField, describedBy } from '../../components/FormField';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useLoad } from '../../hooks';
import { isoOf, valueOf } from '../filters';

/** openapi.yaml AuditEvent. */
interface AuditEvent {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: 'success' | 'failure';
  request_id: string | null;
  detail: Record<string, string | number | boolean | null> | null;
}

const PAGE_SIZE = 50;
const EMPTY = { actor: '', action: '', resource: '', outcome: '', from: '', to: '' };

function detailText(detail: AuditEvent['detail']): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** The audit trail (ADMIN), oldest first, with the API's filters and cursor pagination. */
export default function Audit() {
  const [form, setForm] = useState(EMPTY);
  const [filters, setFilters] = useState(EMPTY);
  const { cursor, page, next, previous, first } = useCursor();
  const query = {
    actor: filters.actor.trim() || undefined,
    action: filters.action.trim() || undefined,
    resource: filters.resource.trim() || undefined,
    outcome: filters.outcome || undefined,
    from: isoOf(filters.from),
    to: isoOf(filters.to),
    limit: PAGE_SIZE,
  };
  const events = useLoad((signal) => getPage<AuditEvent>('/audit', query, cursor, signal), [JSON.stringify(query), cursor]);
  const text = (field: 'actor' | 'action' | 'resource', label: string, hint: string) => (
    <FormField id={`audit-${field}`} label={label} hint={hint}>
      <input
        id={`audit-${field}`}
        type="text"
        value={form[field]}
        aria-describedby={describedBy(`audit-${field}`, hint)}
        onInput={(e) => setForm({ ...form, [field]: valueOf(e) })}
      />
    </FormField>
  );
  return (
    <>
      <PageTitle title="Audit trail" />
      <form
        class="card admin-filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(form);
          first();
        }}
      >
        {text('actor', 'Actor', 'Pseudonymous user id')}
        {text('action', 'Action', 'e.g. user.create, auth.fail')}
        {text('resource', 'Resource type', 'e.g. user, experiment')}
        <FormField id="audit-outcome" label="Outcome">
          <select id="audit-outcome" value={form.outcome} onChange={(e) => setForm({ ...form, outcome: valueOf(e) })}>
            <option value="">Any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </FormField>
        <FormField id="audit-from" label="From">
          <input id="audit-from" type="datetime-local" value={form.from} onInput={(e) => setForm({ ...form, from: valueOf(e) })} />
        </FormField>
        <FormField id="audit-to" label="Before">
          <input id="audit-to" type="datetime-local" value={form.to} onInput={(e) => setForm({ ...form, to: valueOf(e) })} />
        </FormField>
        <button type="submit">Apply filters</button>
      </form>
      <Section title="Events" loaded={events}>
        {(data) => (
          <>
            <Table
              caption={`Audit events, oldest first (page ${page})`}
              columns={[
                { label: 'At', render: (e) => formatTime(e.at) },
                { label: 'Actor', render: (e) => (e.actor ? <code>{e.actor}</code> : <span class="muted">system</span>) },
                { label: 'Action', render: (e) => <code>{e.action}</code> },
                { label: 'Resource', render: (e) => `${e.resource_type}${e.resource_id ? ` ${e.resource_id}` : ''}` },
                { label: 'Outcome', render: (e) => <span class={`badge badge-${e.outcome === 'success' ? 'ok' : 'critical'}`}>{e.outcome}</span> },
                { label: 'Request id', render: (e) => (e.request_id ? <code>{e.request_id}</code> : '') },
                { label: 'Detail', render: (e) => detailText(e.detail) },
              ]}
              rows={data.items}
              rowKey={(e) => e.id}
              empty="No audit event matches."
            />
            <Pager page={page} next={data.next} onNext={next} onPrevious={previous} label="Audit pages" />
          </>
        )}
      </Section>
    </>
  );
}
