/**
 * GET /api/v2/silences's selection and order (Alertmanager 0.25 api/v2): `filter` matchers are judged
 * against the silence's own matchers taken as labels (name -> pattern), and the list is sorted active
 * (soonest end first), pending (soonest start first), expired (latest end first).
 */
import type { CompiledMatcher } from '../matchers';
import { compareText } from './silenced-by';
import { silenceState, type Silence, type SilenceState } from './silence';

/** matchFilterLabels of api/v2: an empty-valued filter ignores an absent (=, =~) or present (!=, !~) name. */
export function silenceMatchesFilter(silence: Silence, filters: readonly CompiledMatcher[]): boolean {
  const patterns = new Map<string, string>();
  for (const m of silence.matchers) patterns.set(m.name, m.value);
  return filters.every((f) => {
    const present = patterns.has(f.name);
    const value = patterns.get(f.name) ?? '';
    const negative = f.type === '!=' || f.type === '!~';
    if (f.value === '' && (negative ? present : !present)) return true;
    return f.matches(value);
  });
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
