import { api, getAll } from '../../api/client';
import type { Alert, HealthReport, HealthSummary, Ticket } from '../../api/types';
import { PageTitle } from '../../components/PageTitle';
import { Section } from '../../components/Section';
import { StateBadge } from '../../components/StateBadge';
import { Table, type Column } from '../../components/Table';
import { formatCount, formatDuration, formatLabels, formatTime } from '../../format';
import { useApi, useLoad, useSession } from '../../hooks';

/** How often the overview reloads its sections. */
export const REFRESH_MS = 5000;
/** The ingest section counts at most this many metrics (and says so when there are more). */
const INGEST_METRICS_MAX = 50;

const healthColumns: ReadonlyArray<Column<HealthSummary>> = [
  { label: 'State', render: (h) => <StateBadge state={h.state} /> },
  { label: 'Name', render: (h) => h.name },
  { label: 'Experiment', render: (h) => h.experiment },
  { label: 'Reason', render: (h) => h.reason },
  { label: 'Since', render: (h) => formatTime(h.since) },
];

const alertColumns: ReadonlyArray<Column<Alert>> = [
  { label: 'Severity', render: (a) => <StateBadge state={a.severity} /> },
  { label: 'Alert', render: (a) => a.alertname },
  { label: 'Experiment', render: (a) => a.experiment },
  { label: 'Labels', render: (a) => <code>{formatLabels(a.labels)}</code> },
  { label: 'Value', render: (a) => a.value, class: 'num' },
  { label: 'Firing since', render: (a) => formatTime(a.fired_at ?? a.active_at) },
];

const ticketColumns: ReadonlyArray<Column<Ticket>> = [
  { label: 'Ticket', render: (t) => `#${t.id}` },
  { label: 'Priority', render: (t) => <StateBadge state={t.priority} /> },
  { label: 'Group', render: (t) => <code>{formatLabels(t.group_labels)}</code> },
  { label: 'Experiments', render: (t) => t.experiments.join(', ') },
  { label: 'Opened', render: (t) => formatTime(t.opened_at) },
  { label: 'Open for', render: (t) => formatDuration(Date.now() - new Date(t.opened_at).getTime()) },
];

const SEVERITY_ORDER = ['critical', 'major', 'minor', 'unknown', 'ok'];

/** What is wrong now: services and hosts worst first, firing alerts, open tickets, rejected messages. */
export default function Overview() {
  const { user } = useSession();
  const health = useApi<HealthReport>('/health-report', undefined, REFRESH_MS);
  const alerts = useApi<{ items: Alert[] }>('/alerts', { state: 'firing' }, REFRESH_MS);
  const tickets = useApi<{ items: Ticket[]; next?: string }>('/tickets', { state: 'open', limit: 20 }, REFRESH_MS);
  const rejected = useLoad(
    async (signal) => {
      if (user?.role !== 'ADMIN') return undefined;
      const from = new Date(Date.now() - 3_600_000).toISOString();
      return (await getAll<unknown>('/exceptions', { from, limit: 1000 }, 10_000, signal)).length;
    },
    [user?.role],
    REFRESH_MS * 6,
  );
  // Measures with a timestamp in the last hour, of the experiments the caller sees: PromQL over the stored
  // series, one query per metric name (count_over_time drops the name, so one query over every name would
  // hold series whose other labels are equal, which Prometheus refuses).
  const ingest = useLoad(
    async (signal) => {
      const names = await api.get<{ data: string[] }>('/prometheus/api/v1/label/__name__/values', undefined, { signal });
      const counted = names.data.slice(0, INGEST_METRICS_MAX);
      const counts = await Promise.all(
        counted.map(async (name) => {
          const answer = await api.get<{ data: { result: Array<{ value: [number, string] }> } }>(
            '/prometheus/api/v1/query',
            { query: `sum(count_over_time({__name__=${JSON.stringify(name)}}[1h]))` },
            { signal },
          );
          const value = answer.data.result[0]?.value[1];
          return value === undefined ? 0 : Number(value);
        }),
      );
      return { count: counts.reduce((a, b) => a + b, 0), partial: counted.length < names.data.length };
    },
    [],
    REFRESH_MS * 6,
  );
  return (
    <>
      <PageTitle title="Overview" />
      <div class="grid">
        <Section title="Services" loaded={health}>
          {(report) => <Table caption="Services, worst first" columns={healthColumns} rows={report.services} rowKey={(h) => h.id} empty="No services." />}
        </Section>
        <Section title="Hosts" loaded={health}>
          {(report) => <Table caption="Hosts, worst first" columns={healthColumns} rows={report.hosts} rowKey={(h) => h.id} empty="No hosts." />}
        </Section>
        <Section title="Firing alerts" loaded={alerts}>
          {(data) => (
            <Table
              caption={`${data.items.length} firing`}
              columns={alertColumns}
              rows={[...data.items].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))}
              rowKey={(a) => `${a.rule}:${a.fingerprint}`}
              empty="No alert is firing."
            />
          )}
        </Section>
        <Section title="Open tickets" loaded={tickets}>
          {(data) => (
            <Table
              caption={data.next ? `The ${data.items.length} newest open tickets` : `${data.items.length} open`}
              columns={ticketColumns}
              rows={data.items}
              rowKey={(t) => t.id}
              empty="No open ticket."
            />
          )}
        </Section>
        <Section title="Ingest" loaded={ingest}>
          {({ count, partial }) => (
            <p class="stat">
              <span class="stat-value">{formatCount(Math.round(count / 60))}</span> measures per minute over the last hour (
              {formatCount(count)} in all{partial ? `, counting the first ${INGEST_METRICS_MAX} metrics only` : ''})
            </p>
          )}
        </Section>
        {user?.role === 'ADMIN' ? (
          <Section title="Rejected messages" loaded={rejected}>
            {(count) => (
              <p class="stat">
                <span class="stat-value">{formatCount(count ?? 0)}</span> rejected in the last hour
              </p>
            )}
          </Section>
        ) : null}
      </div>
    </>
  );
}
