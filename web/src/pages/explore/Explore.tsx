import { useEffect, useRef, useState } from 'preact/hooks';
import type { EditorView } from '@codemirror/view';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormField } from '../../components/FormField';
import { Loading } from '../../components/Loading';
import { PageTitle } from '../../components/PageTitle';
import { Table } from '../../components/Table';
import { TimeChart } from '../../chart/TimeChart';
import { RANGES, download, stepSeconds, toCsv, type Line } from '../../chart/series';
import type { PageProps } from '../../routes';

/** Prometheus's query answer (data of /query and /query_range). */
type Result =
  | { resultType: 'vector'; result: Array<{ metric: Record<string, string>; value: [number, string] }> }
  | { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

interface Row {
  key: string;
  series: string;
  value: string;
  at: number;
  points?: number;
}

function seriesName(metric: Record<string, string>): string {
  const { __name__: name, ...labels } = metric;
  const inner = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${name ?? ''}${inner || !name ? `{${inner}}` : ''}`;
}

/** Prometheus's sample values are strings ("NaN", "+Inf" too): a number for the chart, or a gap. */
function sample(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function rowsOf(result: Result): Row[] {
  switch (result.resultType) {
    case 'vector':
      return result.result.map((r, i) => ({ key: String(i), series: seriesName(r.metric), value: r.value[1], at: r.value[0] }));
    case 'matrix':
      return result.result.map((r, i) => {
        const last = r.values[r.values.length - 1];
        return { key: String(i), series: seriesName(r.metric), value: last?.[1] ?? '—', at: last?.[0] ?? 0, points: r.values.length };
      });
    case 'scalar':
    case 'string':
      return [{ key: '0', series: result.resultType, value: result.result[1], at: result.result[0] }];
  }
}

/** Explore: a PromQL editor with completion; instant or range queries; the result as a table and (range) a graph. */
export default function Explore({ query }: PageProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const text = useRef(query?.query ?? '');
  const [editorError, setEditorError] = useState<unknown>();
  const [mode, setMode] = useState<'instant' | 'range'>(query?.mode === 'instant' ? 'instant' : 'range');
  const [rangeMs, setRangeMs] = useState(() => RANGES.find((r) => r.label === query?.range)?.ms ?? 3_600_000);
  const [result, setResult] = useState<{ data: Result; ran: string } | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const settings = useRef({ mode, rangeMs });
  settings.current = { mode, rangeMs };

  const run = async () => {
    const promql = text.current.trim();
    if (promql === '') return;
    setBusy(true);
    setError(undefined);
    try {
      const now = Date.now() / 1000;
      const { mode: m, rangeMs: r } = settings.current;
      const answer =
        m === 'instant'
          ? await api.get<{ data: Result }>('/prometheus/api/v1/query', { query: promql, time: now })
          : await api.get<{ data: Result }>('/prometheus/api/v1/query_range', { query: promql, start: now - r / 1000, end: now, step: stepSeconds(r) });
      setResult({ data: answer.data, ran: promql });
      // The query that ran is in the address: a reload or a shared link runs it again.
      const url = new URL(location.href);
      url.search = new URLSearchParams({ query: promql, mode: m, range: RANGES.find((x) => x.ms === r)?.label ?? '1h' }).toString();
      history.replaceState(history.state, '', url.href);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    let cancelled = false;
    import('./editor')
      .then(({ createEditor }) => {
        if (cancelled || !host.current) return;
        view.current = createEditor(host.current, {
          doc: text.current,
          label: 'PromQL query',
          onRun: () => void runRef.current(),
          onChange: (t) => (text.current = t),
        });
      })
      .catch(setEditorError);
    if (text.current.trim() !== '') void runRef.current();
    return () => {
      cancelled = true;
      view.current?.destroy();
    };
  }, []);

  const rows = result ? rowsOf(result.data) : [];
  const lines: Line[] =
    result?.data.resultType === 'matrix'
      ? result.data.result.map((r, i) => ({ key: String(i), label: seriesName(r.metric), points: r.values.map(([t, v]) => [t * 1000, sample(v)] as [number, number | null]) }))
      : [];
  return (
    <>
      <PageTitle title="Explore" />
      <section class="card" aria-labelledby="section-query">
        <h2 id="section-query">Query</h2>
        <form
          class="explore-form"
          onSubmit={(event) => {
            event.preventDefault();
            void run();
          }}
        >
          <div class="field">
            <label id="explore-query-label" onClick={() => view.current?.focus()}>
              PromQL query
            </label>
            <div id="explore-query" class="explore-editor" ref={host} />
            <p class="hint">Enter runs the query; Ctrl+Space completes metric names, labels and functions.</p>
            {editorError ? <ErrorMessage error={editorError} context="The editor could not load" /> : null}
          </div>
          <div class="explore-options">
            <FormField id="explore-mode" label="Kind">
              <select id="explore-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as 'instant' | 'range')}>
                <option value="range">Range (graph)</option>
                <option value="instant">Instant (now)</option>
              </select>
            </FormField>
            <FormField id="explore-range" label="Range">
              <select id="explore-range" value={String(rangeMs)} disabled={mode === 'instant'} onChange={(e) => setRangeMs(Number(e.currentTarget.value))}>
                {RANGES.map((r) => (
                  <option key={r.label} value={String(r.ms)}>
                    last {r.label}
                  </option>
                ))}
              </select>
            </FormField>
            <button type="submit" class="primary" disabled={busy}>
              Run query
            </button>
          </div>
        </form>
      </section>
      {error ? <ErrorMessage error={error} onRetry={() => void run()} /> : null}
      {busy ? <Loading /> : null}
      {result ? (
        <>
          {lines.length > 0 ? (
            <section class="card" aria-labelledby="section-graph">
              <h2 id="section-graph">Graph</h2>
              <TimeChart lines={lines} caption={`Graph of ${result.ran}`} />
              <button type="button" onClick={() => download('query.csv', toCsv(lines))}>
                Export CSV
              </button>
            </section>
          ) : null}
          <section class="card" aria-labelledby="section-result">
            <h2 id="section-result">Result</h2>
            <Table
              caption={`${result.data.resultType} result of ${result.ran}`}
              rows={rows}
              rowKey={(r) => r.key}
              empty="No series matched."
              columns={[
                { label: 'Series', render: (r) => <code>{r.series}</code> },
                { label: result.data.resultType === 'matrix' ? 'Latest value' : 'Value', render: (r) => r.value, class: 'num' },
                { label: 'At', render: (r) => new Date(r.at * 1000).toLocaleString() },
                ...(result.data.resultType === 'matrix' ? [{ label: 'Points', render: (r: Row) => String(r.points ?? 0), class: 'num' }] : []),
              ]}
            />
          </section>
        </>
      ) : null}
    </>
  );
}
