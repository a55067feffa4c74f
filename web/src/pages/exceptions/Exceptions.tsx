import { useState } from 'preact/hooks';
import { getPage } from '../../api/client';
import { FormField } from '../../components/FormField';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useLoad } from '../../hooks';
import { href } from '../../routes';
import { isoOf, valueOf } from '../filters';
import { REASONS, type RejectedMessage } from './types';

const PAGE_SIZE = 50;

/** Messages the consumer refused, oldest first, with filters and cursor pagination; each opens its detail. */
export default function Exceptions() {
  const [form, setForm] = useState({ reason: '', from: '', to: '' });
  const [filters, setFilters] = useState(form);
  const { cursor, page, next, previous, first } = useCursor();
  const query = { reason: filters.reason || undefined, from: isoOf(filters.from), to: isoOf(filters.to), limit: PAGE_SIZE };
  const list = useLoad((signal) => getPage<RejectedMessage>('/exceptions', query, cursor, signal), [JSON.stringify(query), cursor]);
  return (
    <>
      <PageTitle title="Rejected messages" />
      <form
        class="card admin-filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(form);
          first();
        }}
      >
        <FormField id="exceptions-reason" label="Reason">
          <select id="exceptions-reason" value={form.reason} onChange={(e) => setForm({ ...form, reason: valueOf(e) })}>
            <option value="">Any</option>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </FormField>
        <FormField id="exceptions-from" label="Received from">
          <input id="exceptions-from" type="datetime-local" value={form.from} onInput={(e) => setForm({ ...form, from: valueOf(e) })} />
        </FormField>
        <FormField id="exceptions-to" label="Received before">
          <input id="exceptions-to" type="datetime-local" value={form.to} onInput={(e) => setForm({ ...form, to: valueOf(e) })} />
        </FormField>
        <button type="submit">Apply filters</button>
      </form>
      <Section title="Messages" loaded={list}>
        {(data) => (
          <>
            <Table
              caption={`Rejected messages, oldest first (page ${page})`}
              columns={[
                { label: 'Id', render: (m) => <a href={href(`/exceptions/${m.id}`)}>#{m.id}</a> },
                { label: 'Received', render: (m) => formatTime(m.received_at) },
                { label: 'Reason', render: (m) => m.reason },
                { label: 'Detail', render: (m) => m.detail },
                { label: 'Message id', render: (m) => (m.message_id ? <code>{m.message_id}</code> : '') },
                { label: 'Partial', render: (m) => (m.partial ? 'yes' : 'no') },
              ]}
              rows={data.items}
              rowKey={(m) => m.id}
              empty="No rejected message."
            />
            <Pager page={page} next={data.next} onNext={next} onPrevious={previous} label="Rejected message pages" />
          </>
        )}
      </Section>
    </>
  );
}
