import { useState } from 'preact/hooks';
import { api, getAll } from '../../api/client';
import type { Alert } from '../../api/types';
import { PageTitle } from '../../components/PageTitle';
import { Section } from '../../components/Section';
import { StateBadge } from '../../components/StateBadge';
import { Table } from '../../components/Table';
import { formatDuration, formatTime } from '../../format';
import { useLoad } from '../../hooks';
import { href, type PageProps } from '../../routes';
import { alertLabels, matchesAll, type Matcher, type Silence } from '../silences/matchers';
import { SilenceDialog } from '../silences/SilenceDialog';
import { firingSpans, type RuleRow, type Transition } from './timeline';

const WINDOWS: ReadonlyArray<[string, number]> = [
  ['1 hour', 3_600_000],
  ['6 hours', 21_600_000],
  ['24 hours', 86_400_000],
  ['7 days', 604_800_000],
];

function silencesOf(alert: Alert, silences: readonly Silence[]): Silence[] {
  const labels = alertLabels(alert);
  return silences.filter((s) => s.status.state === 'active' && matchesAll(s.matchers, labels));
}

function prefill(alert: Alert): Matcher[] {
  return Object.entries(alertLabels(alert)).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

function Timeline({ rows, fromMs, nowMs }: { rows: RuleRow[]; fromMs: number; nowMs: number }) {
  if (rows.length === 0) return <p class="muted">No alert fired in this window.</p>;
  const width = nowMs - fromMs;
  const pct = (ms: number) => `${(((ms - fromMs) / width) * 100).toFixed(3)}%`;
  return (
    <div class="alerts-timeline">
      <div class="alerts-timeline-scale muted" aria-hidden="true">
        <span>{formatTime(new Date(fromMs).toISOString())}</span>
        <span>now</span>
      </div>
      <ul class="alerts-timeline-rows">
        {rows.map((row) => (
          <li key={row.rule} class="alerts-timeline-row">
            <span class="alerts-timeline-name">
              {row.alertname} <span class="muted">({row.experiment}, rule {row.rule})</span>
            </span>
            <span class="alerts-timeline-track" role="list" aria-label={`Firing spans of ${row.alertname}`}>
              {row.spans.length === 0 ? <span class="muted alerts-timeline-none">pending only</span> : null}
              {row.spans.map((s) => (
                <span
                  role="listitem"
                  key={`${s.fingerprint}-${s.startMs}`}
                  class={`alerts-timeline-bar badge-${s.severity}`}
                  style={{ left: pct(s.startMs), width: `max(3px, calc(${pct(s.endMs)} - ${pct(s.startMs)}))` }}
                  title={`${formatTime(new Date(s.startMs).toISOString())} – ${s.open ? 'now' : formatTime(new Date(s.endMs).toISOString())}`}
                >
                  <span class="visually-hidden">
                    {s.severity} from {formatTime(new Date(s.startMs).toISOString())} {s.open ? 'still firing' : `for ${formatDuration(s.endMs - s.startMs)}`}
                  </span>
                </span>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function Alerts({ query }: PageProps) {
  const experiment = query?.experiment || undefined;
  const active = useLoad((signal) => api.get<{ items: Alert[] }>('/alerts', { experiment }, { signal }), [experiment], 1000);
  const silences = useLoad((signal) => api.get<Silence[]>('/alertmanager/api/v2/silences', undefined, { signal }), [], 5000);
  const [windowMs, setWindowMs] = useState(86_400_000);
  const history = useLoad(
    async (signal) => {
      const nowMs = Date.now();
      const fromMs = nowMs - windowMs;
      const items = await getAll<Transition>('/alerts/history', { experiment, from: new Date(fromMs).toISOString(), limit: 1000 }, 5000, signal);
      return { rows: firingSpans(items, fromMs, nowMs), fromMs, nowMs, truncated: items.length >= 5000 };
    },
    [experiment, windowMs],
    15_000,
  );
  const [silencing, setSilencing] = useState<Alert>();
  const [created, setCreated] = useState<string>();
  const activeSilences = silences.data ?? [];

  return (
    <>
      <PageTitle title="Alerts">
        <a href={href('/silences')}>Silences</a>
      </PageTitle>
      {created ? (
        <p class="notice" role="status">
          Silence {created} created.
        </p>
      ) : null}
      <Section title="Active alerts" loaded={active}>
        {(data) => (
          <Table
            caption={`Active alerts (${data.items.length}), refreshed every second`}
            rows={data.items}
            rowKey={(a) => `${a.rule}/${a.fingerprint}`}
            empty="No active alert."
            columns={[
              { label: 'Alert', render: (a) => <strong>{a.alertname}</strong> },
              { label: 'State', render: (a) => <StateBadge state={a.state} /> },
              { label: 'Severity', render: (a) => <StateBadge state={a.severity} /> },
              {
                label: 'Silenced',
                render: (a) => {
                  const by = silencesOf(a, activeSilences);
                  return by.length ? <span class="alerts-silenced">Silenced ({by.length})</span> : <span class="muted">No</span>;
                },
              },
              { label: 'Experiment', render: (a) => a.experiment },
              { label: 'Labels', render: (a) => <code class="alerts-labels">{Object.entries(a.labels).map(([k, v]) => `${k}="${v}"`).join(' ')}</code> },
              { label: 'Value', render: (a) => a.value, class: 'num' },
              { label: 'Since', render: (a) => formatTime(a.fired_at ?? a.active_at) },
              {
                label: 'Actions',
                render: (a) => (
                  <button type="button" onClick={() => setSilencing(a)} aria-label={`Silence ${a.alertname} ${a.fingerprint}`}>
                    Silence
                  </button>
                ),
              },
            ]}
          />
        )}
      </Section>
      <Section title="History" loaded={history}>
        {(data) => (
          <>
            <div class="alerts-window">
              <label for="alerts-window">Window</label>
              <select id="alerts-window" value={String(windowMs)} onChange={(e) => setWindowMs(Number(e.currentTarget.value))}>
                {WINDOWS.map(([label, ms]) => (
                  <option key={ms} value={String(ms)}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <Timeline rows={data.rows} fromMs={data.fromMs} nowMs={data.nowMs} />
            {data.truncated ? <p class="muted">Only the newest 5,000 transitions are drawn.</p> : null}
          </>
        )}
      </Section>
      {silencing ? (
        <SilenceDialog
          initial={prefill(silencing)}
          alerts={active.data?.items ?? []}
          onClose={() => setSilencing(undefined)}
          onSaved={(id) => {
            setSilencing(undefined);
            setCreated(id);
            silences.reload();
          }}
        />
      ) : null}
    </>
  );
}
