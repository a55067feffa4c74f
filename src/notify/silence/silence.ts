import type { Matcher } from '../matchers';

/**
 * A silence, Alertmanager's silencepb.Silence with a MyMONIT extension: `untilResolved` ends the silence
 * (endsAt set to that moment) once every alert it muted has resolved (prometheus/alertmanager#3825).
 * Times in ms since the epoch. Ids are UUIDs as Alertmanager's.
 */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly updatedAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly untilResolved: boolean;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export function silenceState(silence: Silence, nowMs: number): SilenceState {
  if (silence.endsAtMs <= nowMs) return 'expired';
  if (silence.startsAtMs > nowMs) return 'pending';
  return 'active';
}
