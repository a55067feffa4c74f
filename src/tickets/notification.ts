import { alertStatus } from '../notify/alert';
import type { TicketConfig } from '../notify/config/model';
import type { Notification } from '../notify/receivers/receiver';
import { comparePriority, highestPriority, priorityOfLabels } from './priority';
import type { TicketAlert, TicketLifecycle, TicketPriority } from './ticket';

/** What a notification says of its group, as far as tickets care. */
export interface GroupSnapshot {
  readonly alerts: readonly TicketAlert[];
  readonly firing: number;
  /** The most severe `severity` of the firing alerts (of all alerts when none fires). */
  readonly priority: TicketPriority;
  /** Experiments of the alerts that name one, ascending, each once. */
  readonly experimentIds: readonly number[];
  /** Some alert belongs to no experiment. */
  readonly unscoped: boolean;
}

export function snapshotOf(notification: Notification): GroupSnapshot {
  const alerts: TicketAlert[] = notification.alerts.map((alert) => ({
    fingerprint: alert.fingerprint,
    status: alertStatus(alert, notification.nowMs),
    labels: alert.labels,
    startsAtMs: alert.startsAtMs,
    endsAtMs: alert.endsAtMs,
  }));
  const firing = notification.alerts.filter((_, i) => alerts[i]?.status === 'firing');
  const experiments = new Set<number>();
  let unscoped = false;
  for (const alert of notification.alerts) {
    if (alert.experimentId === undefined) unscoped = true;
    else experiments.add(alert.experimentId);
  }
  return {
    alerts,
    firing: firing.length,
    priority: highestPriority((firing.length > 0 ? firing : notification.alerts).map((a) => priorityOfLabels(a.labels))),
    experimentIds: [...experiments].sort((a, b) => a - b),
    unscoped,
  };
}

/**
 * What a notification does to its group's current ticket:
 * - `open`: a new ticket (none yet, or the current one is resolved or closed, its group fired again and the
 *   reopen window since its resolution has passed: the old one stops being the group's current ticket);
 * - `reopen`: the current one is resolved or closed and the group fired again within `reopenWindowMs` of
 *   its resolution;
 * - `auto-resolve`: the ticket is open or acknowledged, no alert of the group fires any more, and
 *   `autoResolve` is set;
 * - `escalate`: the ticket is open or acknowledged and a firing alert is more severe than its priority
 *   (priority only goes up during a cycle: an incident that was critical stays so until resolved);
 * - `update`: the alerts' snapshot is refreshed, nothing else;
 * - `ignore`: no ticket and nothing fires (a resolved notification for a group that never had one).
 *
 * "Fired again" means a firing alert that the ticket's last snapshot did not show firing with the same
 * start: a repeat notification of alerts that were still firing when a person resolved the ticket does not
 * reopen it; the same alert firing anew (a new start), or another alert of the group firing, does.
 */
export type NotificationDecision =
  | { readonly kind: 'open' }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'auto-resolve' }
  | { readonly kind: 'escalate' }
  | { readonly kind: 'update' }
  | { readonly kind: 'ignore' };

export function decide(
  current: (TicketLifecycle & { readonly alerts: readonly TicketAlert[] }) | undefined,
  snapshot: GroupSnapshot,
  config: Pick<TicketConfig, 'reopenWindowMs' | 'autoResolve'>,
  nowMs: number,
): NotificationDecision {
  if (current === undefined) return { kind: snapshot.firing > 0 ? 'open' : 'ignore' };
  if (current.state === 'open' || current.state === 'acknowledged') {
    if (snapshot.firing === 0) return { kind: config.autoResolve ? 'auto-resolve' : 'update' };
    return { kind: comparePriority(snapshot.priority, current.priority) > 0 ? 'escalate' : 'update' };
  }
  if (!firedAgain(current.alerts, snapshot.alerts)) return { kind: 'update' };
  const resolvedAtMs = current.resolvedAtMs ?? current.closedAtMs ?? current.openedAtMs;
  return { kind: nowMs - resolvedAtMs <= config.reopenWindowMs ? 'reopen' : 'open' };
}

/** A firing alert of `next` that `previous` did not show firing since the same start. */
export function firedAgain(previous: readonly TicketAlert[], next: readonly TicketAlert[]): boolean {
  const wasFiring = new Map<string, number>();
  for (const alert of previous) if (alert.status === 'firing') wasFiring.set(alert.fingerprint, alert.startsAtMs);
  return next.some((alert) => alert.status === 'firing' && wasFiring.get(alert.fingerprint) !== alert.startsAtMs);
}
