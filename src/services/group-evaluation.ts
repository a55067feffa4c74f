import type { Classify } from '../alerting/classify/classify';
import type { EvalOptions, PromqlEngine, SeriesSource } from '../alerting/promql/engine-api';
import type { Labels, Value, VectorSample } from '../alerting/promql/values';
import type { AlertingRule, RecordingRule, RuleGroup, Severity, StoredRule } from '../alerting/rules/rule';
import { advance, nextHistory } from '../alerting/state/advance';
import { alertLabels, fingerprint, noExpansion, severityLabel, sortedLabels, type LabelExpander } from '../alerting/state/alert-labels';
import { alertSamples, type AlertSample } from '../alerting/state/alert-series';
import type { AlertElement, AlertState, AlertTransition } from '../alerting/state/alert-state';

export interface GroupEvaluationPorts {
  readonly engine: PromqlEngine;
  readonly source: SeriesSource;
  /** Absent: rules with a classifier are `unknown` (no classifier engine in this process). */
  readonly classify?: Classify;
  readonly expand?: LabelExpander;
  readonly now?: () => number;
}

export interface RuleOutcome {
  readonly ruleId: number;
  readonly health: 'ok' | 'err';
  readonly lastError?: string;
  readonly durationMs: number;
}

/** What one evaluation of a group decided: committed as a whole or not at all. */
export interface GroupEvaluation {
  readonly atMs: number;
  readonly states: readonly AlertState[];
  readonly transitions: readonly AlertTransition[];
  readonly rules: readonly RuleOutcome[];
  /** Recording rules' results and ALERTS / ALERTS_FOR_STATE, to store as measures at atMs. */
  readonly samples: readonly AlertSample[];
  readonly classifierFailures: number;
}

class RuleResultError extends Error {}

/** A rule's result as Prometheus's rule QueryFunc returns it: a vector; a scalar becomes one label-less sample. */
function asVector(value: Value, atMs: number): readonly VectorSample[] {
  if (value.type === 'vector') return value.samples;
  if (value.type === 'scalar') return [{ labels: new Map(), t: atMs, v: value.v }];
  throw new RuleResultError('rule result is not a vector or scalar');
}

/**
 * Evaluates every rule of `group` at `atMs`, in order, like Prometheus's Group.Eval: a rule that fails
 * keeps its previous states and is reported unhealthy; the others go on. Recording results are stored with
 * the evaluation's commit, so a later rule of the same evaluation does not see them yet (Prometheus appends
 * them before the next rule runs). States of rules no longer in the group end (reason `rule removed`).
 */
export async function evaluateGroup(
  group: RuleGroup,
  previous: readonly AlertState[],
  atMs: number,
  ports: GroupEvaluationPorts,
): Promise<GroupEvaluation> {
  const now = ports.now ?? (() => performance.now());
  const options: Partial<EvalOptions> = { defaultSubqueryStepMs: group.intervalMs };
  const byRule = new Map<number, AlertState[]>();
  for (const state of previous) {
    const list = byRule.get(state.ruleId) ?? [];
    list.push(state);
    byRule.set(state.ruleId, list);
  }
  const states: AlertState[] = [];
  const transitions: AlertTransition[] = [];
  const rules: RuleOutcome[] = [];
  const samples: AlertSample[] = [];
  let classifierFailures = 0;
  for (const rule of group.rules) {
    const started = now();
    const before = byRule.get(rule.id) ?? [];
    byRule.delete(rule.id);
    try {
      const result = asVector(await ports.engine.instant(rule.expr, atMs, ports.source, options), atMs);
      if (rule.kind === 'record') {
        samples.push(...recorded(rule, result));
      } else {
        const { elements, failures } = await classifyElements(rule, before, result, atMs, ports);
        classifierFailures += failures;
        const step = advance(timingOf(rule), before, elements, atMs);
        states.push(...step.states);
        transitions.push(...step.transitions);
        samples.push(...alertSamples(step.states));
      }
      rules.push({ ruleId: rule.id, health: 'ok', durationMs: now() - started });
    } catch (error) {
      states.push(...before);
      rules.push({ ruleId: rule.id, health: 'err', lastError: error instanceof Error ? error.message : String(error), durationMs: now() - started });
    }
  }
  for (const [ruleId, orphans] of byRule) {
    const step = advance({ id: ruleId, forMs: 0, keepFiringForMs: 0, historyLength: 1 }, orphans, [], atMs);
    transitions.push(...step.transitions.map((t) => ({ ...t, reason: 'rule removed' })));
  }
  return { atMs, states, transitions, rules, samples, classifierFailures };
}

