import { alertStatus, type LabelSet, type NotifyAlert } from '../alert';
import type { IntegrationKind } from '../receivers/receiver';
import type { TimeInterval } from '../timeinterval/time-interval';

/**
 * The aggregation group of Alertmanager 0.25 (dispatch/dispatch.go aggrGroup, notify/notify.go DedupStage,
 * RetryStage, SetNotifiesStage, nflog) as pure functions: no timers and no I/O. The caller keeps the state
 * (in MySQL, so that any process can flush any group) and calls these with its clock.
 *
 * Timers: a new group flushes `group_wait` after it was created, or at once when an alert arrives whose
 * startsAt + group_wait has passed and the group has not flushed yet; then every `group_interval`.
 * A flush sends, per integration, what the notification log (nflog) says the integration has not heard
 * yet (`needsUpdate`), or everything again after `repeat_interval`. Resolved alerts leave the group after
 * a flush in which no integration failed.
 */

export interface GroupTiming {
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

/** What is kept of a group between flushes (besides its alerts). */
export interface GroupSchedule {
  /** When the group flushes next (ms since the epoch). */
  readonly nextFlushAtMs: number;
  /** Whether it has flushed once: after that, no alert makes it flush early. */
  readonly hasFlushed: boolean;
}

/** A new group (dispatch.newAggrGroup): its one-time wait before the first flush. */
export function newGroupSchedule(createdAtMs: number, timing: GroupTiming): GroupSchedule {
  return { nextFlushAtMs: createdAtMs + timing.groupWaitMs, hasFlushed: false };
}

/**
 * An alert was inserted (aggrGroup.insert): a group that has not flushed yet flushes at once when the
 * alert's group_wait is already over (startsAt + group_wait before now).
 */
export function scheduleOnInsert(schedule: GroupSchedule, alert: Pick<NotifyAlert, 'startsAtMs'>, nowMs: number, timing: GroupTiming): GroupSchedule {
  if (!schedule.hasFlushed && alert.startsAtMs + timing.groupWaitMs < nowMs && schedule.nextFlushAtMs > nowMs) {
    return { ...schedule, nextFlushAtMs: nowMs };
  }
  return schedule;
}

/**
 * The schedule after the flush that was due at `dueAtMs` and began at `startedAtMs` (aggrGroup.run resets
 * its timer to group_interval as it flushes). The next flush keeps the group's phase (due + interval), so
 * that the delay of whoever picked the flush up does not accumulate; a flush that began a whole interval
 * late (its process died, the service was down) starts a new phase at its start. A next time already past
 * when the flush ends means: due at once, as Alertmanager's timer that fired during a long flush.
 */
export function scheduleAfterFlush(dueAtMs: number, startedAtMs: number, timing: GroupTiming): GroupSchedule {
  const base = startedAtMs - dueAtMs >= timing.groupIntervalMs ? startedAtMs : dueAtMs;
  return { nextFlushAtMs: base + timing.groupIntervalMs, hasFlushed: true };
}

/** One integration of a receiver: nflog's receiver (group name, integration, index). */
export interface IntegrationRef {
  readonly kind: IntegrationKind;
  /** Its index among the receiver's integrations of that kind. */
  readonly index: number;
}

/** `${kind}:${index}`: how the notification log names an integration. */
export function integrationKey(integration: IntegrationRef): string {
  return `${integration.kind}:${integration.index}`;
}

/** The last notification of a group to one integration (nflogpb.Entry). Sets of alert fingerprints. */
export interface NflogEntry {
  readonly firing: ReadonlySet<string>;
  readonly resolved: ReadonlySet<string>;
  readonly sentAtMs: number;
  readonly expiresAtMs: number;
}

/**
 * DedupStage.needsUpdate (0.25): whether the integration must hear about the group now, given what it
 * heard last (`entry`), the fingerprints now firing and resolved, and whether it sends resolved alerts.
 */
export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatIntervalMs: number,
  nowMs: number,
): boolean {
  // Never notified: notify unless every alert is resolved.
  if (entry === undefined) return firing.size > 0;
  // A firing alert it has not heard of.
  if (!isSubset(firing, entry.firing)) return true;
  // Every alert resolved: tell it if it heard of firing ones (whatever send_resolved says, so that the
  // log forgets them); if it heard of none, they fired and resolved between two flushes: nothing to say.
  if (firing.size === 0) return entry.firing.size > 0;
  if (sendResolved && !isSubset(resolved, entry.resolved)) return true;
  // Nothing new: only once repeat_interval has passed.
  return entry.sentAtMs < nowMs - repeatIntervalMs;
}

function isSubset(subset: ReadonlySet<string>, of: ReadonlySet<string>): boolean {
  for (const item of subset) if (!of.has(item)) return false;
  return true;
}

/** The integrations of a flush, with their send_resolved and last nflog entry. */
export interface FlushIntegration extends IntegrationRef {
  readonly sendResolved: boolean;
  readonly last?: NflogEntry;
}

