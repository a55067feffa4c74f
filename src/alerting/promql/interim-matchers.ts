/**
 * INTERIM: a minimal label matcher for the series source and the HTTP API, written before
 * src/alerting/promql/matchers.ts (compileMatcher / matchesSeries) was merged. Same semantics; the
 * integrator replaces the imports of this file with matchers.ts and deletes it.
 *
 * Prometheus's semantics: a missing label matches as the empty string; regexes are RE2, fully anchored,
 * and `.` does not match a newline (2.42; Prometheus 3 added the s flag).
 */
import { RE2JS } from 're2js';
import type { LabelMatcher } from './ast';
import { PromqlError } from './engine-api';
import type { Labels } from './values';

export type ValueTest = (value: string) => boolean;

function compileRegex(source: string): RE2JS {
  try {
    return RE2JS.compile(`^(?:${source})$`);
  } catch (error) {
    throw new PromqlError('bad_data', `invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}`);
  }
}

/** The test a matcher applies to one label value ('' for a missing label). */
export function compileValueTest(matcher: LabelMatcher): ValueTest {
  switch (matcher.type) {
    case '=':
      return (value) => value === matcher.value;
    case '!=':
      return (value) => value !== matcher.value;
    case '=~': {
      const re = compileRegex(matcher.value);
      return (value) => re.matches(value);
    }
    case '!~': {
      const re = compileRegex(matcher.value);
      return (value) => !re.matches(value);
    }
  }
}

/** All matchers, compiled once: a predicate over label sets. */
export function compileSelector(matchers: readonly LabelMatcher[]): (labels: Labels) => boolean {
  const tests = matchers.map((m) => ({ name: m.name, test: compileValueTest(m) }));
  return (labels) => tests.every(({ name, test }) => test(labels.get(name) ?? ''));
}