function timingOf(rule: AlertingRule & { id: number }) {
  return { id: rule.id, forMs: rule.forMs, keepFiringForMs: rule.keepFiringForMs, historyLength: historyLength(rule) };
}

function historyLength(rule: AlertingRule): number {
  return rule.classifier?.kind === 'lua' ? Math.max(1, rule.classifier.history) : 1;
}

/** Recording rule output: __name__ is the rule's name, the rule's labels win (Prometheus's RecordingRule.Eval). */
function recorded(rule: RecordingRule, result: readonly VectorSample[]): AlertSample[] {
  const seen = new Set<string>();
  return result.map((sample) => {
    const labels = new Map(sample.labels);
    labels.set('__name__', rule.name);
    for (const [name, value] of rule.labels) labels.set(name, value);
    for (const [name, value] of labels) if (value === '') labels.delete(name);
    const sorted: Labels = sortedLabels(labels);
    const key = fingerprint(sorted);
    if (seen.has(key)) throw new RuleResultError('vector contains metrics with the same labelset after applying rule labels');
    seen.add(key);
    return { labels: sorted, value: sample.v };
  });
}

async function classifyElements(
  rule: AlertingRule & { id: number },
  before: readonly AlertState[],
  result: readonly VectorSample[],
  atMs: number,
  ports: GroupEvaluationPorts,
): Promise<{ elements: AlertElement[]; failures: number }> {
  const previous = new Map(before.map((s) => [s.fingerprint, s]));
  const elements: AlertElement[] = [];
  let failures = 0;
  for (const sample of result) {
    const labels = alertLabels(rule.name, rule.labels, sample.labels, sample.v, ports.expand ?? noExpansion);
    const key = fingerprint(labels);
    const decided = await severityOf(rule, labels, nextHistory(previous.get(key), sample.v, atMs, historyLength(rule)), ports);
    if (decided.failed) failures += 1;
    elements.push({
      labels,
      fingerprint: key,
      value: sample.v,
      severity: decided.severity,
      ...(decided.reason === undefined ? {} : { reason: decided.reason }),
    });
  }
  return { elements, failures };
}

async function severityOf(
  rule: StoredRule & AlertingRule,
  labels: Labels,
  values: readonly number[],
  ports: GroupEvaluationPorts,
): Promise<{ severity: Severity; reason?: string; failed?: boolean }> {
  if (rule.classifier === undefined) {
    const severity = severityLabel(labels);
    if (severity !== undefined) return { severity };
    const label = labels.get('severity');
    return { severity: 'unknown', reason: label === undefined ? 'no severity label' : `severity label ${JSON.stringify(label)} is not a severity` };
  }
  if (ports.classify === undefined) return { severity: 'unknown', reason: 'no classifier engine in this process', failed: true };
  try {
    const classification = await ports.classify.classify(rule.classifier, { values, messages: [] });
    return {
      severity: classification.severity,
      ...(classification.reason === undefined ? {} : { reason: classification.reason }),
      ...(classification.severity === 'unknown' && classification.reason !== undefined ? { failed: true } : {}),
    };
  } catch (error) {
    return { severity: 'unknown', reason: `classifier failed: ${error instanceof Error ? error.message : String(error)}`, failed: true };
  }
}
