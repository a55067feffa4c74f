/**
 * How a stored series appears to PromQL: its label set. The one table of these rules is in docs/promql.md;
 * keep the two in step.
 */
import type { Labels } from './values';

/** What the mapping reads of a stored series: '' stands for "no source" / "no unit", as in the series table. */
export interface StoredSeriesFields {
  readonly experiment: string;
  readonly metric: string;
  readonly source: string;
  readonly unit: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Labels the platform sets itself: a tag never takes one of these names. */
const OWN_LABELS: ReadonlySet<string> = new Set(['__name__', 'experiment', 'source', 'unit']);

const METRIC_CHAR = /^[a-zA-Z0-9_:]$/;
const LABEL_CHAR = /^[a-zA-Z0-9_]$/;
const DIGIT = /^[0-9]/;

function sanitise(name: string, valid: RegExp): string {
  let out = '';
  // By code point: a character outside the BMP becomes one `_`, not two.
  for (const ch of name) out += valid.test(ch) ? ch : '_';
  return DIGIT.test(out) ? `_${out}` : out;
}

/** A metric name as PromQL's `__name__`: [a-zA-Z0-9_:] kept, anything else `_`, a leading digit prefixed by `_`. */
export function sanitiseMetricName(metric: string): string {
  return sanitise(metric, METRIC_CHAR);
}

/** A tag name as a label name: [a-zA-Z0-9_] kept, anything else `_`, a leading digit prefixed by `_`. */
export function sanitiseLabelName(name: string): string {
  return sanitise(name, LABEL_CHAR);
}

/**
 * The label a tag asks for: its sanitised name, or `tag_<sanitised>` when that is one of the platform's own
 * labels, is reserved (starts with `__`) or is empty.
 */
function wantedTagLabel(tag: string): string {
  const name = sanitiseLabelName(tag);
  return OWN_LABELS.has(name) || name.startsWith('__') || name === '' ? `tag_${name}` : name;
}

/** Code-unit order, as Prometheus sorts label names (byte order for the ASCII names labels have). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The label set of a stored series: `__name__`, `experiment`, `source` and `unit` (absent when empty), and
 * one label per tag with a non-empty value. Tags are placed in turn: first those whose stored name is
 * already the label they ask for (see wantedTagLabel), then the others, each group in code-unit order of
 * the stored names; each takes the label it asks for, or, when an earlier label already holds that name, the
 * name prefixed by `tag_` as many times as it takes to be free. The result is sorted by label name.
 */
export function seriesLabels(series: StoredSeriesFields): Labels {
  const labels = new Map<string, string>();
  const name = sanitiseMetricName(series.metric);
  if (name !== '') labels.set('__name__', name);
  if (series.experiment !== '') labels.set('experiment', series.experiment);
  if (series.source !== '') labels.set('source', series.source);
  if (series.unit !== '') labels.set('unit', series.unit);
  // Tags already spelled as their label first: `a_b` keeps its name before `a.b` or `a-b` can take it.
  const spelled = (tag: string) => (wantedTagLabel(tag) === tag ? 0 : 1);
  const tagNames = Object.keys(series.tags).sort((a, b) => spelled(a) - spelled(b) || compare(a, b));
  for (const tag of tagNames) {
    const value = series.tags[tag];
    if (value === undefined || value === '') continue;
    let label = wantedTagLabel(tag);
    // OWN_LABELS are taken even when absent (no source): a tag never passes for the platform's own label.
    while (labels.has(label) || OWN_LABELS.has(label)) label = `tag_${label}`;
    labels.set(label, value);
  }
  return new Map([...labels].sort(([a], [b]) => compare(a, b)));
}

/** A label set's identity: equal label sets, equal keys. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify([...labels].sort(([a], [b]) => compare(a, b)));
}

/** Prometheus's order of label sets (labels.Compare): name by name, then value, a prefix first. */
export function compareLabelSets(a: Labels, b: Labels): number {
  const left = [...a].sort(([x], [y]) => compare(x, y));
  const right = [...b].sort(([x], [y]) => compare(x, y));
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const [leftName, leftValue] = left[i] as [string, string];
    const [rightName, rightValue] = right[i] as [string, string];
    const byName = compare(leftName, rightName);
    if (byName !== 0) return byName;
    const byValue = compare(leftValue, rightValue);
    if (byValue !== 0) return byValue;
  }
  return left.length - right.length;
}
