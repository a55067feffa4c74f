import { inject, injectable, optional } from 'inversify';
import type { Classify } from '../alerting/classify/classify';
import type { PromqlEngine } from '../alerting/promql/engine-api';
import type { Labels } from '../alerting/promql/values';
import type { ClassifierChecker, ExpressionChecker, RuleCheckers } from '../alerting/rules/checkers';
import { isRawMap, type Raw } from '../alerting/rules/raw';
import { DEFAULT_GROUP_INTERVAL_MS, type Rule, type RuleGroup, type Severity, type StoredRule } from '../alerting/rules/rule';
import { RuleValidationError, pathText, validateGroupChecked } from '../alerting/rules/rule-validation';
import { expandTemplate } from '../alerting/rules/template';
import type { AlertState, AlertStateName, AlertTransition } from '../alerting/state/alert-state';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { RuleGroupStore, SeriesSourceFactory } from '../storage/alerting-stores';
import { ExperimentVisibility } from './authorization';
import { evaluateGroup, type GroupEvaluationPorts } from './group-evaluation';
import { parseTestWindow, WINDOW_KEYS, windowTimes, withoutWindow, type TestWindow } from './rule-test-window';

/** One element of the rule's result at one time, as the evaluator would see it. */
export interface TestedElement {
  readonly labels: Labels;
  readonly value: number;
  /** Alerting rules only: the state a first evaluation gives (pending while `for` runs), severity and why. */
  readonly state?: AlertStateName;
  readonly severity?: Severity;
  readonly reason?: string;
  readonly annotations?: Labels;
}

export interface InstantTest {
  readonly kind: 'instant';
  readonly rule: StoredRule;
  readonly atMs: number;
  readonly health: 'ok' | 'err';
  readonly error?: string;
  readonly elements: readonly TestedElement[];
}

/** A transition the simulation went through: the evaluator's, without the stored rule's identity. */
export type TestedTransition = Omit<AlertTransition, 'ruleId' | 'fingerprint'>;

export interface RangeTest {
  readonly kind: 'range';
  readonly rule: StoredRule;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly evaluations: number;
  readonly transitions: readonly TestedTransition[];
  /** The states after the last step (inactive ones are elements present and classified `ok`). */
  readonly states: readonly AlertState[];
  /** The first failed evaluations (the evaluator keeps the previous states then, and so does the simulation). */
  readonly errors: readonly { readonly atMs: number; readonly error: string }[];
  readonly failedEvaluations: number;
}

export type RuleTest = InstantTest | RangeTest;

const MAX_REPORTED_ERRORS = 100;
/** Stands for the id of a rule that is not stored. */
const UNSAVED_RULE_ID = 0;

/**
 * RuleTestService evaluates one rule against the stored data of its experiment, with the evaluator's own
 * code (evaluateGroup on a group of that one rule, from no state), and writes nothing: no state, no
 * transition, no measure. Readers of rules may test them: ADMIN, or a SCIENTIST of the experiment.
 */
@injectable()
export class RuleTestService {
  private readonly checkers: RuleCheckers;

  constructor(
    @inject(TYPES.RuleGroupStore) private readonly rules: RuleGroupStore,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
    @inject(TYPES.ExpressionChecker) expressions: ExpressionChecker,
    @inject(TYPES.ClassifierChecker) classifiers: ClassifierChecker,
    @inject(TYPES.PromqlEngine) private readonly engine: PromqlEngine,
    @inject(TYPES.SeriesSourceFactory) private readonly sources: SeriesSourceFactory,
    @inject(TYPES.Classify) @optional() private readonly classify?: Classify,
  ) {
    this.checkers = { expressions, classifiers };
  }

  /** A stored rule; the body holds only the window. */
  async testStored(actor: User, ruleId: number, body: Raw): Promise<RuleTest> {
    const found = await this.rules.findRule(ruleId);
    const visible = found && (await this.visibility.visible(actor, found.group.experiment).then(() => true, () => false));
    if (!found || !visible) throw new NotFoundError(`rule ${ruleId} not found`);
    const map = bodyMap(body);
    const extra = [...withoutWindow(map).keys()];
    if (extra.length > 0) throw new ValidationError(`unknown keys ${extra.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${WINDOW_KEYS.join(', ')})`);
    return this.run({ ...found.group, rules: [found.rule] }, parseTestWindow(map, Date.now()));
  }

