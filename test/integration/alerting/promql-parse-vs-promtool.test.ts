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
];

/** Prometheus 2.42 accepts these; MyMONIT refuses them, naming what it does not support. */
const UNSUPPORTED: readonly string[] = ['sqrt(foo)', 'holt_winters(foo[5m], 0.1, 0.1)', 'histogram_count(foo)', 'sum(holt_winters(foo[5m], 0.1, 0.1))'];

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
