/** The rule API's representations (openapi.yaml RuleGroup, StoredRule, Classifier, RuleTestResult) as the rule pages read them. */
export type ThresholdOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export type ThresholdSeverity = 'minor' | 'major' | 'critical' | 'unknown';

export interface Classifier {
  thresholds?: Array<{ severity: ThresholdSeverity; op: ThresholdOp; value: number }>;
  lua?: string;
  history?: number;
}

export interface StoredRule {
  id: number;
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  classifier?: Classifier;
}

export interface RuleGroup {
  id: number;
  experiment: string;
  name: string;
  interval: string;
  version: number;
  rules: StoredRule[];
}

export interface RuleInput {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  classifier?: Classifier;
}

/** A sample value: NaN and infinities as strings. */
export type TestValue = number | 'NaN' | '+Inf' | '-Inf';

export interface RuleTestResult {
  rule: Record<string, unknown>;
  time?: string;
  health?: 'ok' | 'err';
  error?: string;
  elements?: Array<{
    labels: Record<string, string>;
    value: TestValue;
    state?: 'inactive' | 'pending' | 'firing';
    severity?: 'ok' | 'minor' | 'major' | 'critical' | 'unknown';
    reason?: string;
    annotations?: Record<string, string>;
  }>;
  start?: string;
  end?: string;
  step?: string;
  evaluations?: number;
  failed_evaluations?: number;
  errors?: Array<{ time: string; error: string }>;
  transitions?: Array<{
    labels: Record<string, string>;
    from: string;
    to: string;
    severity: string;
    reason?: string;
    value: TestValue;
    at: string;
  }>;
  states?: Array<{
    labels: Record<string, string>;
    state: string;
    severity: string;
    reason?: string;
    value: TestValue;
    active_at?: string;
    fired_at?: string;
  }>;
}

export interface Experiment {
  id: number;
  code: string;
  name: string;
}
