import type { Labels } from '../../alerting/promql/values';
import type { Severity } from '../../alerting/rules/rule';
import type { AlertStateName, TransitionTarget } from '../../alerting/state/alert-state';
import { fingerprint, sortedLabels } from '../../alerting/state/alert-labels';
import type { NotifyAlert } from '../alert';

/** The last instant RFC 3339 can write (9999-12-31T23:59:59.999Z): a firing rule alert's end until it resolves. */
export const FIRING_UNTIL_RESOLVED_MS = 253_402_300_799_999;

/** A transition of MyMONIT's alerting stage as the outbox gives it, with its rule's annotations when the rule still exists. */
export interface OutboxTransition {
  /** The outbox row. */
  readonly outboxId: number;
  readonly transitionId: number;
  readonly ruleId: number;
  readonly experimentId: number;
  readonly labels: Labels;
  readonly from: AlertStateName;
  readonly to: TransitionTarget;
  readonly severity: Severity;
  readonly value: number;
  readonly atMs: number;
  /** The rule's annotation templates (unexpanded); undefined when the rule is gone. */
  readonly annotations?: Labels;
}

/** Expands an annotation template with the alert's labels and value (the alerting stage's expandTemplate). */
export type AnnotationExpander = (text: string, labels: Labels, value: number) => string;

/**
 * The Alertmanager alert a transition means, or undefined for the transitions Alertmanager never hears
 * of (to `pending`, and a pending alert going back to `inactive`: Prometheus sends only firing and
 * resolved alerts).
 *
 * - to `firing`: startsAt is the transition's time; endsAt is FIRING_UNTIL_RESOLVED_MS, not given (a
 *   timeout, in Alertmanager's words), so that the resolution's explicit end always wins the merge. MyMONIT
 *   sends no refreshes: the alerting stage writes a `resolved` transition for every firing alert that ends,
 *   its rule deleted included (reason `rule removed`).
 * - to `resolved`: startsAt and endsAt are the resolution time, endsAt given; merged with the stored firing
 *   alert (their ranges overlap), the stored start stays (types.Alert.Merge keeps the earliest start).
 *
 * updatedAt is the transition's time (the authoritative timestamp of the merge), not the time it is read.
 * Annotations: the rule's, expanded with the alert's labels and value, and `severity` (Prophasis's level,
 * which a classifier may decide without a label) when the rule gives no such annotation.
 */
export function alertFromTransition(transition: OutboxTransition, expand: AnnotationExpander): NotifyAlert | undefined {
  if (transition.to !== 'firing' && transition.to !== 'resolved') return undefined;
  const labels = sortedLabels(transition.labels);
  const annotations = new Map<string, string>();
  for (const [name, text] of transition.annotations ?? []) annotations.set(name, expand(text, labels, transition.value));
  if (!annotations.has('severity')) annotations.set('severity', transition.severity);
  const firing = transition.to === 'firing';
  return {
    fingerprint: fingerprint(labels),
    labels,
    annotations: sortedLabels(annotations),
    startsAtMs: transition.atMs,
    endsAtMs: firing ? FIRING_UNTIL_RESOLVED_MS : transition.atMs,
    endsAtGiven: !firing,
    updatedAtMs: transition.atMs,
    generatorURL: '',
    experimentId: transition.experimentId,
    origin: 'rule',
  };
}
