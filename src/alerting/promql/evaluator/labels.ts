/**
 * Label-set helpers for the evaluator. Results are memoized by label-set identity: a selector's series
 * keep the same Map object at every step, so keys and derived label sets are computed once per series,
 * not once per step.
 */
import type { Labels } from '../values';

export const METRIC_NAME = '__name__';
export const EMPTY_LABELS: Labels = new Map();

const PAIR = '\u0000';
const END = '\u0001';
const ESCAPED = '\u0002';

/** Values holding the separators are JSON-encoded behind a marker, so two different sets never share a key. */
function encodeValue(value: string): string {
  return value.includes(PAIR) || value.includes(END) || value.includes(ESCAPED) ? ESCAPED + JSON.stringify(value) : value;
}

export function encodePair(name: string, value: string): string {
  return name + PAIR + encodeValue(value) + END;
}

/**
 * Per-label-set memo, kept on the Map object itself under a private, non-enumerable symbol: a WeakMap
 * with millions of short-lived keys costs more in garbage collection than the work it saves.
 */
const MEMO = Symbol('promql.labels.memo');

interface Memo {
  names?: readonly string[];
  key?: string;
  dropped?: Labels;
}

type Memoized = Labels & { [MEMO]?: Memo };

function memo(labels: Labels): Memo {
  const existing = (labels as Memoized)[MEMO];
  if (existing !== undefined) return existing;
  const created: Memo = {};
  // A frozen label set simply goes without the memo.
  if (Object.isExtensible(labels)) Object.defineProperty(labels, MEMO, { value: created, enumerable: false });
  return created;
}

export function sortedNames(labels: Labels): readonly string[] {
  const m = memo(labels);
  if (m.names === undefined) m.names = [...labels.keys()].sort();
  return m.names;
}

/** A string identifying the label set (equal sets, equal keys). */
export function labelsKey(labels: Labels): string {
  const m = memo(labels);
  if (m.key === undefined) {
    let key = '';
    for (const name of sortedNames(labels)) key += encodePair(name, labels.get(name) ?? '');
    m.key = key;
  }
  return m.key;
}

export function dropMetricName(labels: Labels): Labels {
  if (!labels.has(METRIC_NAME)) return labels;
  const m = memo(labels);
  if (m.dropped === undefined) {
    const copy = new Map(labels);
    copy.delete(METRIC_NAME);
    m.dropped = copy;
  }
  return m.dropped;
}

/** Prometheus's labels.Compare: label by label in name order, name then value, then the shorter first. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  const l = Math.min(an.length, bn.length);
  for (let i = 0; i < l; i++) {
    const na = an[i] ?? '';
    const nb = bn[i] ?? '';
    if (na !== nb) return na < nb ? -1 : 1;
    const va = a.get(na) ?? '';
    const vb = b.get(nb) ?? '';
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return an.length - bn.length;
}

/** Prometheus's labels.String(): `{a="1", b="2"}`, for error messages. */
export function formatLabels(labels: Labels): string {
  return `{${sortedNames(labels)
    .map((n) => `${n}=${JSON.stringify(labels.get(n) ?? '')}`)
    .join(', ')}}`;
}
