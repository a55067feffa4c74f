/**
 * Differential test of the PromQL parser against Prometheus 2.42's own (Debian's promtool): every
 * expression is accepted by both or refused by both at the same line:column. The only allowed difference
 * is what MyMONIT does not support, which it must refuse naming it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PromqlError } from '../../../src/alerting/promql/engine-api';
import { parsePromql } from '../../../src/alerting/promql/parse';
import { promtool } from '../../support/promtool';

const SAME: readonly string[] = [
  // literals
  '1', '1.5', '.5', '1e3', '1E-3', '0x1f', '0X1F', '010', '09', 'Inf', '-Inf', 'NaN', 'nan', '+1', '- 1',
  '"abc"', "'abc'", '`a\\b`', '"a\\nb"', '"\\x41"', '"\\u00e9"', '"\\101"', '"abc', '"a\\qb"', "'a\\\"'",
  '"\\x4g"', '"\\ud800"', '"\\400"', '5m', '1 + 1h', '1_000', '1.5m',
  // selectors
  'foo', 'job:rate5m', 'foo{a="b", c!="d", e=~"x.*", f!~"y"}', 'foo{a="b",}', 'foo{}', '{__name__=~"fo.*"}',
  '{__proto__="x"}', 'foo{on="x", by="y"}', '{}', '{a=""}', '{a=~".*"}', '{a!~"x"}', '{a!=""}',
  'foo{__name__="bar"}', 'foo{a=~"(?=x)"}', 'foo{a="b", c!~"(x"}', 'foo{a=~"\\\\d+"}', 'foo{a="b" c="d"}',
  'foo{a=~"(?P<n>x)"}', 'foo{a=~"a++"}',
  // ranges, offsets, @
  'foo[5m]', 'foo[1h30m]', 'foo[500ms]', 'foo[1y]', 'foo[ 5m ]', 'foo[0s]', 'foo[5]', '(foo)[5m]',
  'foo offset 5m [5m]', 'foo @ 10 [5m]', 'foo[5m', 'foo offset 5m', 'foo offset -5m', 'foo[1m] offset 1h',
  'foo offset 5m @ 100', 'foo @ 100 offset 5m', 'foo @ 1.5', 'foo @ -10', 'foo @ 1e3', 'foo @ start()',
  'foo[5m] @ end()', 'foo offset 0s', 'foo offset 5', 'foo offset --5m', 'foo offset +5m',
  'foo offset 5m offset 3m', '(foo) offset 5m', 'rate(foo[5m]) offset 5m', 'foo @ 1 @ 2', '1 @ 2',
  'foo @ Inf', 'foo @ 5m', '-foo offset 5m', '-foo offset 5m @ 10', '-foo[5m:]', '-foo[5m]',
  // subqueries
  'foo[30m:1m]', 'foo[30m:]', 'rate(foo[5m])[30m:1m] offset 1h @ 100', 'foo[5m][5m:]', '1[5m:]',
  'foo[5m:1]', 'foo[5m:0s]', 'max_over_time(rate(foo[1m])[10m:][1h:5m])',
  'max_over_time(max_over_time(rate(foo[1m])[10m:])[1h:5m])',
  // operators
  'a + b * c ^ d ^ e', '1 - 2 - 3', 'a or b and c', 'a > b + 1', 'a atan2 b * c', '-2 ^ 2', '2 ^ -1',
  '1 + -2 ^ 2', '-foo', '-(1)', '1 > bool 2', '1 > 2', 'a + bool b', 'a + on(b) group_left(c) d',
  'a / ignoring(x, y) group_right d', 'a == bool on() d', 'a and on(x) b', 'a and on(x) group_left b',
  'a or ignoring(x) group_right b', '1 and foo', 'foo unless 1', '1 + on(a) foo', '1 + on() foo',
  'a + on(x) group_left(x) b', 'foo[5m] + 1', '1 + "a"', '-"a"', '1 +', 'foo bar', 'foo $ bar',
  'foo\n  + $', '"é" + $', 'foo )', 'sum(foo))', 'foo[1.5m]', 'foo + 1.5m', 'foo ]', 'foo }', '@', 'foo # comment\n + 1',
  // aggregations
  'sum by (a) (x)', 'sum(x) by (a)', 'SUM BY (a) (x)', 'avg without (a, b) (x)', 'max by () (x)',
  'min by (a,) (x)', 'topk(3, x)', 'quantile(0.9, x)', 'count_values("v", x)', 'sum(1)', 'sum(x[5m])',
  'topk(x, y)', 'count_values(1, x)', 'topk(x)', 'sum(x, y)', 'sum()', 'sum(x) by (a) by (b)', 'sum(',
  'group by (__proto__) (x)',
  // functions
  'rate(foo[5m])', 'time()', 'round(foo)', 'round(foo, 5)', 'label_join(foo, "d", ",", "a", "b")',
  'label_join(foo, "d", ",")', 'histogram_quantile(0.9, sum by (le) (rate(x[5m])))',
  'quantile_over_time(0.5, x[5m:])', 'rate(foo)', 'abs(foo[5m])', 'clamp(foo, 1, "a")',
  'label_join(foo, "a", ",", 1)', 'rate(foo[5m], 1)', 'time(1)', 'round(foo, 1, 2)', 'round()',
  'label_join(foo, "a")', 'nosuch(foo)', 'rate(foo[5m],)', 'absent(nonexistent{job="x"})',
  'absent_over_time(foo[5m])', 'predict_linear(foo[1h], 3600)', 'vector(1) + scalar(foo)',
  // more corners: numbers, durations, modifiers, matching, strings, positions over several lines
  'sum without() (x)', 'sum by(a)(x)', 'count_values by (a) ("v", x)', 'quantile by (a) (0.5, x)',
  'topk(3, x) by (a)', 'sum(x) without (a) > bool 1', 'x{a="b"} offset 5m[1m:]', 'x offset 1m[1m:]',
  'x[1m:] offset 1m offset 1m', 'x @ 1 offset 1m @ 2', 'x[5m] offset 1m [1m]', 'rate(x[5m] @ 100)',
  'rate(x[5m:] @ end())', 'x @ START()', 'x @ end ( )', 'x @ foo()', 'x @ 1e20', 'x @ 9.3e18', 'x @ 0x10',
  'x @ +10', 'x @ - 10', '1 + 2 * 3', '1 == bool 2', '1 == bool 2 == bool 3', '(1 > bool 2) + 1',
  'a > on(b) c', 'a > bool on(b) group_left c', 'a + ignoring() b', 'a + on () group_left () b',
  'a + on(b) group_left(a,) b', 'a + on(b,) c', 'a unless on(b) c', 'a or on(b) 1', 'scalar(a) + on(b) 1',
  'vector(1) and vector(2)', 'a and bool b', 'a == bool b', '"a" == "b"', 'abs("a")', 'rate("a")',
  'count_values("a", "b")', 'label_replace(x, "a", "b", "c")', 'label_replace(x, "a", "b", "c", "d", "e")',
  'histogram_quantile(x, 0.5)', 'clamp_max(x)', 'time() + 1', 'time() > time()', 'time() > bool time()',
  'sort(x[5m])', 'absent(x[5m])', 'scalar(x[5m])', 'vector(x)', 'timestamp(x offset 1m)',
  'timestamp(x[1m:])', 'x[5m:1m:1m]', 'x[:5m]', 'x[5m:]offset 1m', 'x[5m] [5m]', '(x[5m])', 'rate((x[5m]))',
  'rate((x)[5m:])', '-x[5m:] offset 1m', '+x', '--x', '- - 1', '-+1', '1 - -1', '1--1', '1+-1', '2^3^2',
  '(2^3)^2', '-2^-2', '2 ^ 3 * 4', 'x offset 1w1d', 'x offset 1d1w', 'x[1h1h]', 'x[1m30s]', 'x[90s]',
  'x[1s500ms]', 'x[1ms]', 'x[1MS]', 'x[5M]', 'x[-5m]', 'x offset - 5m', 'x offset -0s', 'x[0m:1m]',
  'x[5m:0m]', 'x[999999999y]', 'x offset 300y', '{a="b"}[5m]', '{a="b"} @ 1', '{a=~""}', '{a=~".+"}',
  '{a!="x"}', '{a="x", b=""}', '{__name__=""}', '{__name__!=""}', 'foo{__name__=~"x"}',
  '{__name__="a", __name__="b"}', 'foo{a="1", a="2"}', 'foo{a=~"["}', 'foo{a=~"x{2,1}"}', 'foo{a=~"\\\\C"}',
  'foo{a=~"(?i:x)"}', 'foo{a=~"(?U)x*"}', 'foo{a=~"\\\\p{Greek}"}', 'foo{a=~"(?<n>x)"}', 'foo{a=~"(?<=x)"}',
  'foo{a=~"x**"}', 'foo{a=~"\\\\Q.*\\\\E"}', 'foo{a=~"[[:word:]]"}', 'foo{a=~"a{1000}"}', 'foo{a=~"\\\\b"}',
  'foo{a="\\\\u00"}', 'foo{a="\\\\U00110000"}', 'foo{a=`raw\\\\`}', 'foo{a=\'sq\'}', 'foo{a="x"} or',
  'foo{a}', 'foo{a=}', 'foo{="x"}', 'foo{a=="x"}', 'foo{a="x"}{b="y"}', 'foo bar{}', 'sum', 'sum(x) by',
  'sum by (a)', 'sum by (a) x', 'sum(x) by (a) (y)', 'by', 'on', 'bool', 'group_left', 'inf', 'nan', 'x:y:z',
  ':x', 'x::', '_', '__name__', 'foo.bar', 'foo-bar', 'foo/bar', '1 2', '(1', '(1))', '()', '(foo bar)',
  'foo[5m]]', 'foo[[5m]]', '{{a="b"}}', 'foo{a="b"}}', '1 +* 2', '1 ** 2', '1 !== 2', '1 =~ 2', '1 = 2',
  'a ! b', 'x # comment', '# c\nx', 'x\n#c\n+ 1', '\n\nfoo bar', 'foo\tbar', '"a""b"', '\'a"b\'', '"a\'b"',
  '"\\0"', '"\\08"', '"\\x"', '"\\u123"', '"a\\\nb"', '`a\nb`', 'rate(foo[5m]) by (a)',
  'sum(rate(foo[5m])) without (instance) / on(job) group_left sum(x) by (job)',
  'avg_over_time(x[1h:5m] @ start() offset 1m)', 'stddev_over_time(x[5m])', 'changes(x[5m])',
  'resets(x[1h])', 'irate(x[5m])', 'deriv(x[5m])', 'predict_linear(x[5m], time())',
  'sort_desc(sum by (a) (x))', 'count(x) == 0', 'absent(up{job="a"} == 1)', 'abs(-x)', 'ceil(x) + floor(x)',
  'round(x, 0.5)', 'clamp(x, 0, 1)', 'clamp_min(x, scalar(y))', 'last_over_time(x[5m])',
  'present_over_time(x[5m])', 'histogram_quantile(0.99, rate(x_bucket[5m]))',
  'label_join(x, "a", "-", "b", "c", "d", "e")', 'topk(scalar(x), y)', 'quantile("a", x)',
  'count_values("le", x)', 'group(x)', 'stdvar by (a) (x)', '1e', '1e+', '0x', '0xg', '1.2.3', '1..2', '5.',
  '.e5', '00', '0.5e-3', '1e308', '1e309', '-1e309', '0x7fffffffffffffff', '0xffffffffffffffffff',
  '99999999999999999999', 'Infinity', '+NaN', '-nan', 'iNf', 'x + Inf', 'x offset 5m5m', 'x offset 5',
  'x offset 5m5', 'x[5m5]', 'x[5ms]', 'x[5msx]', 'x[1y1w1d1h1m1s1ms]', 'x[1w1y]', 'x[01m]', 'x[1m:01s]',
  'x[1m:30s] @ 10 offset 5m', 'sum(x @ 10)', 'sum(x) @ 10', '(x @ 10)', 'x @ (10)', 'x @ -', 'x @',
  'x offset', 'x[5m:1m', 'x[5m:1m]]', 'x{', 'x{a', 'x{a=', 'x{a="b"', 'x{a="b",', 'sum by', 'sum by (',
  'sum by (a', 'sum by (a b) (x)', 'sum by (1) (x)', 'sum by ("a") (x)', 'sum by (a.b) (x)',
  'sum(x) by (a) without (b)', 'sum without (a) by (b) (x)', 'a + on', 'a + on(', 'a + on(b',
  'a + on(b) group_left', 'a + on(b) group_left(', 'a + group_left b', 'a + bool on(b) group_left(c) bool d',
  'a + on(b) ignoring(c) d', 'rate(x[5m]', 'rate(x[5m]))', 'rate(,x[5m])', 'rate()', 'rate', 'rate x',
  'time', 'time ()', 'vector (1)', 'sum (x)', 'abs (x)', 'foo(x)', 'foo ()', 'holt_winters',
  'holt_winters(x)', 'sqrt', 'x and', 'and x', 'x and y or z unless w', 'x atan2 y', 'atan2(x, y)',
  'x atan2 bool y', '1 atan2 2', 'x % 2', 'x / 0', 'x ^ 0.5', 'x != bool 1', 'x >= 1 <= 2',
  '1 < bool 2 > bool 3', '(x)(y)', 'x (y)', '-(x)[5m:]', '(-x)[5m:]', '-x offset 1m offset 1m',
  '- x @ 1 @ 1', '-1 offset 1m', '-1[5m:]', '-"a"', '+"a"', '-x[5m]', '-(x[5m])', 'x\n+\ny\n$', 'x\r\n+ y',
  'foo{a="é"} + $', '"日本" + $', '`é` + `', '\'é\\é\'', '"\\é"', 'foo{a="b"} offset 5m @ 1 [1m:]',
  'max_over_time(x[1m] @ 1)', 'max_over_time(x @ 1 [1m])', 'count_over_time({a="b"}[5m])',
  'quantile_over_time(0.5, x)', 'quantile_over_time(x[5m], 0.5)', 'label_join()', 'label_join(x)',
  'label_replace(x, 1, "b", "c", "d")', 'histogram_quantile(0.5)', 'round(x, "a")', 'vector("a")',
  'scalar(1)', 'sort(1)', 'absent(1)', 'timestamp(1)', 'clamp(x, 1)', 'clamp(x, 1, 2, 3)',
  'predict_linear(x[5m])', 'sum(topk(1, x)) by (a)', 'topk(1, x) + bottomk(1, y)', 'topk(1 + 1, x)',
  'topk(scalar(x), x)', 'count_values("a" + "b", x)', 'quantile(0.5, x[5m])', 'sum(x) + sum(y) by (a)',
  'sum(x) by (a) + sum(y)',
  // regexes: Go 1.19's RE2 syntax, checked alone before anchoring
  'foo{a=~"\\\\(?<"}', 'foo{a=~"[(?<]"}', 'foo{a=~"[]](?<x>a)"}', 'foo{a=~"a)|(b"}', 'foo{a=~"(?i)"}',
  'foo{a=~"\\\\z"}', 'foo{a=~"(?m)^a$"}', 'foo{a=~"\\\\d\\\\D\\\\s\\\\S\\\\w\\\\W"}', 'foo{a=~"[\\\\d-z]"}',
  'foo{a=~"x{,3}"}', 'foo{a=~"\\\\pN\\\\p{Han}\\\\PL"}', 'foo{a=~"(?P<a>x)(?P<a>y)"}', 'foo{a=~"*"}',
  'foo{a=~"?"}', 'foo{a=~"a{2}{3}"}', 'foo{a=~"\\\\8"}', 'foo{a=~"[z-a]"}', 'foo{a=~"(?#comment)"}',
  'foo{a=~"\\\\x{110000}"}', 'foo{a=~"(?-s)."}',
  // postfix modifiers bind tighter than operators
  'a + b offset 5m', 'a - b offset 1d @ 10', 'a * b ^ c @ end()', '-2 ^ x offset 5m', '(a + b)[5m:]',
  'sum(x) + b[5m:]', 'stddev_over_time(5-x[5m])', 'a + b offset 5m [1m]', 'a + -b[5m:]', 'a and b offset 1m',
  'foo - foo offset 1d > bool 0', '1 > 2 offset 5m', 'a + b[5m] offset 1m', 'a or b @ 1 offset 1m [5m:]',
  'rate(a[5m]) - rate(a[5m] offset 1d)', 'a / on(x) group_left b offset 1h', '1 - -x offset 1m',
];

/** Prometheus 2.42 accepts these; MyMONIT refuses them, naming what it does not support. */
const UNSUPPORTED: readonly string[] = [
  'sqrt(foo)', 'holt_winters(foo[5m], 0.1, 0.1)', 'histogram_count(foo)', 'sum(holt_winters(foo[5m], 0.1, 0.1))',
  'year()', 'pi()', 'exp(x)',
];

