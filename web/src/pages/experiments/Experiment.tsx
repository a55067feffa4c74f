import { useEffect, useState } from 'preact/hooks';
import { PageTitle } from '../../components/PageTitle';
import { Section } from '../../components/Section';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useApi, useSession } from '../../hooks';
import { href, type PageProps } from '../../routes';
import { Associations } from './Associations';
import { SeriesChart } from './SeriesChart';
import type { Experiment as ExperimentType, Series } from './types';

/** One experiment: its details, (ADMIN) its users, its series, and a chart of the series picked. */
export default function Experiment({ params, query }: PageProps) {
  const code = params?.code ?? '';
  const admin = useSession().user?.role === 'ADMIN';
  const path = `/experiments/${encodeURIComponent(code)}`;
  const experiment = useApi<ExperimentType>(path);
  const series = useApi<{ items: Series[] }>(`${path}/series`);
  // ?series=1,2 pre-selects series (links from elsewhere).
  const [picked, setPicked] = useState<number[]>(() => (query?.series ?? '').split(',').filter((s) => /^\d+$/.test(s)).map(Number));
  // The choice lives in the address too: a reload or a shared link shows the same chart.
  useEffect(() => {
    const url = new URL(location.href);
    if (picked.length > 0) url.searchParams.set('series', picked.join(','));
    else url.searchParams.delete('series');
    if (url.href !== location.href) history.replaceState(history.state, '', url.href);
  }, [picked.join(',')]);
  const toggle = (id: number) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  const chosen = picked.map((id) => series.data?.items.find((s) => s.id === id)).filter((s): s is Series => s !== undefined);
  return (
    <>
      <PageTitle title={`Experiment ${code}`}>
        <a href={href('/experiments')}>All experiments</a>
      </PageTitle>
      <Section title="Details" loaded={experiment}>
        {(e) => (
          <dl class="experiments-details">
            <dt>Name</dt>
            <dd>{e.name}</dd>
            <dt>Description</dt>
            <dd>{e.description ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(e.created_at)}</dd>
          </dl>
        )}
      </Section>
      {admin ? <Associations code={code} /> : null}
      <Section title="Series" loaded={series}>
        {(data) => (
          <Table
            caption={`Series of ${code}: tick those to chart`}
            rows={data.items}
            rowKey={(s) => s.id}
            empty="No measure stored yet."
            columns={[
              {
                label: 'Chart',
                render: (s) => (
                  <input type="checkbox" id={`series-${s.id}`} checked={picked.includes(s.id)} onChange={() => toggle(s.id)} aria-label={`Chart ${s.metric}${s.source ? ` from ${s.source}` : ''}`} />
                ),
              },
              { label: 'Metric', render: (s) => s.metric },
              { label: 'Source', render: (s) => s.source ?? '—' },
              { label: 'Unit', render: (s) => s.unit ?? '—' },
              {
                label: 'Tags',
                render: (s) =>
                  Object.entries(s.tags ?? {})
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ') || '—',
              },
            ]}
          />
        )}
      </Section>
      <SeriesChart code={code} chosen={chosen} />
    </>
  );
}
