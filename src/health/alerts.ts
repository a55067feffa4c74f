/**
 * Health changes as alerts of the alerting stage's history (ADR 0009): Prophasis alerts on to/from state
 * changes of hosts and services; MyMONIT writes them as alert transitions (rule 0, group 0) so that the
 * notification stage, silences and tickets handle them like rule alerts. Pure.
 *
 * An alert fires while a subject is neither ok nor no_data. Its labels name the subject and its state:
 * {alertname="HostHealth"|"ServiceHealth", experiment, host|service, health, severity}. The `health` label
 * makes each non-ok state its own alert (a label change is a new fingerprint): a route or a silence matches
 * the state a subject went to (health="degraded"), and a change between two non-ok states is the old
 * state's alert resolved and the new one's firing, at the same instant, which is the "from" and "to" of
 * Prophasis's alerts.
 */
import type { Labels } from '../alerting/promql/values';
import type { Severity } from '../alerting/rules/rule';
import { fingerprint, sortedLabels } from '../alerting/state/alert-labels';
import type { AlertTransition } from '../alerting/state/alert-state';
import { severityRank } from './compute';
import type { HealthState } from './health';

/** Health alerts belong to no rule and no rule group. */
export const HEALTH_RULE_ID = 0;
export const HEALTH_GROUP_ID = 0;

export type HealthSubjectKind = 'host' | 'service';

export const HEALTH_ALERTNAMES: Record<HealthSubjectKind, string> = { host: 'HostHealth', service: 'ServiceHealth' };

export interface HealthAlertSubject {
  readonly kind: HealthSubjectKind;
  readonly name: string;
  /** The experiment's code. */
  readonly experiment: string;
}

/**
 * The alerting severities have no `degraded` (ADR 0009): the transition's severity is the state's own name,
 * except degraded, which is written minor (the next more severe); the `health` label keeps it exact.
 */
export function severityOfHealth(state: HealthState): Severity {
  if (state === 'no_data' || state === 'ok') return 'ok';
  if (state === 'degraded') return 'minor';
  return state;
}

export function isAlerting(state: HealthState): boolean {
  return state !== 'ok' && state !== 'no_data';
}

/** The labels of the alert a subject in `state` raises, or undefined when that state raises none. */
export function healthAlertLabels(subject: HealthAlertSubject, state: HealthState): Labels | undefined {
  if (!isAlerting(state)) return undefined;
  return sortedLabels(
    new Map([
      ['alertname', HEALTH_ALERTNAMES[subject.kind]],
      ['experiment', subject.experiment],
      [subject.kind, subject.name],
      ['health', state],
      ['severity', severityOfHealth(state)],
    ]),
  );
}

const sameLabels = (a: Labels | undefined, b: Labels | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.size === b.size && [...a].every(([name, value]) => b.get(name) === value);

export interface HealthChange {
  /** The alert firing for the subject now (as stored), if any. */
  readonly firing?: { readonly labels: Labels; readonly state: HealthState };
  /** The recomputed state, the alert it wants (healthAlertLabels) and why. */
  readonly next: { readonly state: HealthState; readonly labels?: Labels; readonly reason: string };
  readonly atMs: number;
}

/**
 * The transitions that take the subject's alert from `firing` to `next`: none when the wanted alert is the
 * one firing; else the firing one resolved (severity ok when nothing replaces it, its own when another
 * state's alert does) and the wanted one fired. Value: the state's place in table 3.1 (0 no_data .. 6 critical).
 */
export function healthTransitions(change: HealthChange): AlertTransition[] {
  const { firing, next, atMs } = change;
  if (sameLabels(firing?.labels, next.labels)) return [];
  const transitions: AlertTransition[] = [];
  if (firing !== undefined) {
    transitions.push({
      ruleId: HEALTH_RULE_ID,
      fingerprint: fingerprint(firing.labels),
      labels: firing.labels,
      from: 'firing',
      to: 'resolved',
      severity: next.labels === undefined ? 'ok' : severityOfHealth(firing.state),
      reason: next.reason,
      value: severityRank(next.state),
      atMs,
    });
  }
  if (next.labels !== undefined) {
    transitions.push({
      ruleId: HEALTH_RULE_ID,
      fingerprint: fingerprint(next.labels),
      labels: next.labels,
      from: 'inactive',
      to: 'firing',
      severity: severityOfHealth(next.state),
      reason: next.reason,
      value: severityRank(next.state),
      atMs,
    });
  }
  return transitions;
}
