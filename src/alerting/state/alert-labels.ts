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

const encoder = new TextEncoder();

/**
 * A stable identity of a label set (FNV-1a 64 over name\xff value\xff ..., sorted by name), 16 hex digits:
 * what alert states are keyed by. Any order of the same labels gives the same fingerprint. The 64-bit state is
 * four 16-bit limbs (h0 lowest): the FNV prime is 2^40 + 0x1b3, so a product is a few small multiplications,
 * with no BigInt (a policy's ingest fingerprints thousands of label sets per call).
 */
export function fingerprint(labels: Labels): string {
  // FNV-1a 64's offset basis 0xcbf29ce484222325.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const mix = (byte: number): void => {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  for (const [name, value] of sortedLabels(labels)) {
    for (const part of [name, value]) {
      for (const byte of encoder.encode(part)) mix(byte);
      mix(0xff);
    }
  }
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
}

/** The `severity` label's level, when it names one of the severities. */
export function severityLabel(labels: Labels): Severity | undefined {
  const value = labels.get('severity');
  return SEVERITIES.find((severity) => severity === value);
}
