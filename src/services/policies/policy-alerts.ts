import type { Labels } from '../../alerting/promql/values';
import { fingerprint, sortedLabels } from '../../alerting/state/alert-labels';
import type { AlertTransition } from '../../alerting/state/alert-state';
import type { Tuple, Value, ValueType, Verdict } from '../../policies';
import { formatFloat } from '../../policies/float-format';

/**
 * Verdicts as alerts (issue 15, "Verdicts become alerts"; docs/policies.md, "Alerts"). Every verdict tuple is a
 * violation (MonPoly's convention: the monitored formula's satisfactions are the violations; with negate, the
 * policy's). One alert per (policy, tuple), labels {alertname="PolicyViolation", policy, experiment, one per
 * verdict variable}; it fires at the first answered time point whose verdict holds the tuple and resolves at
 * the next answered time point whose verdict does not. Rule 0 and group 0, as health alerts (ADR 0009). Pure.
 */
export const POLICY_ALERTNAME = 'PolicyViolation';
export const POLICY_RULE_ID = 0;
export const POLICY_GROUP_ID = 0;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED = new Set(['alertname', 'policy', 'experiment', 'severity', '__name__']);

/** A verdict variable's label name: itself when it is a valid label name we do not use, else `var_` + it with invalid characters as `_`. */
export function variableLabelName(variable: string): string {
  if (LABEL_NAME.test(variable) && !RESERVED.has(variable) && !variable.startsWith('__')) return variable;
  return `var_${variable.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** A value as a label value: strings as they are (no quotes), ints in decimal, floats as MonPoly prints them. */
export function labelValue(value: Value, type: ValueType): string {
  if (type === 'float') return formatFloat(value as number);
  return String(value);
}

export interface PolicyAlertSubject {
  readonly policy: string;
  readonly experiment: string;
  readonly variables: readonly string[];
  readonly types: readonly ValueType[];
}

export function violationLabels(subject: PolicyAlertSubject, tuple: Tuple): Labels {
  const labels = new Map<string, string>([
    ['alertname', POLICY_ALERTNAME],
    ['policy', subject.policy],
    ['experiment', subject.experiment],
  ]);
  subject.variables.forEach((variable, i) => labels.set(variableLabelName(variable), labelValue(tuple[i] as Value, subject.types[i] ?? 'string')));
  return sortedLabels(labels);
}

/** The alerts firing for a policy, by fingerprint, and the last at_ms written (at_ms is unique per fingerprint). */
export interface FiringAlerts {
  readonly firing: Map<string, Labels>;
  lastAtMs: number;
}

export function parseFiring(json: string): FiringAlerts {
  const parsed = JSON.parse(json) as { firing?: [string, string][][]; lastAtMs?: number } | unknown[];
  const list = Array.isArray(parsed) ? [] : (parsed.firing ?? []);
  const firing = new Map<string, Labels>();
  for (const pairs of list) {
    const labels = new Map(pairs);
    firing.set(fingerprint(labels), labels);
  }
  return { firing, lastAtMs: Array.isArray(parsed) ? 0 : (parsed.lastAtMs ?? 0) };
}

export function firingToJson(state: FiringAlerts): string {
  return JSON.stringify({ firing: [...state.firing.values()].map((labels) => [...labels]), lastAtMs: state.lastAtMs });
}

/**
 * The transitions of a batch's answered time points [fromTp, toTp): `verdicts` are the satisfied ones among them,
 * in order; the others had an empty verdict. Updates `state` in place.
 */
export function violationTransitions(
  state: FiringAlerts,
  subject: PolicyAlertSubject,
  answered: { readonly fromTp: number; readonly toTp: number },
  verdicts: readonly Verdict[],
  nowMs: number,
): AlertTransition[] {
  const out: AlertTransition[] = [];
  const base = Math.max(nowMs, state.lastAtMs + 1);
  const lastOf = new Map<string, number>();
  const at = (fp: string): number => {
    const previous = lastOf.get(fp);
    const ms = previous === undefined ? base : previous + 1;
    lastOf.set(fp, ms);
    state.lastAtMs = Math.max(state.lastAtMs, ms);
    return ms;
  };
  const moveTo = (wanted: Map<string, Labels>, tp: number, ts: number): void => {
    for (const [fp, labels] of state.firing) {
      if (wanted.has(fp)) continue;
      state.firing.delete(fp);
      out.push({ ruleId: POLICY_RULE_ID, fingerprint: fp, labels, from: 'firing', to: 'resolved', severity: 'ok', reason: reason(tp, ts, false), value: tp, atMs: at(fp) });
    }
    for (const [fp, labels] of wanted) {
      if (state.firing.has(fp)) continue;
      state.firing.set(fp, labels);
      out.push({ ruleId: POLICY_RULE_ID, fingerprint: fp, labels, from: 'inactive', to: 'firing', severity: 'critical', reason: reason(tp, ts, true), value: tp, atMs: at(fp) });
    }
  };
  let previous = answered.fromTp - 1;
  for (const verdict of verdicts) {
    // An answered time point without a verdict between the previous one and this: nothing is violated there.
    if (verdict.tp > previous + 1 && state.firing.size > 0) moveTo(new Map(), previous + 1, -1);
    const wanted = new Map<string, Labels>();
    for (const tuple of verdict.tuples) {
      const labels = violationLabels(subject, tuple);
      wanted.set(fingerprint(labels), labels);
    }
    moveTo(wanted, verdict.tp, verdict.ts);
    previous = verdict.tp;
  }
  if (answered.toTp - 1 > previous && state.firing.size > 0) moveTo(new Map(), answered.toTp - 1, -1);
  return out;
}

/** Every firing alert resolved (the policy is deleted). */
export function resolveAll(state: FiringAlerts, why: string, nowMs: number): AlertTransition[] {
  const atMs = Math.max(nowMs, state.lastAtMs + 1);
  const out = [...state.firing].map(([fp, labels]): AlertTransition => ({ ruleId: POLICY_RULE_ID, fingerprint: fp, labels, from: 'firing', to: 'resolved', severity: 'ok', reason: why, value: 0, atMs }));
  state.firing.clear();
  state.lastAtMs = atMs;
  return out;
}

function reason(tp: number, ts: number, violated: boolean): string {
  const at = ts < 0 ? `time point ${tp}` : `time point ${tp} (@${ts})`;
  return violated ? `violated at ${at}` : `not violated at ${at}`;
}
