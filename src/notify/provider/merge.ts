import type { NotifyAlert } from '../alert';

/** Alertmanager's types.Alert.Resolved(): endsAt is not after now. */
function resolved(alert: NotifyAlert, nowMs: number): boolean {
  return alert.endsAtMs <= nowMs;
}

/**
 * Alertmanager's types.Alert.Merge (0.25): the younger alert (by updatedAt) wins, with the earliest
 * startsAt; when the younger is resolved, the later end wins if both are resolved; when it is firing, an
 * explicit (not timed-out) later end of the older one wins. `a.Merge(o)`; labels are assumed equal.
 */
export function mergeAlerts(a: NotifyAlert, o: NotifyAlert, nowMs: number): NotifyAlert {
  if (o.updatedAtMs < a.updatedAtMs) return mergeAlerts(o, a, nowMs);
  let startsAtMs = o.startsAtMs;
  let endsAtMs = o.endsAtMs;
  if (a.startsAtMs < o.startsAtMs) startsAtMs = a.startsAtMs;
  if (resolved(o, nowMs)) {
    if (resolved(a, nowMs) && a.endsAtMs > o.endsAtMs) endsAtMs = a.endsAtMs;
  } else if (a.endsAtMs > o.endsAtMs && a.endsAtGiven) {
    endsAtMs = a.endsAtMs;
  }
  // Everything else is the younger one's (Go: `res := *o`), its endsAtGiven included.
  return { ...o, startsAtMs, endsAtMs };
}

/**
 * What Alertmanager's provider (provider/mem Alerts.Put) stores for `alert` when `old` is stored under the
 * same fingerprint: the merge when their activity ranges overlap, else `alert` as it is.
 */
export function mergeWithStored(old: NotifyAlert | undefined, alert: NotifyAlert, nowMs: number): NotifyAlert {
  if (old === undefined) return alert;
  const overlaps =
    (alert.endsAtMs > old.startsAtMs && alert.endsAtMs < old.endsAtMs) ||
    (alert.startsAtMs > old.startsAtMs && alert.startsAtMs < old.endsAtMs);
  return overlaps ? mergeAlerts(old, alert, nowMs) : alert;
}