/*
 * Known differences, not tested: `offset` alone (a metric named like a keyword: 2.42 accepts it, the grammar
 * does not) and `x[5 m]` (refused by both; Prometheus points at the 5, this parser at the m).
 */

type Outcome = { ok: true } | { ok: false; position: string; message: string };

function promtoolOutcomes(exprs: readonly string[]): Outcome[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promql-parse-'));
  try {
    const file = path.join(dir, 'rules.yml');
    const rules = exprs.map((e) => `  - record: r\n    expr: ${JSON.stringify(e)}\n`).join('');
    fs.writeFileSync(file, `groups:\n- name: g\n  rules:\n${rules}`);
    const { output } = promtool(['check', 'rules', file]);
    const outcomes: Outcome[] = exprs.map(() => ({ ok: true }));
    for (const m of output.matchAll(/rule (\d+), "r": could not parse expression: (\d+:\d+): parse error: (.*)/g)) {
      outcomes[Number(m[1]) - 1] = { ok: false, position: m[2] ?? '', message: m[3] ?? '' };
    }
    const failures = outcomes.filter((o) => !o.ok).length;
    expect(output.includes('FAILED') || output.includes('SUCCESS')).toBe(true);
    expect(failures > 0).toBe(output.includes('FAILED'));
    return outcomes;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function ours(expr: string): Outcome {
  try {
    parsePromql(expr);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof PromqlError) || err.errorType !== 'bad_data') throw err;
    const m = /^(\d+:\d+): parse error: (.*)$/s.exec(err.message);
    return { ok: false, position: m?.[1] ?? '?', message: m?.[2] ?? err.message };
  }
}

