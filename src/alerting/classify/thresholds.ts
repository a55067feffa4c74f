import type { Severity, ThresholdClassifier, ThresholdOp } from '../rules/rule';

const compare: Record<ThresholdOp, (value: number, threshold: number) => boolean> = {
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
  '==': (v, t) => v === t,
  '!=': (v, t) => v !== t,
};

/**
 * The first threshold the value meets gives the severity; none met: `ok`. A NaN value (no sample, or
 * Prometheus's NaN) meets no comparison meaningfully, so it is `unknown` rather than a silent `ok`.
 */
export function classifyByThresholds(classifier: ThresholdClassifier, value: number): Severity {
  if (Number.isNaN(value)) return 'unknown';
  const met = classifier.thresholds.find((t) => compare[t.op](value, t.value));
  return met?.severity ?? 'ok';
}
