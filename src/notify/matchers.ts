import type { LabelSet } from './alert';

/** Alertmanager's label matcher (pkg/labels): `=`, `!=`, `=~`, `!~` (regexes fully anchored, RE2). */
export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/**
 * A matcher compiled once (regex built): `matches` follows Alertmanager: a missing label is the empty
 * string, so `foo!="bar"` matches an alert without `foo`, `foo=""` matches only alerts without it.
 */
export interface CompiledMatcher extends Matcher {
  matches(value: string): boolean;
}

export function matchesAll(matchers: readonly CompiledMatcher[], labels: LabelSet): boolean {
  return matchers.every((matcher) => matcher.matches(labels.get(matcher.name) ?? ''));
}