describe('the PromQL parser agrees with Prometheus 2.42 (promtool check rules)', () => {
  const prometheus = promtoolOutcomes([...SAME, ...UNSUPPORTED]);

  it.each(SAME.map((e, i) => [e, i] as const))('%j', (expr, i) => {
    const theirs = prometheus[i] as Outcome;
    const mine = ours(expr);
    if (theirs.ok) {
      expect(mine).toEqual({ ok: true });
    } else {
      expect(mine.ok).toBe(false);
      // Same position; the message, where it differs in wording, at least says it is a parse error.
      expect(mine.ok ? '' : mine.position).toBe(theirs.position);
    }
  });

  it.each(UNSUPPORTED.map((e, i) => [e, SAME.length + i] as const))('%j is valid in 2.42 and refused, named, here', (expr, i) => {
    expect(prometheus[i]).toEqual({ ok: true });
    const mine = ours(expr);
    expect(mine.ok).toBe(false);
    expect(mine.ok ? '' : mine.message).toMatch(/is not supported/);
  });
});

/** Deterministic mutants of the corpus (characters dropped, tokens inserted or swapped): mostly invalid. */
function mutants(count: number): string[] {
  const pieces = ['(', ')', '[', ']', '{', '}', ',', ':', '@', '-', '+', '*', '^', ' ', '5m', '1', 'x', '"a"', 'offset ', 'bool ', 'by ', 'on', '=', '=~', '!', '.', '0x', 'e', 'start()', 'inf', '#', '\n'];
  let state = 12345;
  const random = (n: number): number => {
    state = (state * 48271) % 2147483647;
    return state % n;
  };
  const out = new Set<string>();
  while (out.size < count) {
    let s = SAME[random(SAME.length)] ?? '';
    for (let k = 1 + random(2); k > 0; k--) {
      const at = random(s.length + 1);
      const piece = pieces[random(pieces.length)] ?? '';
      const kind = random(3);
      if (kind === 0) s = s.slice(0, at) + s.slice(at + 1 + random(3));
      else if (kind === 1) s = s.slice(0, at) + piece + s.slice(at);
      else s = s.slice(0, at) + piece + s.slice(at + 1);
    }
    if (s.trim() !== '' && !s.includes('\r')) out.add(s);
  }
  return [...out];
}

