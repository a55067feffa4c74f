/**
 * Pure helpers of the console's time-series charts (no DOM, no uPlot): the step that keeps a chart near
 * TARGET_POINTS, aligning several series on one time axis, merging a live tail, and the CSV of what is shown.
 */

/** About this many points per series on a chart (the aggregate API's `step` is chosen for it). */
export const TARGET_POINTS = 1000;

/** Range presets: label and length in ms. */
export const RANGES: ReadonlyArray<{ label: string; ms: number }> = [
  { label: '15m', ms: 15 * 60_000 },
  { label: '1h', ms: 3_600_000 },
  { label: '6h', ms: 6 * 3_600_000 },
  { label: '24h', ms: 24 * 3_600_000 },
  { label: '7d', ms: 7 * 86_400_000 },
  { label: '30d', ms: 30 * 86_400_000 },
];

/** Steps the chart uses, in seconds: round values so buckets line up with the API's minute and hour rollups. */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** The smallest round step (seconds) that keeps [from, to) within `target` buckets. */
export function stepSeconds(rangeMs: number, target = TARGET_POINTS): number {
  const wanted = Math.max(1, rangeMs / 1000 / target);
  const nice = NICE_STEPS.find((s) => s >= wanted);
  return nice ?? Math.ceil(wanted / 86_400) * 86_400;
}

/** A step in seconds as the aggregate API's `step` parameter (30s, 5m, 1h, 1d). */
export function stepParam(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** One line of a chart: its label and its points as [epoch ms, value] oldest first. */
export interface Line {
  key: string;
  label: string;
  points: Array<[number, number | null]>;
}

/** Several lines on one time axis, as uPlot wants it: xs in epoch seconds, one y array per line (null = no point). */
export function align(lines: readonly Line[]): { xs: number[]; ys: Array<Array<number | null>> } {
  const times = new Set<number>();
  for (const line of lines) for (const [t] of line.points) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const index = new Map<number, number>();
  sorted.forEach((t, i) => index.set(t, i));
  const ys = lines.map((line) => {
    const y: Array<number | null> = new Array<number | null>(sorted.length).fill(null);
    for (const [t, v] of line.points) y[index.get(t)!] = v;
    return y;
  });
  return { xs: sorted.map((t) => t / 1000), ys };
}

/**
 * A live tail merged into a line: buckets of the tail replace those with the same start (the last bucket
 * fills up while it is current), newer ones are appended, and points before `fromMs` drop off the front.
 */
export function mergeTail(points: ReadonlyArray<[number, number | null]>, tail: ReadonlyArray<[number, number | null]>, fromMs: number): Array<[number, number | null]> {
  const byTime = new Map<number, number | null>();
  for (const [t, v] of points) if (t >= fromMs) byTime.set(t, v);
  for (const [t, v] of tail) if (t >= fromMs) byTime.set(t, v);
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV of what a chart shows: a timestamp column (RFC 3339) and one column per line. */
export function toCsv(lines: readonly Line[]): string {
  const { xs, ys } = align(lines);
  const rows = [['timestamp', ...lines.map((l) => l.label)].map(csvCell).join(',')];
  xs.forEach((x, i) => {
    rows.push([new Date(x * 1000).toISOString(), ...ys.map((y) => (y[i] === null || y[i] === undefined ? '' : String(y[i])))].join(','));
  });
  return `${rows.join('\r\n')}\r\n`;
}

/** Saves text as a file through a Blob (nothing leaves the browser). */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
