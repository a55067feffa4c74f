import type { Labels } from '../alerting/promql/values';

/** Labels as stored: a JSON array of [name, value] pairs, in the order given (sorted by the state machine). */
export function labelsToJson(labels: Labels): string {
  return JSON.stringify([...labels]);
}

export function labelsFromJson(text: string): Labels {
  const pairs = JSON.parse(text) as unknown;
  const labels = new Map<string, string>();
  if (Array.isArray(pairs)) {
    for (const pair of pairs) {
      if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string') labels.set(pair[0], pair[1]);
    }
  }
  return labels;
}

/** A PromQL value as text, Prometheus's spelling of the special values: NaN and infinities fit no DOUBLE. */
export function valueToText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function valueFromText(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function historyToText(values: readonly number[]): string {
  return JSON.stringify(values.map(valueToText));
}

export function historyFromText(text: string): number[] {
  const items = JSON.parse(text) as unknown;
  return Array.isArray(items) ? items.filter((item): item is string => typeof item === 'string').map(valueFromText) : [];
}
