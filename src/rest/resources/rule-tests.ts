import { Router } from 'express';
import type { Labels } from '../../alerting/promql/values';
import { formatDuration } from '../../alerting/rules/duration';
import { rawFromJson } from '../../alerting/rules/raw';
import type { AlertState } from '../../alerting/state/alert-state';
import type { RuleTest, RuleTestService, TestedElement } from '../../services/rule-test-service';
import { integerParameter } from '../integer-parameters';
import { ruleJson } from './rules';

function labelsJson(labels: Labels): Record<string, string> {
  return Object.fromEntries(labels) as Record<string, string>;
}

/** JSON has no NaN or infinities: those are strings, as Prometheus writes them. */
function valueJson(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
}

const iso = (ms: number) => new Date(ms).toISOString();

function elementJson(element: TestedElement): Record<string, unknown> {
  return {
    labels: labelsJson(element.labels),
    value: valueJson(element.value),
    ...(element.state === undefined ? {} : { state: element.state }),
    ...(element.severity === undefined ? {} : { severity: element.severity }),
    ...(element.reason === undefined ? {} : { reason: element.reason }),
    ...(element.annotations === undefined ? {} : { annotations: labelsJson(element.annotations) }),
  };
}

function stateJson(state: AlertState): Record<string, unknown> {
  return {
    labels: labelsJson(state.labels),
    state: state.state,
    severity: state.severity,
    ...(state.reason === undefined ? {} : { reason: state.reason }),
    value: valueJson(state.value),
    ...(state.activeAtMs === undefined ? {} : { active_at: iso(state.activeAtMs) }),
    ...(state.firedAtMs === undefined ? {} : { fired_at: iso(state.firedAtMs) }),
    ...(state.resolvedAtMs === undefined ? {} : { resolved_at: iso(state.resolvedAtMs) }),
  };
}

export function ruleTestJson(test: RuleTest): Record<string, unknown> {
  const { id, ...rule } = ruleJson(test.rule);
  const tested = test.rule.id === 0 ? rule : { id, ...rule };
  if (test.kind === 'instant') {
    return {
      rule: tested,
      time: iso(test.atMs),
      health: test.health,
      ...(test.error === undefined ? {} : { error: test.error }),
      elements: test.elements.map(elementJson),
    };
  }
  return {
    rule: tested,
    start: iso(test.startMs),
    end: iso(test.endMs),
    step: formatDuration(test.stepMs),
    evaluations: test.evaluations,
    failed_evaluations: test.failedEvaluations,
    errors: test.errors.map((e) => ({ time: iso(e.atMs), error: e.error })),
    transitions: test.transitions.map((t) => ({
      labels: labelsJson(t.labels),
      from: t.from,
      to: t.to,
      severity: t.severity,
      ...(t.reason === undefined ? {} : { reason: t.reason }),
      value: valueJson(t.value),
      at: iso(t.atMs),
    })),
    states: test.states.map(stateJson),
  };
}

/** POST /rules/{id}/test and /experiments/{code}/rules/test: a rule evaluated against stored data, nothing saved. */
export function ruleTestsResource(tests: RuleTestService): Router {
  const router = Router();
  router.post('/rules/:ruleId/test', async (req, res) => {
    const test = await tests.testStored(res.locals.actor, integerParameter(res, 'ruleId'), rawFromJson(req.body ?? {}));
    res.json(ruleTestJson(test));
  });
  router.post('/experiments/:code/rules/test', async (req, res) => {
    res.json(ruleTestJson(await tests.testUnsaved(res.locals.actor, req.params.code, rawFromJson(req.body))));
  });
  return router;
}
