import { useState } from 'preact/hooks';
import { getPage } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { Pager, useCursor } from '../../components/Pager';
import { Section } from '../../components/Section';
import { StateBadge } from '../../components/StateBadge';
import { Table } from '../../components/Table';
import { formatTime } from '../../format';
import { useApi, useLoad } from '../../hooks';
import type { PageProps } from '../../routes';
import { ExplanationTree, type SubjectHealth } from '../services/health';

interface Host {
  id: number;
  experiment: string;
  name: string;
  address: string;
}

interface Check {
  id: number;
  experiment: string;
  name: string;
  kind: string;
}

interface CheckResult {
  id: number;
  check_id: number;
  host_id: number;
  check_name?: string;
  slot_at: string;
  outcome: string;
  value: number | null;
  message: string;
  severity: string;
  reason: string | null;
  duration_ms: number | null;
}

function resultColumns(first: { label: string; render: (r: CheckResult) => string | number }) {
  return [
    first,
    { label: 'Severity', render: (r: CheckResult) => <StateBadge state={r.severity} /> },
    { label: 'Outcome', render: (r: CheckResult) => r.outcome },
    { label: 'Value', render: (r: CheckResult) => (r.value === null ? '—' : String(r.value)), class: 'num' },
    { label: 'Message', render: (r: CheckResult) => r.message || r.reason || '' },
    { label: 'Slot', render: (r: CheckResult) => formatTime(r.slot_at) },
  ];
}

function HostRow({ host }: { host: Host }) {
  const health = useApi<SubjectHealth>(`/hosts/${host.id}/health`, undefined, 15_000);
  const [open, setOpen] = useState(false);
  const results = useApi<{ items: CheckResult[] }>(open ? `/hosts/${host.id}/results` : null, undefined, open ? 15_000 : undefined);
  return (
    <li class="hosts-host">
      <div class="hosts-host-head">
        <strong>{host.name}</strong> <span class="muted">{host.address} · {host.experiment}</span>{' '}
        {health.data ? <StateBadge state={health.data.state} /> : health.error ? null : <Loading />}
        {health.data ? <span class="hosts-reason">{health.data.reason}</span> : null}
        <button type="button" aria-expanded={open} aria-controls={`host-${host.id}-detail`} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Show'} results of {host.name}
        </button>
      </div>
      {health.error ? <ErrorMessage error={health.error} onRetry={health.reload} /> : null}
      {open ? (
        <div id={`host-${host.id}-detail`} class="hosts-detail">
          {health.data ? <ExplanationTree root={health.data.explanation} label={`Why ${host.name} is ${health.data.state}`} /> : null}
          {results.error ? <ErrorMessage error={results.error} onRetry={results.reload} /> : null}
          {results.data ? (
            <Table caption={`Latest result of each check on ${host.name}`} rows={results.data.items} rowKey={(r) => r.id} empty="No result yet." columns={resultColumns({ label: 'Check', render: (r) => r.check_name ?? String(r.check_id) })} />
          ) : results.error ? null : (
            <Loading />
          )}
        </div>
      ) : null}
    </li>
  );
}

function CheckResults({ check, hosts }: { check: Check; hosts: ReadonlyMap<number, string> }) {
  const cursor = useCursor();
  const results = useLoad((signal) => getPage<CheckResult>(`/checks/${check.id}/results`, { limit: 20 }, cursor.cursor, signal), [check.id, cursor.cursor], 15_000);
  if (results.error) return <ErrorMessage error={results.error} onRetry={results.reload} />;
  if (!results.data) return <Loading />;
  return (
    <>
      <Table caption={`Results of ${check.name}, newest first`} rows={results.data.items} rowKey={(r) => r.id} empty="No result yet." columns={resultColumns({ label: 'Host', render: (r) => hosts.get(r.host_id) ?? `host ${r.host_id}` })} />
      <Pager label={`Result pages of ${check.name}`} page={cursor.page} next={results.data.next} onNext={cursor.next} onPrevious={cursor.previous} />
    </>
  );
}

export default function Hosts({ query }: PageProps) {
  const experiment = query?.experiment || undefined;
  const hostCursor = useCursor();
  const checkCursor = useCursor();
  const hosts = useLoad((signal) => getPage<Host>('/hosts', { experiment, limit: 25 }, hostCursor.cursor, signal), [experiment, hostCursor.cursor]);
  const checks = useLoad((signal) => getPage<Check>('/checks', { experiment, limit: 25 }, checkCursor.cursor, signal), [experiment, checkCursor.cursor]);
  const [shownCheck, setShownCheck] = useState<Check>();
  const hostNames = new Map((hosts.data?.items ?? []).map((h) => [h.id, h.name] as const));
  return (
    <>
      <PageTitle title="Hosts and checks" />
      <Section title="Hosts" loaded={hosts}>
        {(page) => (
          <>
            {page.items.length === 0 ? <p class="muted">No host.</p> : null}
            <ul class="hosts-list">
              {page.items.map((h) => (
                <HostRow key={h.id} host={h} />
              ))}
            </ul>
            <Pager label="Host pages" page={hostCursor.page} next={page.next} onNext={hostCursor.next} onPrevious={hostCursor.previous} />
          </>
        )}
      </Section>
      <Section title="Checks" loaded={checks}>
        {(page) => (
          <>
            <Table
              caption="Checks"
              rows={page.items}
              rowKey={(c) => c.id}
              empty="No check."
              columns={[
                { label: 'Check', render: (c) => c.name },
                { label: 'Kind', render: (c) => c.kind },
                { label: 'Experiment', render: (c) => c.experiment },
                {
                  label: 'Results',
                  render: (c) => (
                    <button type="button" aria-pressed={shownCheck?.id === c.id} onClick={() => setShownCheck(shownCheck?.id === c.id ? undefined : c)}>
                      {shownCheck?.id === c.id ? 'Hide' : 'Show'} results of {c.name}
                    </button>
                  ),
                },
              ]}
            />
            <Pager label="Check pages" page={checkCursor.page} next={page.next} onNext={checkCursor.next} onPrevious={checkCursor.previous} />
            {shownCheck ? (
              <div class="hosts-check-results">
                <h3>Results of {shownCheck.name}</h3>
                <CheckResults check={shownCheck} hosts={hostNames} />
              </div>
            ) : null}
          </>
        )}
      </Section>
    </>
  );
}
