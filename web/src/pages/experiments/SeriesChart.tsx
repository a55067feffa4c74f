import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { TimeChart } from '../../chart/TimeChart';
import { RANGES, download, mergeTail, stepParam, stepSeconds, toCsv, type Line } from '../../chart/series';
import type { Aggregate, Series } from './types';
import { seriesLabel } from './types';

/** What the chart shows: a preset ending now (live) or a fixed window (after a zoom or a pan). */
type Window = { live: true; ms: number } | { live: false; from: number; to: number };

const TAIL_MS = 2000;

function bounds(w: Window, now: number): { from: number; to: number } {
  return w.live ? { from: now - w.ms, to: now } : { from: w.from, to: w.to };
}

/** The aggregate API for the chosen series (one call per metric and source; the answer is filtered by series id). */
async function fetchLines(code: string, chosen: readonly Series[], from: number, to: number, step: string, signal?: AbortSignal): Promise<Line[]> {
  const groups = new Map<string, { metric: string; source?: string | null }>();
  for (const s of chosen) groups.set(JSON.stringify([s.metric, s.source ?? null]), { metric: s.metric, source: s.source });
  const wanted = new Set(chosen.map((s) => s.id));
  const answers = await Promise.all(
    [...groups.values()].map((g) =>
      api.get<Aggregate>(
        `/experiments/${encodeURIComponent(code)}/measures/aggregate`,
        { metric: g.metric, source: g.source ?? undefined, from: new Date(from).toISOString(), to: new Date(to).toISOString(), step, fn: 'avg' },
        { signal },
      ),
    ),
  );
  const byId = new Map<number, Line>();
  for (const answer of answers)
    for (const s of answer.series)
      if (wanted.has(s.id)) byId.set(s.id, { key: String(s.id), label: seriesLabel(s), points: s.points.map((p) => [Date.parse(p.timestamp), p.value]) });
  // Keep the order the user picked them in; a series with no point in the window is still a (empty) line.
  return chosen.map((s) => byId.get(s.id) ?? { key: String(s.id), label: seriesLabel(s), points: [] });
}

/**
 * The chart of the chosen series: range presets, drag to zoom, pan buttons, a step keeping ~1,000 points,
 * a live tail every 2 s while the window ends now, and the CSV of what is shown.
 */
export function SeriesChart({ code, chosen }: { code: string; chosen: readonly Series[] }) {
  const [window, setWindow] = useState<Window>({ live: true, ms: 3_600_000 });
  const [lines, setLines] = useState<Line[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);
  const shown = useRef<{ from: number; to: number }>({ from: 0, to: 0 });
  const chosenKey = chosen.map((s) => s.id).join(',');
  const span = window.live ? window.ms : window.to - window.from;
  const step = stepSeconds(span);

  // A full load when the window, the series or the step change.
  useEffect(() => {
    if (chosen.length === 0) {
      setLines([]);
      return;
    }
    const controller = new AbortController();
    const { from, to } = bounds(window, Date.now());
    shown.current = { from, to };
    setError(undefined);
    fetchLines(code, chosen, from, to, stepParam(step), controller.signal)
      .then((l) => !controller.signal.aborted && setLines(l))
      .catch((e) => !controller.signal.aborted && setError(e));
    return () => controller.abort();
  }, [code, chosenKey, JSON.stringify(window), version]);

  // The live tail: the newest buckets every 2 s, merged in, the window sliding forward.
  useEffect(() => {
    if (!window.live || chosen.length === 0 || lines === undefined) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      const now = Date.now();
      const stepMs = step * 1000;
      // From the start of the last bucket shown (it may have filled up since).
      const from = Math.floor(shown.current.to / stepMs) * stepMs;
      fetchLines(code, chosen, from, now, stepParam(step), controller.signal)
        .then((tail) => {
          if (controller.signal.aborted) return;
          const start = now - window.ms;
          shown.current = { from: start, to: now };
          setLines((current) => (current ?? []).map((line, i) => ({ ...line, points: mergeTail(line.points, tail[i]?.points ?? [], start) })));
          setError(undefined);
        })
        .catch((e) => !controller.signal.aborted && setError(e));
    }, TAIL_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [code, chosenKey, JSON.stringify(window), lines === undefined]);

  const pan = (fraction: number) => {
    const { from, to } = shown.current;
    const delta = (to - from) * fraction;
    const end = Math.min(to + delta, Date.now());
    setWindow({ live: false, from: end - (to - from), to: end });
  };
  const label = useMemo(() => {
    const { from, to } = shown.current;
    return window.live ? `last ${RANGES.find((r) => r.ms === window.ms)?.label ?? ''}, live` : `${new Date(from).toLocaleString()} – ${new Date(to).toLocaleString()}`;
  }, [JSON.stringify(window), lines]);

  return (
    <section class="card" aria-labelledby="section-chart">
      <h2 id="section-chart">Chart</h2>
      <div class="experiments-toolbar" role="group" aria-label="Range">
        {RANGES.map((r) => (
          <button key={r.label} type="button" aria-pressed={window.live && window.ms === r.ms} onClick={() => setWindow({ live: true, ms: r.ms })}>
            {r.label}
          </button>
        ))}
        <button type="button" onClick={() => pan(-0.5)} title="Pan back half a window">
          <span aria-hidden="true">← </span>Earlier
        </button>
        <button type="button" onClick={() => pan(0.5)} disabled={window.live} title="Pan forward half a window">
          Later<span aria-hidden="true"> →</span>
        </button>
        <button type="button" onClick={() => setVersion((v) => v + 1)}>
          Reload
        </button>
        <button type="button" disabled={!lines || lines.length === 0} onClick={() => lines && download(`${code}-measures.csv`, toCsv(lines))}>
          Export CSV
        </button>
      </div>
      <p class="muted" aria-live="polite">
        {chosen.length === 0 ? 'Choose one or more series above.' : `Showing ${label}, step ${stepParam(step)} (average per bucket). Drag across the chart to zoom in.`}
      </p>
      {error ? <ErrorMessage error={error} onRetry={() => setVersion((v) => v + 1)} /> : null}
      {chosen.length === 0 ? null : lines === undefined ? (
        <Loading />
      ) : (
        <TimeChart lines={lines} caption={`Measures of ${code}`} onZoom={(from, to) => setWindow({ live: false, from, to })} />
      )}
    </section>
  );
}
