import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { formatTime } from '../format';
import { chartOptions } from './options';
import { align, type Line } from './series';

/**
 * Several lines on one time axis with uPlot (loaded here, lazily: only pages with a chart pay for it).
 * Drag across the plot to select a range: onZoom gets it (the page fetches that range at a finer step).
 * A summary table under the chart gives every line's point count and latest value in text (screen readers,
 * tests), and `data-points` on the figure holds the number of points drawn.
 */
export function TimeChart({ lines, caption, onZoom, height = 320 }: { lines: readonly Line[]; caption: string; onZoom?: (fromMs: number, toMs: number) => void; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [failed, setFailed] = useState<unknown>();
  const [ready, setReady] = useState(false);
  const [theme, setTheme] = useState(0);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const labelsKey = lines.map((l) => l.label).join('\u0000');

  // Redraw with the other palette when the theme changes.
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme((n) => n + 1));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const changed = () => setTheme((n) => n + 1);
    media.addEventListener('change', changed);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', changed);
    };
  }, []);

  // (Re)create the chart when the set of lines or the theme changes.
  useEffect(() => {
    let cancelled = false;
    let resize: ResizeObserver | undefined;
    void (async () => {
      try {
        const [{ default: UPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]);
        const el = box.current;
        if (cancelled || !el) return;
        const style = getComputedStyle(document.documentElement);
        const colours = { text: style.getPropertyValue('--text').trim() || '#000', grid: style.getPropertyValue('--border').trim() || '#ccc' };
        const width = Math.max(200, el.clientWidth);
        const { xs, ys } = align(lines);
        chart.current?.destroy();
        chart.current = new UPlot(
          chartOptions(lines.map((l) => l.label), { width, height }, colours, (from, to) => zoom.current?.(from, to)),
          [xs, ...ys] as uPlot.AlignedData,
          el,
        );
        resize = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
        resize.observe(el);
        setReady(true);
      } catch (error) {
        if (!cancelled) setFailed(error);
      }
    })();
    return () => {
      cancelled = true;
      resize?.disconnect();
    };
  }, [labelsKey, theme, height]);

  // New data on the same lines: only setData (keeps the chart and its cursor).
  useEffect(() => {
    if (!ready || !chart.current) return;
    const { xs, ys } = align(lines);
    chart.current.setData([xs, ...ys] as uPlot.AlignedData);
  }, [lines, ready]);

  useEffect(() => () => chart.current?.destroy(), []);

  const counts = lines.map((l) => l.points.filter(([, v]) => v !== null).length);
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart" data-points={total}>
      {failed ? <ErrorMessage error={failed} context="The chart could not be drawn" /> : null}
      {!ready && !failed ? <Loading /> : null}
      <div ref={box} class="chart-plot" role="img" aria-label={`${caption}: ${lines.length} series, ${total} points`} />
      <figcaption>
        <div class="table-wrap" tabIndex={0} role="region" aria-label={`${caption}: summary`}>
          <table class="chart-summary">
            <caption>{caption}: summary</caption>
            <thead>
              <tr>
                <th scope="col">Series</th>
                <th scope="col" class="num">Points</th>
                <th scope="col" class="num">Latest value</th>
                <th scope="col">Latest at</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l, i) => {
                const last = [...l.points].reverse().find(([, v]) => v !== null);
                return (
                  <tr key={l.key} data-series={l.key}>
                    <td>{l.label}</td>
                    <td class="num chart-count">{counts[i]}</td>
                    <td class="num chart-last">{last ? String(last[1]) : '—'}</td>
                    <td>{last ? formatTime(new Date(last[0]).toISOString()) : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </figcaption>
    </figure>
  );
}
