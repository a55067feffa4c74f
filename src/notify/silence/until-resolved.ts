/**
 * MyMONIT's `until_resolved` silences (prometheus/alertmanager#3825): such a silence ends once every alert
 * it muted has resolved. An alert was muted by the silence when it matched the silence's matchers and
 * fired while the silence was active. Before it has muted anything, the silence waits (it may be set up
 * ahead of a maintenance); its own endsAt still bounds it.
 */
import { alertStatus, type NotifyAlert } from '../alert';
import { silenceMatches, type CompiledSilence } from './silenced-by';
import { silenceState } from './silence';

export type UntilResolvedDecision =
  /** `muting`: some alert it matches fired while it was active (remember it: mutedBefore next time). */
  | { readonly action: 'keep'; readonly muting: boolean }
  /** End the silence: endsAt becomes the moment its last muted alert resolved (never before its start, never after now). */
  | { readonly action: 'end'; readonly endsAtMs: number };

/**
 * Decides for one silence. `alerts`: the alerts the notification stage knows (firing and recently
 * resolved); `mutedBefore`: the silence was seen muting an alert earlier (that alert may since have
 * been garbage-collected).
 */
export function decideUntilResolved(
  silence: CompiledSilence,
  alerts: readonly NotifyAlert[],
  mutedBefore: boolean,
  nowMs: number,
): UntilResolvedDecision {
  if (!silence.untilResolved || silenceState(silence, nowMs) !== 'active') return { action: 'keep', muting: false };
  const muted = alerts.filter(
    (a) => a.startsAtMs <= nowMs && a.startsAtMs < silence.endsAtMs && a.endsAtMs > silence.startsAtMs && silenceMatches(silence, a.labels),
  );
  if (muted.some((a) => alertStatus(a, nowMs) === 'firing')) return { action: 'keep', muting: true };
  if (muted.length === 0 && !mutedBefore) return { action: 'keep', muting: false };
  const lastResolved = muted.length === 0 ? nowMs : Math.max(...muted.map((a) => a.endsAtMs));
  return { action: 'end', endsAtMs: Math.min(nowMs, Math.max(silence.startsAtMs, lastResolved)) };
}
