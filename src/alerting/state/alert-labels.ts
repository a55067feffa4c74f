import type { Labels } from '../promql/values';
import { SEVERITIES, type Severity } from '../rules/rule';

/** Expands a rule label's `{{ $labels.x }}` / `{{ $value }}` template; the identity when no template engine is wired. */
export type LabelExpander = (text: string, labels: Labels, value: number) => string;

export const noExpansion: LabelExpander = (text) => text;

/**
 * The labels of the alert an element raises, as Prometheus's AlertingRule.Eval builds them: the element's
 * labels without __name__, then the rule's labels (expanded; they win), then alertname. Sorted by name.
 */
export function alertLabels(
  ruleName: string,
  ruleLabels: Labels,
  elementLabels: Labels,
  value: number,
  expand: LabelExpander = noExpansion,
): Labels {
  const labels = new Map<string, string>();
  for (const [name, text] of elementLabels) if (name !== '__name__') labels.set(name, text);
  for (const [name, text] of ruleLabels) labels.set(name, expand(text, elementLabels, value));
  labels.set('alertname', ruleName);
  // Prometheus drops labels whose value is empty: an empty label is no label.
  for (const [name, text] of labels) if (text === '') labels.delete(name);
  return sortedLabels(labels);
}

export function sortedLabels(labels: Labels): Labels {
  return new Map([...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/**
 * A stable identity of a label set (FNV-1a 64 over name\xff value\xff ..., sorted by name), 16 hex digits:
 * what alert states are keyed by. Any order of the same labels gives the same fingerprint.
 */
export function fingerprint(labels: Labels): string {
  let hash = FNV_OFFSET;
  for (const [name, value] of sortedLabels(labels)) {
    for (const part of [name, value]) {
      for (const byte of encoder.encode(part)) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
      hash = ((hash ^ 0xffn) * FNV_PRIME) & MASK;
    }
  }
  return hash.toString(16).padStart(16, '0');
}

/** The `severity` label's level, when it names one of the severities. */
export function severityLabel(labels: Labels): Severity | undefined {
  const value = labels.get('severity');
  return SEVERITIES.find((severity) => severity === value);
}