  /** A rule given in the body (a rule of a rule group's JSON, plus the window), validated as on creation. */
  async testUnsaved(actor: User, code: string, body: Raw): Promise<RuleTest> {
    const experiment = await this.visibility.visible(actor, code);
    const map = bodyMap(body);
    const window = parseTestWindow(map, Date.now());
    const rule = await this.validated(withoutWindow(map));
    const group: RuleGroup = {
      id: 0,
      experiment: experiment.code,
      experimentId: experiment.id,
      name: '',
      intervalMs: DEFAULT_GROUP_INTERVAL_MS,
      rules: [{ ...rule, id: UNSAVED_RULE_ID }],
      version: 0,
    };
    return this.run(group, window);
  }

  private async validated(raw: Raw): Promise<Rule> {
    try {
      const definition = await validateGroupChecked(new Map<string, Raw>([['name', 'test'], ['rules', [raw]]]), 'api', this.checkers);
      const [rule] = definition.rules;
      if (!rule) throw new ValidationError('invalid rule');
      return rule;
    } catch (error) {
      if (!(error instanceof RuleValidationError)) throw error;
      // The rule was checked as rules[0] of a group: report its own paths.
      const issues = error.issues.map((issue) => ({
        path: pathText(issue.path.slice(2)),
        message: issue.message.replace(/^group "test", rules\[0\] ?/, 'rule '),
      }));
      throw new ValidationError(issues.map((i) => i.message).join('; '), { errors: issues });
    }
  }

  private async run(group: RuleGroup, window: TestWindow): Promise<RuleTest> {
    const [rule] = group.rules;
    if (!rule) throw new Error('a rule test needs one rule');
    const ports: GroupEvaluationPorts = {
      engine: this.engine,
      source: this.sources.scoped({ kind: 'experiments', experimentIds: [group.experimentId] }),
      ...(this.classify ? { classify: this.classify } : {}),
      expand: expandTemplate,
    };
    if (window.kind === 'instant') {
      const evaluation = await evaluateGroup(group, [], window.atMs, ports);
      const outcome = evaluation.rules[0];
      const elements: TestedElement[] =
        rule.kind === 'record'
          ? evaluation.samples.map((s) => ({ labels: s.labels, value: s.value }))
          : evaluation.states.map((s) => ({
              labels: s.labels,
              value: s.value,
              state: s.state,
              severity: s.severity,
              ...(s.reason === undefined ? {} : { reason: s.reason }),
              annotations: new Map([...rule.annotations].map(([name, text]) => [name, expandTemplate(text, s.labels, s.value)])),
            }));
      return {
        kind: 'instant',
        rule,
        atMs: window.atMs,
        health: outcome?.health ?? 'ok',
        ...(outcome?.lastError === undefined ? {} : { error: outcome.lastError }),
        elements,
      };
    }
    const stepMs = window.stepMs ?? group.intervalMs;
    const times = windowTimes(window.startMs, window.endMs, stepMs);
    let states: readonly AlertState[] = [];
    const transitions: TestedTransition[] = [];
    const errors: { atMs: number; error: string }[] = [];
    let failedEvaluations = 0;
    for (const atMs of times) {
      const evaluation = await evaluateGroup(group, states, atMs, ports);
      states = evaluation.states;
      for (const t of evaluation.transitions) {
        transitions.push({
          labels: t.labels,
          from: t.from,
          to: t.to,
          severity: t.severity,
          ...(t.reason === undefined ? {} : { reason: t.reason }),
          value: t.value,
          atMs: t.atMs,
        });
      }
      const failed = evaluation.rules.find((r) => r.health === 'err');
      if (failed) {
        failedEvaluations += 1;
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ atMs, error: failed.lastError ?? 'evaluation failed' });
      }
    }
    return {
      kind: 'range',
      rule,
      startMs: window.startMs,
      endMs: window.endMs,
      stepMs,
      evaluations: times.length,
      transitions,
      states,
      errors,
      failedEvaluations,
    };
  }
}

function bodyMap(body: Raw): ReadonlyMap<string, Raw> {
  if (body === null) return new Map();
  if (!isRawMap(body)) throw new ValidationError('the body must be a JSON object');
  return body;
}
