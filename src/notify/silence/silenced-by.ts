/**
 * Which silences mute an alert (Alertmanager's Silencer.Mutes): the active silences whose matchers all
 * match the alert's labels (a missing label is the empty string), ids sorted; pending ones are listed
 * apart, as the marker keeps them.
 */
import type { LabelSet } from '../alert';
import { matchesAll, type CompiledMatcher } from '../matchers';
import { compileMatchers } from './matchers';
import { silenceState, type Silence } from './silence';

export interface CompiledSilence extends Silence {
  readonly compiled: readonly CompiledMatcher[];
}

/** Compiles a stored silence's matchers (stored silences were validated: their regexes compile). */
export function compileSilence<S extends Silence>(silence: S): S & CompiledSilence {
  return { ...silence, compiled: compileMatchers(silence.matchers) };
}

export function silenceMatches(silence: CompiledSilence, labels: LabelSet): boolean {
  return matchesAll(silence.compiled, labels);
}

/** Ids of the active silences muting `labels` at `nowMs`, sorted (Alertmanager's status.silencedBy). */
export function silencedBy(silences: readonly CompiledSilence[], labels: LabelSet, nowMs: number): string[] {
  return silences
    .filter((s) => silenceState(s, nowMs) === 'active' && silenceMatches(s, labels))
    .map((s) => s.id)
    .sort(compareText);
}

/** Ids of the pending silences that will mute `labels` once they start, sorted. */
export function pendingSilencesFor(silences: readonly CompiledSilence[], labels: LabelSet, nowMs: number): string[] {
  return silences
    .filter((s) => silenceState(s, nowMs) === 'pending' && silenceMatches(s, labels))
    .map((s) => s.id)
    .sort(compareText);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
