/**
 * GET /api/v2/silences's selection and order (Alertmanager 0.25 api/v2): `filter` matchers select the
 * silences that have an equivalent matcher, and the list is sorted active
 * (soonest end first), pending (soonest start first), expired (latest end first).
 */
import type { Matcher } from '../matchers';
import { compareText } from './silenced-by';
import { silenceState, type Silence, type SilenceState } from './silence';

/**
 * CheckSilenceMatchesFilterLabels of Alertmanager 0.25's api/v2: a silence is listed when, for every
 * `filter` matcher, the silence has a matcher with the same name, type and value (equivalence, not
 * matching: `job=~"n.*"` does not list a silence of `job="net"`, as Alertmanager 0.25 answers).
 */
export function silenceMatchesFilter(silence: Silence, filters: readonly Matcher[]): boolean {
  return filters.every((f) => silence.matchers.some((m) => m.name === f.name && m.type === f.type && m.value === f.value));
}

const RANK: Readonly<Record<SilenceState, number>> = { active: 0, pending: 1, expired: 2 };

/** SortSilences of api/v2; ties (Go's unstable sort leaves them in any order) by id. */
export function sortSilences<S extends Silence>(silences: readonly S[], nowMs: number): S[] {
  const keyed = silences.map((s) => ({ s, state: silenceState(s, nowMs) }));
  keyed.sort((x, y) => {
    if (x.state !== y.state) return RANK[x.state] - RANK[y.state];
    const d =
      x.state === 'active' ? x.s.endsAtMs - y.s.endsAtMs : x.state === 'pending' ? x.s.startsAtMs - y.s.startsAtMs : y.s.endsAtMs - x.s.endsAtMs;
    return d !== 0 ? d : compareText(x.s.id, y.s.id);
  });
  return keyed.map((k) => k.s);
}
