import type { Labels } from '../promql/values';
import type { Severity } from '../rules/rule';

/**
 * The state of one alert (a rule and one label set), as Prometheus's rules/alerting.go keeps it, plus
 * Prophasis's severity and the last values the classifier reads. Times are milliseconds since the epoch.
 *
 * `inactive` is kept only while the element is present but not alerting (its classifier says `ok`): the row
 * then carries the value history. A resolved alert is `inactive` with `resolvedAtMs` set.
 */
export type AlertStateName = 'inactive' | 'pending' | 'firing';

/** What a transition goes to: `resolved` is a firing alert ending; `inactive` a pending one that never fired. */
export type TransitionTarget = 'pending' | 'firing' | 'resolved' | 'inactive';

export interface AlertState {
  readonly ruleId: number;
  readonly fingerprint: string;
  /** The alert's labels: the element's minus __name__, plus the rule's, plus alertname. */
  readonly labels: Labels;
  readonly state: AlertStateName;
  readonly severity: Severity;
  /** Why the severity is `unknown` (a failed classifier), when it is. */
  readonly reason?: string;
  readonly value: number;
  readonly activeAtMs?: number;
  readonly firedAtMs?: number;
  readonly resolvedAtMs?: number;
  /** Set while a firing alert is held by keep_firing_for after its element disappeared. */
  readonly keepFiringSinceMs?: number;
  readonly lastEvalMs: number;
  /** The last values of the element, oldest first (what a Lua classifier receives). */
  readonly values: readonly number[];
}

export interface AlertTransition {
  readonly ruleId: number;
  readonly fingerprint: string;
  readonly labels: Labels;
  readonly from: AlertStateName;
  readonly to: TransitionTarget;
  readonly severity: Severity;
  readonly reason?: string;
  readonly value: number;
  readonly atMs: number;
}

/** One element of an alerting rule's result, with the alert identity computed and the severity decided. */
export interface AlertElement {
  readonly labels: Labels;
  readonly fingerprint: string;
  readonly value: number;
  readonly severity: Severity;
  readonly reason?: string;
}

/** What the state machine needs of an alerting rule. */
export interface AlertRuleTiming {
  readonly id: number;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  /** How many values each state keeps for the classifier (at least 1). */
  readonly historyLength: number;
}

export interface AlertStep {
  /** Every state kept after this evaluation (pending, firing, and inactive elements that are present). */
  readonly states: readonly AlertState[];
  readonly transitions: readonly AlertTransition[];
}

/** Alerts that are active (pending or firing): what /alerts lists and ALERTS exposes. */
export function isActive(state: AlertState): boolean {
  return state.state !== 'inactive';
}