/** What 2.42 accepts and this parser refuses by design: unsupported functions, metrics named like keywords. */
const REFUSED_BY_DESIGN = /is not supported|unknown function|unexpected <(offset|bool|on|ignoring|group_left|group_right)>/;

describe('mutants of the corpus: accepted by both or refused by both', () => {
  const exprs = mutants(1500);
  const prometheus = promtoolOutcomes(exprs);

  it('agree on acceptance for all 1500', () => {
    const disagreements = exprs.flatMap((expr, i) => {
      const theirs = prometheus[i] as Outcome;
      const mine = ours(expr);
      if (theirs.ok === mine.ok) return [];
      if (theirs.ok && !mine.ok && REFUSED_BY_DESIGN.test(mine.message)) return [];
      return [{ expr, prometheus: theirs, mymonit: mine }];
    });
    expect(disagreements).toEqual([]);
  });

  it('refuse at the same line:column for most', () => {
    const refused = exprs.map((expr, i) => [ours(expr), prometheus[i] as Outcome] as const).filter(([a, b]) => !a.ok && !b.ok);
    const samePosition = refused.filter(([a, b]) => !a.ok && !b.ok && a.position === b.position).length;
    // The grammar recovers from some garbage differently from Prometheus's yacc parser.
    expect(samePosition / refused.length).toBeGreaterThan(0.9);
  });
});

