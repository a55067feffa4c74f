/**
 * What storing a posted silence does, Alertmanager 0.25's Silences.Set decided as a pure function: update
 * in place when the change does not rewrite history (canUpdate), else a new silence (new id, start not
 * before now), expiring the previous one when it was not already expired.
 */
import type { Matcher } from '../matchers';
import { silenceState, type Silence } from './silence';

/** A silence as posted (id: the one to replace, if any). */
export interface SilenceInput {
  readonly id?: string;
  readonly matchers: readonly Matcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly untilResolved: boolean;
}

export type SetPlan =
  | { readonly kind: 'update'; readonly silence: Silence }
  | { readonly kind: 'create'; readonly silence: Omit<Silence, 'id'>; readonly expirePrevious?: string };

function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  return a.length === b.length && a.every((m, i) => m.name === b[i]?.name && m.type === b[i]?.type && m.value === b[i]?.value);
}

/** canUpdate of silence.go: same matchers, and times changed only where history is not rewritten. */
export function canUpdate(prev: Silence, next: SilenceInput, nowMs: number): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (silenceState(prev, nowMs)) {
    case 'active':
      // Go compares Unix seconds.
      if (Math.floor(next.startsAtMs / 1000) !== Math.floor(prev.startsAtMs / 1000)) return false;
      return next.endsAtMs >= nowMs;
    case 'pending':
      return next.startsAtMs >= nowMs;
    case 'expired':
      return false;
  }
}

/** The plan for `input` given the silence its id names (undefined: a new one). The input is already validated. */
export function planSet(prev: Silence | undefined, input: SilenceInput, nowMs: number): SetPlan {
  const fields = {
    matchers: input.matchers,
    startsAtMs: input.startsAtMs,
    endsAtMs: input.endsAtMs,
    updatedAtMs: nowMs,
    createdBy: input.createdBy,
    comment: input.comment,
    untilResolved: input.untilResolved,
  };
  if (prev !== undefined && canUpdate(prev, input, nowMs)) return { kind: 'update', silence: { ...fields, id: prev.id } };
  const silence = { ...fields, startsAtMs: Math.max(input.startsAtMs, nowMs) };
  if (prev !== undefined && silenceState(prev, nowMs) !== 'expired') return { kind: 'create', silence, expirePrevious: prev.id };
  return { kind: 'create', silence };
}

/** What expiring does to a silence (Silences.expire): an active one ends now, a pending one starts and ends now; undefined when already expired. */
export function expired(silence: Silence, nowMs: number): Silence | undefined {
  switch (silenceState(silence, nowMs)) {
    case 'expired':
      return undefined;
    case 'active':
      return { ...silence, endsAtMs: nowMs, updatedAtMs: nowMs };
    case 'pending':
      return { ...silence, startsAtMs: nowMs, endsAtMs: nowMs, updatedAtMs: nowMs };
  }
}
