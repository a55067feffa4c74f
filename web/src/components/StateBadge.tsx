import type { HealthState, Severity } from '../api/types';

const LABELS: Record<string, string> = {
  ok: 'OK',
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
  unknown: 'Unknown',
  degraded: 'Degraded',
  no_data: 'No data',
  firing: 'Firing',
  pending: 'Pending',
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** A state as coloured text: the word is always there, the colour only repeats it (never colour alone). */
export function StateBadge({ state }: { state: HealthState | Severity | string }) {
  const known = Object.prototype.hasOwnProperty.call(LABELS, state);
  return <span class={`badge badge-${known ? state : 'unknown'}`}>{known ? LABELS[state] : state}</span>;
}
