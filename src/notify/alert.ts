import type { Labels } from '../alerting/promql/values';

/** A label set (name -> value); never a plain object: names are user-chosen. */
export type LabelSet = Labels;

/**
 * An alert as the notification stage sees it, in Alertmanager's model (types.Alert): MyMONIT's own alerts
 * (converted from the transitions outbox) and alerts posted to /alertmanager/api/v2/alerts alike.
 * Times are milliseconds since the epoch. An alert is resolved once `endsAtMs <= now`.
 */
export interface NotifyAlert {
  /** FNV-1a 64 of the sorted labels, 16 hex digits: Alertmanager's model.LabelSet.Fingerprint (src/alerting/state/alert-labels.ts `fingerprint`). */
  readonly fingerprint: string;
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAtMs: number;
  /** When the alert ends (or ended). Posted without one: receive time + resolve_timeout, as Alertmanager. */
  readonly endsAtMs: number;
  /** Whether endsAt was given by the sender (Alertmanager's `Timeout` is its negation). */
  readonly endsAtGiven: boolean;
  readonly updatedAtMs: number;
  readonly generatorURL: string;
  /** The MyMONIT experiment the alert belongs to: its own alerts' experiment; for posted ones the experiment named by an `experiment` label, if it exists. Undefined: ADMIN only. */
  readonly experimentId?: number;
  /** Where it came from: a MyMONIT rule (outbox) or the API (Prometheus, amtool, anything). */
  readonly origin: 'rule' | 'api';
}

export type AlertStatus = 'firing' | 'resolved';

export function alertStatus(alert: NotifyAlert, nowMs: number): AlertStatus {
  return alert.endsAtMs <= nowMs ? 'resolved' : 'firing';
}
