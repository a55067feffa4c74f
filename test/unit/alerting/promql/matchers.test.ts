import type { LabelMatcher } from '../../../../src/alerting/promql/ast';
import { PromqlError } from '../../../../src/alerting/promql/engine-api';
import { compileMatcher, matchesSeries } from '../../../../src/alerting/promql/matchers';

const m = (name: string, type: LabelMatcher['type'], value: string): LabelMatcher => ({ name, type, value });

describe('compileMatcher', () => {
  it('= and != compare exactly', () => {
    expect(compileMatcher(m('a', '=', 'b'))('b')).toBe(true);
    expect(compileMatcher(m('a', '=', 'b'))('B')).toBe(false);
    expect(compileMatcher(m('a', '!=', 'b'))('c')).toBe(true);
    expect(compileMatcher(m('a', '!=', 'b'))('b')).toBe(false);
  });

  it('a regex is fully anchored: {a=~"b"} does not match "ab" nor "ba"', () => {
    const re = compileMatcher(m('a', '=~', 'b'));
    expect(re('b')).toBe(true);
    expect(re('ab')).toBe(false);
    expect(re('ba')).toBe(false);
  });

  it('anchoring wraps alternations whole: a|b matches only a or b', () => {
    const re = compileMatcher(m('a', '=~', 'a|b'));
    expect(re('a')).toBe(true);
    expect(re('b')).toBe(true);
    expect(re('ab')).toBe(false);
    expect(re('xa')).toBe(false);
  });

  it('!~ is the negation of the anchored regex', () => {
    const re = compileMatcher(m('a', '!~', 'fo+'));
    expect(re('foo')).toBe(false);
    expect(re('foox')).toBe(true);
  });

  it('follows RE2: \\d, (?i), character classes, . without newline', () => {
    expect(compileMatcher(m('a', '=~', '\\d+'))('123')).toBe(true);
    expect(compileMatcher(m('a', '=~', '(?i)abc'))('ABC')).toBe(true);
    expect(compileMatcher(m('a', '=~', '[[:alpha:]]+'))('abc')).toBe(true);
    expect(compileMatcher(m('a', '=~', '.*'))('a\nb')).toBe(false);
    expect(compileMatcher(m('a', '=~', '(?s).*'))('a\nb')).toBe(true);
    expect(compileMatcher(m('a', '=~', '\\pL+'))('é')).toBe(true);
  });

  it.each(['(?=x)', '(?!x)', 'a++', '\\1', '(a', 'a{1001}', '\\Z', '(?<n>a)'])('refuses %s, invalid in RE2 (Go), with bad_data', (re) => {
    expect(() => compileMatcher(m('a', '=~', re))).toThrow(PromqlError);
    expect(() => compileMatcher(m('a', '=~', re))).toThrow(/error parsing regexp/);
  });

  it('checks the regex alone before anchoring it, as Prometheus does: a)|(b is invalid', () => {
    expect(() => compileMatcher(m('a', '=~', 'a)|(b'))).toThrow('error parsing regexp: unexpected ): `a)|(b`');
  });

  it('allows a group name twice, as Go 1.19 did', () => {
    const re = compileMatcher(m('a', '=~', '(?P<n>x)(?P<n>y)'));
    expect(re('xy')).toBe(true);
    expect(re('x')).toBe(false);
  });

  it('accepts (?P<name>...), valid in Go, and (?< escaped or in a class', () => {
    expect(compileMatcher(m('a', '=~', '(?P<n>a)'))('a')).toBe(true);
    expect(compileMatcher(m('a', '=~', '\\(?<'))('(<')).toBe(true);
    expect(compileMatcher(m('a', '=~', '[(?<]+'))('(?<')).toBe(true);
    expect(() => compileMatcher(m('a', '=~', '[]](?<x>a)'))).toThrow(/error parsing regexp/);
  });
});

describe('matchesSeries', () => {
  const labels = new Map([
    ['__name__', 'up'],
    ['job', 'api'],
    ['__proto__', 'x'],
  ]);

  it('needs every matcher to match', () => {
    expect(matchesSeries([m('__name__', '=', 'up'), m('job', '=~', 'a.*')], labels)).toBe(true);
    expect(matchesSeries([m('__name__', '=', 'up'), m('job', '=', 'db')], labels)).toBe(false);
  });

  it('a missing label is the empty string', () => {
    expect(matchesSeries([m('missing', '=', '')], labels)).toBe(true);
    expect(matchesSeries([m('missing', '!=', '')], labels)).toBe(false);
    expect(matchesSeries([m('missing', '=~', 'x?')], labels)).toBe(true);
    expect(matchesSeries([m('missing', '!~', '.+')], labels)).toBe(true);
  });

  it('__proto__ is an ordinary label name', () => {
    expect(matchesSeries([m('__proto__', '=', 'x')], labels)).toBe(true);
    expect(matchesSeries([m('__proto__', '=', '')], new Map())).toBe(true);
    expect(matchesSeries([m('constructor', '=', '')], labels)).toBe(true);
  });
});
