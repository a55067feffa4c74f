import { useState } from 'preact/hooks';
import { getPage } from '../../api/client';
import { FormField } from '../../components/FormField';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useLoad, useSession } from '../../hooks';
import { href } from '../../routes';
import { valueOf } from '../filters';
import type { Policy } from './types';

const PAGE_SIZE = 50;

/** Temporal policies (MonPoly) by ascending id, optionally of one experiment. */
export default function Policies() {
  const { user } = useSession();
  const [experimentText, setExperimentText] = useState('');
  const [experiment, setExperiment] = useState('');
  const { cursor, page, next, previous, first } = useCursor();
  const query = { experiment: experiment || undefined, limit: PAGE_SIZE };
  const list = useLoad((signal) => getPage<Policy>('/policies', query, cursor, signal), [experiment, cursor]);
  return (
    <>
      <PageTitle title="Policies">
        {user?.role === 'ADMIN' ? (
          <a class="rules-button-link" href={href('/policies/edit')}>
            New policy
          </a>
        ) : null}
      </PageTitle>
      <form
        class="card admin-filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setExperiment(experimentText.trim());
          first();
        }}
      >
        <FormField id="policies-experiment" label="Experiment code">
          <input id="policies-experiment" type="text" value={experimentText} onInput={(e) => setExperimentText(valueOf(e))} />
        </FormField>
        <button type="submit">Apply filter</button>
      </form>
      <Section title="Policies" loaded={list}>
        {(data) => (
          <>
            <Table
              caption={`Policies (page ${page})`}
              columns={[
                { label: 'Name', render: (p) => <a href={href(`/policies/${p.id}`)}>{p.name}</a> },
                { label: 'Experiment', render: (p) => p.experiment },
                { label: 'Generation', render: (p) => p.generation, class: 'num' },
                { label: 'Time points', render: (p) => p.monitor.next_tp, class: 'num' },
                { label: 'Monitor', render: (p) => (p.monitor.ended ? 'ended' : 'running') },
                { label: 'Updated', render: (p) => formatTime(p.updated_at) },
              ]}
              rows={data.items}
              rowKey={(p) => p.id}
              empty="No policy."
            />
            <Pager page={page} next={data.next} onNext={next} onPrevious={previous} label="Policy pages" />
          </>
        )}
      </Section>
    </>
  );
}
