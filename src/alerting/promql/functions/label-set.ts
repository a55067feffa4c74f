/** Label-set helpers shared by the functions. Label sets are built with their names in sorted order. */
import type { Labels } from '../values';

export const METRIC_NAME = '__name__';
export const BUCKET_LABEL = 'le';

/** Prometheus's model.LabelNameRE: what label_replace() and label_join() accept as a label name. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/** The label set in name order, without empty values (Prometheus never keeps a label with an empty value). */
export function labelsOf(entries: Iterable<readonly [string, string]>): Labels {
  const kept = [...entries].filter(([, v]) => v !== '');
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(kept);
}

/** The label set without the given names. */
export function withoutLabels(labels: Labels, ...names: string[]): Labels {
  if (!names.some((n) => labels.has(n))) {
    return labels;
  }
  return labelsOf([...labels].filter(([name]) => !names.includes(name)));
}

/** The label set without `__name__`, as most PromQL functions return it. */
export function dropMetricName(labels: Labels): Labels {
  return withoutLabels(labels, METRIC_NAME);
}

/** The label set with `name` set to `value`, or removed when `value` is empty (labels.Builder's Set). */
export function withLabel(labels: Labels, name: string, value: string): Labels {
  const entries = [...labels].filter(([n]) => n !== name);
  if (value !== '') {
    entries.push([name, value]);
  }
  return labelsOf(entries);
}
