/**
 * An alert's status as Alertmanager API v2 reports it (GettableAlert.status): `suppressed` when an active
 * silence or an inhibition rule mutes it, `active` otherwise; silencedBy are silence ids (sorted),
 * inhibitedBy the fingerprint of the inhibiting alert.
 */
import type { LabelSet } from '../alert';
import type { Inhibitor } from '../inhibit/inhibit';
import { silencedBy, type CompiledSilence } from './silenced-by';

export interface MuteStatus {
  readonly state: 'active' | 'suppressed';
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
}

export function muteStatus(labels: LabelSet, silences: readonly CompiledSilence[], inhibitor: Inhibitor | undefined, nowMs: number): MuteStatus {
  const silenced = silencedBy(silences, labels, nowMs);
  const inhibiting = inhibitor?.inhibitedBy(labels);
  const inhibitedBy = inhibiting === undefined ? [] : [inhibiting];
  return { state: silenced.length > 0 || inhibitedBy.length > 0 ? 'suppressed' : 'active', silencedBy: silenced, inhibitedBy };
}
