import type { Expr, VectorSelector } from '../../../../src/alerting/promql/ast';
import { DEFAULT_EVAL_OPTIONS, type EvalOptions, type Selection } from '../../../../src/alerting/promql/engine-api';
import { parsePromql } from '../../../../src/alerting/promql/parse';
import { selections } from '../../../../src/alerting/promql/plan';

const MIN = 60_000;
const H = 60 * MIN;
const T = 1_700_000_000_000;
const S = T - 2 * H;

/** The selectors of an expression in source order, with their selections. */
function plan(query: string, start = T, end = start, opts: EvalOptions = DEFAULT_EVAL_OPTIONS): { startMs: number; endMs: number }[] {
  const expr = parsePromql(query);
  const map = selections(expr, start, end, opts);
  return selectorsOf(expr).map((vs) => {
    const s = map.get(vs) as Selection;
    expect(s.matchers).toBe(vs.matchers);
    return { startMs: s.startMs, endMs: s.endMs };
  });
}

function selectorsOf(e: Expr): VectorSelector[] {
  switch (e.type) {
    case 'VectorSelector':
      return [e];
    case 'MatrixSelector':
      return [e.vector];
    case 'Subquery':
    case 'Paren':
    case 'Unary':
      return selectorsOf(e.expr);
    case 'Binary':
      return [...selectorsOf(e.lhs), ...selectorsOf(e.rhs)];
    case 'Aggregate':
      return [...(e.param ? selectorsOf(e.param) : []), ...selectorsOf(e.expr)];
    case 'Call':
      return e.args.flatMap(selectorsOf);
    case 'NumberLiteral':
    case 'StringLiteral':
      return [];
  }
}

describe('selections', () => {
  it('an instant selector reads the lookback before each evaluation time', () => {
    expect(plan('foo')).toEqual([{ startMs: T - 5 * MIN, endMs: T }]);
    expect(plan('foo', S, T)).toEqual([{ startMs: S - 5 * MIN, endMs: T }]);
    expect(plan('foo', T, T, { ...DEFAULT_EVAL_OPTIONS, lookbackMs: MIN })).toEqual([{ startMs: T - MIN, endMs: T }]);
  });

  it('a range selector reads its range instead of the lookback', () => {
    expect(plan('rate(foo[10m])')).toEqual([{ startMs: T - 10 * MIN, endMs: T }]);
    expect(plan('rate(foo[10m])', S, T)).toEqual([{ startMs: S - 10 * MIN, endMs: T }]);
  });

  it('offset moves the window back, a negative offset forward', () => {
    expect(plan('foo offset 1h')).toEqual([{ startMs: T - H - 5 * MIN, endMs: T - H }]);
    expect(plan('foo offset -1h')).toEqual([{ startMs: T + H - 5 * MIN, endMs: T + H }]);
    expect(plan('foo[10m] offset 1h', S, T)).toEqual([{ startMs: S - H - 10 * MIN, endMs: T - H }]);
  });

  it('@ fixes the time, whatever the query window; start() and end() are the query bounds', () => {
    expect(plan('foo @ 100', S, T)).toEqual([{ startMs: 100_000 - 5 * MIN, endMs: 100_000 }]);
    expect(plan('foo @ start()', S, T)).toEqual([{ startMs: S - 5 * MIN, endMs: S }]);
    expect(plan('foo @ end()', S, T)).toEqual([{ startMs: T - 5 * MIN, endMs: T }]);
    expect(plan('foo[5m] @ 100 offset 1m', S, T)).toEqual([{ startMs: 100_000 - MIN - 5 * MIN, endMs: 100_000 - MIN }]);
  });

  it('a subquery widens the inner window by its range (and, generously, one step)', () => {
    expect(plan('max_over_time(rate(foo[1m])[30m:1m])')).toEqual([{ startMs: T - 30 * MIN - MIN - MIN, endMs: T }]);
    expect(plan('max_over_time(foo[30m:])', T, T, { ...DEFAULT_EVAL_OPTIONS, defaultSubqueryStepMs: 15_000 })).toEqual([
      { startMs: T - 30 * MIN - 15_000 - 5 * MIN, endMs: T },
    ]);
    expect(plan('max_over_time(foo[30m:1m] offset 1h)', S, T)).toEqual([{ startMs: S - H - 31 * MIN - 5 * MIN, endMs: T - H }]);
  });

  it('covers at least what Prometheus 2.42 reads (start - offsets - ranges - lookback)', () => {
    const [sel] = plan('max_over_time(foo[30m:1m] offset 1h)', S, T);
    expect(sel!.startMs).toBeLessThanOrEqual(S - H - 30 * MIN - 5 * MIN);
    expect(sel!.endMs).toBeGreaterThanOrEqual(T - H);
  });

  it('@ on a subquery fixes the time and resets what outer subqueries added', () => {
    expect(plan('max_over_time(foo[30m:1m] @ 1000)', S, T)).toEqual([{ startMs: 1_000_000 - 31 * MIN - 5 * MIN, endMs: 1_000_000 }]);
    expect(plan('max_over_time(max_over_time(foo[10m:1m] @ 500)[1h:1m] offset 1d)', S, T)).toEqual([
      { startMs: 500_000 - 11 * MIN - 5 * MIN, endMs: 500_000 },
    ]);
    expect(plan('max_over_time(max_over_time(foo[10m:1m] offset 5m)[1h:1m] @ 1000)', S, T)).toEqual([
      { startMs: 1_000_000 - 5 * MIN - 61 * MIN - 11 * MIN - 5 * MIN, endMs: 1_000_000 - 5 * MIN },
    ]);
  });

  it('@ on a selector inside a subquery overrides the subquery', () => {
    expect(plan('max_over_time((foo @ 50)[1h:])', S, T)).toEqual([{ startMs: 50_000 - 5 * MIN, endMs: 50_000 }]);
  });

  it('keys each selector node by identity, even when two are written alike', () => {
    const expr = parsePromql('sum(foo) / count(foo offset 1h)');
    expect(selections(expr, T, T, DEFAULT_EVAL_OPTIONS).size).toBe(2);
    expect(plan('sum(foo) / count(foo offset 1h)')).toEqual([
      { startMs: T - 5 * MIN, endMs: T },
      { startMs: T - H - 5 * MIN, endMs: T - H },
    ]);
  });

  it('finds selectors in aggregation parameters, function arguments and under unary minus', () => {
    expect(plan('topk(scalar(bar), -foo)')).toHaveLength(2);
    expect(plan('label_replace(rate(a[1m]), "x", "$1", "y", "(.*)") > bool on() vector(1)')).toEqual([{ startMs: T - MIN, endMs: T }]);
    expect(plan('1 + 2')).toEqual([]);
  });
});