export interface FlushInput {
  /** The group's alerts (its own copies, resolved ones included until a flush sent them). */
  readonly alerts: readonly NotifyAlert[];
  /** The flush time: an alert is resolved when its endsAt is at or before it. */
  readonly nowMs: number;
  /**
   * False when the route's time intervals forbid notifying now (a mute_time_interval contains now, or
   * active_time_intervals are given and none contains now): the flush sends nothing (TimeMuteStage,
   * TimeActiveStage).
   */
  readonly routeActive: boolean;
  /** Silenced or inhibited alerts (InhibitStage, SilenceStage): left out of every notification. */
  readonly muted: (alert: NotifyAlert) => boolean;
  readonly integrations: readonly FlushIntegration[];
  readonly repeatIntervalMs: number;
  /** How long an nflog entry is kept (Alertmanager's --data.retention, 120 h). */
  readonly retentionMs: number;
}

/** What one integration is sent, and the nflog entry to store once it confirmed. */
export interface IntegrationSend {
  readonly integration: IntegrationRef;
  /**
   * The alerts to send, sorted as Alertmanager sorts them; resolved ones only if the integration sends
   * resolved alerts. Empty: nothing is sent, but the entry is logged all the same (RetryStage reports
   * success without sending when an integration without send_resolved has only resolved alerts).
   */
  readonly alerts: readonly NotifyAlert[];
  readonly entry: NflogEntry;
}

export interface FlushPlan {
  /** Integrations to notify (the others have nothing new), in the order given. */
  readonly sends: readonly IntegrationSend[];
  /**
   * The group's resolved alerts at this flush, silenced ones included: they leave the group once the flush
   * ended without a failed integration, unless they changed meanwhile (store.Alerts.DeleteIfNotModified).
   */
  readonly resolved: readonly NotifyAlert[];
}

/** aggrGroup.flush and the notification pipeline after it, for one group and one flush. */
export function planFlush(input: FlushInput): FlushPlan {
  const resolved = input.alerts.filter((alert) => alertStatus(alert, input.nowMs) === 'resolved');
  if (input.alerts.length === 0 || !input.routeActive) return { sends: [], resolved };
  const alerts = sortAlerts(input.alerts.filter((alert) => !input.muted(alert)));
  if (alerts.length === 0) return { sends: [], resolved };
  const firing = new Set<string>();
  const resolvedSet = new Set<string>();
  for (const alert of alerts) (alertStatus(alert, input.nowMs) === 'resolved' ? resolvedSet : firing).add(alert.fingerprint);
  const sends: IntegrationSend[] = [];
  for (const integration of input.integrations) {
    if (!needsUpdate(integration.last, firing, resolvedSet, integration.sendResolved, input.repeatIntervalMs, input.nowMs)) continue;
    const sent = integration.sendResolved ? alerts : firing.size === 0 ? [] : alerts.filter((alert) => firing.has(alert.fingerprint));
    sends.push({
      integration: { kind: integration.kind, index: integration.index },
      alerts: sent,
      entry: { firing, resolved: resolvedSet, sentAtMs: input.nowMs, expiresAtMs: input.nowMs + input.retentionMs },
    });
  }
  return { sends, resolved };
}

/**
 * types.AlertSlice's order: by the `job` label, then `instance` (an alert without one after those with
 * it), then by label set (prometheus/common LabelSet.Before: fewer labels first, then the first differing
 * label in name order). Strings compare as Go does, byte-wise in UTF-8 (code point order).
 */
export function sortAlerts(alerts: readonly NotifyAlert[]): NotifyAlert[] {
  return [...alerts].sort((a, b) => compareAlerts(a.labels, b.labels));
}

function compareAlerts(a: LabelSet, b: LabelSet): number {
  for (const key of ['job', 'instance']) {
    const av = a.get(key);
    const bv = b.get(key);
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return 1;
    if (bv === undefined) return -1;
    const order = compareStrings(av, bv);
    if (order !== 0) return order;
  }
  return labelSetBefore(a, b) ? -1 : labelSetBefore(b, a) ? 1 : 0;
}

function labelSetBefore(a: LabelSet, b: LabelSet): boolean {
  if (a.size !== b.size) return a.size < b.size;
  const names = [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings);
  for (const name of names) {
    const av = a.get(name);
    if (av === undefined) return true;
    const bv = b.get(name);
    if (bv === undefined) return false;
    const order = compareStrings(av, bv);
    if (order !== 0) return order < 0;
  }
  return false;
}

/** Go's string order (UTF-8 bytes), which is code point order; JavaScript's `<` compares UTF-16 units. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/**
 * TimeMuteStage and TimeActiveStage: whether a route may notify at `atMs`: no mute_time_interval of it
 * contains the time, and one of its active_time_intervals does (when it names any). Unknown names (the
 * configuration validation refuses them) count as intervals that contain nothing.
 */
export function routeActiveAt(
  route: { readonly muteTimeIntervals: readonly string[]; readonly activeTimeIntervals: readonly string[] },
  intervals: ReadonlyMap<string, readonly TimeInterval[]>,
  contains: (intervals: readonly TimeInterval[], atMs: number) => boolean,
  atMs: number,
): boolean {
  const any = (names: readonly string[]) => names.some((name) => contains(intervals.get(name) ?? [], atMs));
  if (any(route.muteTimeIntervals)) return false;
  return route.activeTimeIntervals.length === 0 || any(route.activeTimeIntervals);
}
