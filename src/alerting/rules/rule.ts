/**
 * Rules as MyMONIT keeps them: Prometheus's rule-file model (groups of alerting and recording rules),
 * owned by an experiment, plus Prophasis's classification. Durations in milliseconds; label and
 * annotation maps are Maps (user-chosen keys).
 */

export const SEVERITIES = ['ok', 'minor', 'major', 'critical', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type ThresholdOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** First matching threshold wins; no match: `ok`. */
export interface ThresholdClassifier {
  readonly kind: 'thresholds';
  readonly thresholds: readonly { readonly severity: Exclude<Severity, 'ok'>; readonly op: ThresholdOp; readonly value: number }[];
}

/**
 * Lua code that receives `values` (the last `history` values of the alert's series, oldest first) and
 * `messages`, and returns one of the severities (Prophasis's contract).
 */
export interface LuaClassifier {
  readonly kind: 'lua';
  readonly code: string;
  readonly history: number;
}

export type Classifier = ThresholdClassifier | LuaClassifier;

export interface AlertingRule {
  readonly kind: 'alert';
  readonly name: string;
  readonly expr: string;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly labels: ReadonlyMap<string, string>;
  readonly annotations: ReadonlyMap<string, string>;
  /** Without one, every element of the expression's result is an alert of the `severity` label's level. */
  readonly classifier?: Classifier;
}

export interface RecordingRule {
  readonly kind: 'record';
  readonly name: string;
  readonly expr: string;
  readonly labels: ReadonlyMap<string, string>;
}

export type Rule = AlertingRule | RecordingRule;

/** A group as a rule file or a REST request gives it: no ids yet. */
export interface RuleGroupDefinition {
  readonly name: string;
  readonly intervalMs: number;
  readonly rules: readonly Rule[];
}

/** A stored rule: its id is what alerts, their history and `POST /rules/{id}/test` refer to. */
export type StoredRule = Rule & { readonly id: number };

export interface RuleGroup {
  readonly id: number;
  /** The experiment's code: the group's rules see only its series, and their alerts belong to it. */
  readonly experiment: string;
  readonly experimentId: number;
  readonly name: string;
  readonly intervalMs: number;
  readonly rules: readonly StoredRule[];
  /** Incremented on every change; the evaluator reloads a group whose version moved. */
  readonly version: number;
}

export const DEFAULT_GROUP_INTERVAL_MS = 15_000;
export const MIN_GROUP_INTERVAL_MS = 1_000;
