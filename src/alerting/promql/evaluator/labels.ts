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

const sortedNamesCache = new WeakMap<Labels, readonly string[]>();

export function sortedNames(labels: Labels): readonly string[] {
  let names = sortedNamesCache.get(labels);
  if (names === undefined) {
    names = [...labels.keys()].sort();
    sortedNamesCache.set(labels, names);
  }
  return names;
}

const keyCache = new WeakMap<Labels, string>();

/** A string identifying the label set (equal sets, equal keys). */
export function labelsKey(labels: Labels): string {
  let key = keyCache.get(labels);
  if (key === undefined) {
    key = '';
    for (const name of sortedNames(labels)) key += encodePair(name, labels.get(name) ?? '');
    keyCache.set(labels, key);
  }
  return key;
}

const dropCache = new WeakMap<Labels, Labels>();

export function dropMetricName(labels: Labels): Labels {
  if (!labels.has(METRIC_NAME)) return labels;
  let dropped = dropCache.get(labels);
  if (dropped === undefined) {
    const copy = new Map(labels);
    copy.delete(METRIC_NAME);
    dropped = copy;
    dropCache.set(labels, dropped);
  }
  return dropped;
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
