/** Selectors, offset, @, lookback, subqueries, range queries and function calls (Prometheus 2.42). */
import { PromqlError } from '../../../../src/alerting/promql/engine-api';
import { evaluateInstant } from '../../../../src/alerting/promql/evaluate';
import { agg, bin, call, load, M, mat, neg, num, paren, S, sel, str, subq } from '../../../support/promql-ast';
import { expectScalar, expectVector, instant, matrixOf, range } from '../../../support/promql-eval';

describe('instant vector selector', () => {
  const d = load(10 * S, { metric: '0 1 _ 2' });
  it('takes the latest sample within the lookback, both ends inclusive in 2.42 (staleness.test)', () => {
    expectVector(instant(sel('metric'), 10 * S, d), { 'metric{}': 1 });
    expectVector(instant(sel('metric'), 20 * S, d), { 'metric{}': 1 });
    expectVector(instant(sel('metric'), 30 * S, d), { 'metric{}': 2 });
    expectVector(instant(sel('metric'), 330 * S, d), { 'metric{}': 2 });
    expectVector(instant(sel('metric'), 331 * S, d), {});
    expectVector(instant(sel('metric'), -1, d), {});
  });
  it('gives the samples the evaluation timestamp', () => {
    const v = instant(sel('metric'), 25 * S, d);
    expect(v.type === 'vector' && v.samples.map((s) => s.t)).toEqual([25 * S]);
  });
  it('honours a custom lookback', () => {
    expectVector(instant(sel('metric'), 40 * S, d, { lookbackMs: 10 * S, defaultSubqueryStepMs: M }), { 'metric{}': 2 });
    expectVector(instant(sel('metric'), 41 * S, d, { lookbackMs: 10 * S, defaultSubqueryStepMs: M }), {});
  });
  it('offset shifts the reference time back, negative offset forward', () => {
    const x = load(M, { x: '0+1x10' });
    expectVector(instant(sel('x', '', { offset: 2 * M }), 5 * M, x), { 'x{}': 3 });
    expectVector(instant(sel('x', '', { offset: -2 * M }), 5 * M, x), { 'x{}': 7 });
    expectVector(instant(sel('x', '', { offset: 2 * M + 1 }), 5 * M, x), { 'x{}': 2 });
  });
  it('@ fixes the reference time, offset applies on top; start() and end() are the query bounds', () => {
    const x = load(M, { x: '0+1x10' });
    expectVector(instant(sel('x', '', { at: 3 * M }), 9 * M, x), { 'x{}': 3 });
    expectVector(instant(sel('x', '', { at: 3 * M, offset: M }), 9 * M, x), { 'x{}': 2 });
    const r = range(sel('x', '', { at: 'start' }), 2 * M, 4 * M, M, x);
    expect(matrixOf(r)).toEqual({ 'x{}': [[2 * M, 2], [3 * M, 2], [4 * M, 2]] });
    const e = range(sel('x', '', { at: 'end' }), 2 * M, 4 * M, M, x);
    expect(matrixOf(e)).toEqual({ 'x{}': [[2 * M, 4], [3 * M, 4], [4 * M, 4]] });
  });
  it('returns the series sorted by labels', () => {
    const x = load(M, { 'x{b="2"}': '1', 'x{a="1"}': '1', 'x{b="1"}': '1' });
    const v = instant(sel('x'), 0, x);
    expect(v.type === 'vector' && v.samples.map((s) => [...s.labels.entries()].filter(([k]) => k !== '__name__').flat().join('='))).toEqual(['a=1', 'b=1', 'b=2']);
  });
});

describe('range vector selector', () => {
  const d = load(10 * S, { 'm{a="1"}': '0+1x30' });
  it('at top level of an instant query returns the raw points of [t - range, t], both ends inclusive', () => {
    expect(matrixOf(instant(mat(sel('m'), 30 * S), 60 * S, d))).toEqual({
      'm{a="1"}': [
        [30 * S, 3],
        [40 * S, 4],
        [50 * S, 5],
        [60 * S, 6],
      ],
    });
  });
  it('with offset and @', () => {
    expect(matrixOf(instant(mat(sel('m', '', { offset: 25 * S }), 20 * S), 60 * S, d))).toEqual({
      'm{a="1"}': [
        [20 * S, 2],
        [30 * S, 3],
      ],
    });
    expect(matrixOf(instant(mat(sel('m', '', { at: 100 * S }), 10 * S), 0, d))).toEqual({
      'm{a="1"}': [
        [90 * S, 9],
        [100 * S, 10],
      ],
    });
  });
  it('leaves out series with no point in the window', () => {
    expect(matrixOf(instant(mat(sel('m'), 5 * S), 1000 * S, d))).toEqual({});
  });
});

describe('functions over range vectors', () => {
  const d = load(10 * S, { 'm{a="1"}': '0+1x30', 'n{a="1"}': '_x20 1 1' });
  it('drop the metric name (except last_over_time) and are skipped for empty windows', () => {
    expectVector(instant(call('sum_over_time', mat(sel('m'), 30 * S)), 60 * S, d), { '{a="1"}': 18 });
    expectVector(instant(call('last_over_time', mat(sel('m'), 30 * S)), 60 * S, d), { 'm{a="1"}': 6 });
    expectVector(instant(call('count_over_time', mat(sel('n'), 30 * S)), 60 * S, d), {});
  });
  it('two series colliding once their names are dropped are an error, even at different steps', () => {
    const r = (): unknown => range(call('count_over_time', mat(sel(undefined, '__name__=~"m|n"'), 20 * S)), 0, 300 * S, 50 * S, d);
    expect(r).toThrow('vector cannot contain metrics with the same labelset');
    // Windows that never see n: only m produces output, no clash.
    expect(matrixOf(range(call('count_over_time', mat(sel(undefined, '__name__=~"m|n"'), 20 * S)), 0, 100 * S, 50 * S, d))).toEqual({
      '{a="1"}': [
        [0, 1],
        [50 * S, 3],
        [100 * S, 3],
      ],
    });
  });
  it('receive scalar arguments per step beside the range argument', () => {
    expectVector(instant(call('quantile_over_time', num(0.5), mat(sel('m'), 30 * S)), 60 * S, d), { '{a="1"}': 504 });
  });
  it('absent_over_time sees all series at once', () => {
    expectVector(instant(call('absent_over_time', mat(sel('m'), 30 * S)), 60 * S, d), {});
    expectVector(instant(call('absent_over_time', mat(sel('nope'), 30 * S)), 60 * S, d), { '{}': 1 });
  });
  it('timestamp() of a selector sees the sample time, of anything else the step time', () => {
    expectVector(instant(call('timestamp', sel('m')), 65 * S, d), { '{a="1"}': 60 });
    expectVector(instant(call('timestamp', paren(sel('m'))), 65 * S, d), { '{a="1"}': 60 });
    expectVector(instant(call('timestamp', bin('*', sel('m'), num(1))), 65 * S, d), { '{a="1"}': 65 });
  });
  it('scalar functions give scalars', () => {
    expectScalar(instant(call('time'), 65 * S, d), 65);
    expectScalar(instant(call('scalar', sel('m')), 65 * S, d), 6);
    expectScalar(instant(call('scalar', sel('nope')), 65 * S, d), NaN);
  });
  it('an unknown function is bad_data', () => {
    expect(() => instant(call('nope', sel('m')), 0, d)).toThrow(PromqlError);
  });
});

describe('subqueries (subquery.test)', () => {
  const d = load(10 * S, { metric: '1 2' });
  const sot = (r: number, step?: number): ReturnType<typeof call> => call('sum_over_time', subq(sel('metric'), r, step));
  it('evaluates at steps aligned to multiples of the step, nothing before the first sample', () => {
    expectVector(instant(sot(50 * S, 10 * S), 10 * S, d), { '{}': 3 });
    expectVector(instant(sot(50 * S, 5 * S), 10 * S, d), { '{}': 4 });
    expectVector(instant(sot(50 * S, 10 * S), 5 * M, d), { '{}': 12 });
  });
  it('sees the series until 5 minutes after its last sample, inclusive', () => {
    expectVector(instant(sot(50 * S, 10 * S), 6 * M, d), { '{}': 2 });
  });
  it('uses the default step when none is written', () => {
    // Steps 0, 1m, 2m: 1 + 2 + 2; with a 30s default step, 0 to 2m by 30s: 1 + 4 * 2.
    expectVector(instant(sot(2 * M), 2 * M, d), { '{}': 5 });
    expectVector(instant(sot(2 * M), 2 * M, d, { lookbackMs: 5 * M, defaultSubqueryStepMs: 30 * S }), { '{}': 9 });
  });
  it('at top level returns the inner points', () => {
    expect(matrixOf(instant(subq(sel('metric'), 30 * S, 10 * S), 25 * S, d))).toEqual({
      'metric{}': [
        [0, 1],
        [10 * S, 2],
        [20 * S, 2],
      ],
    });
  });
  it('with offset and @', () => {
    expect(matrixOf(instant(subq(sel('metric'), 20 * S, 10 * S, { offset: 10 * M }), 10 * M + 10 * S, d))).toEqual({
      'metric{}': [
        [0, 1],
        [10 * S, 2],
      ],
    });
    expectVector(instant(call('sum_over_time', subq(sel('metric'), 20 * S, 10 * S, { at: 10 * S })), 100 * M, d), { '{}': 3 });
  });
  it('negative times align like Go integer division', () => {
    expect(matrixOf(instant(subq(call('vector', call('time')), 25 * S, 10 * S), 0, d))).toEqual({
      '{}': [
        [-20 * S, -20],
        [-10 * S, -10],
        [0, 0],
      ],
    });
    expect(matrixOf(instant(subq(call('vector', call('time')), 25 * S, 10 * S), 7 * S, d))).toEqual({
      '{}': [
        [-10 * S, -10],
        [0, 0],
      ],
    });
  });
  it('nests', () => {
    const inner = call('max_over_time', subq(sel('metric'), 20 * S, 10 * S));
    // max over [t-20s, t] at 0, 10s, 20s, 30s: 1, 2, 2, 2.
    expectVector(instant(call('sum_over_time', subq(inner, 30 * S, 10 * S)), 30 * S, d), { '{}': 7 });
  });
  it('in a range query windows the inner points per step', () => {
    const r = range(sot(20 * S, 10 * S), 0, 40 * S, 20 * S, d);
    expect(matrixOf(r)).toEqual({
      '{}': [
        [0, 1],
        [20 * S, 5],
        [40 * S, 6],
      ],
    });
  });
});

describe('range queries', () => {
  const d = load(M, { 'x{a="2"}': '0+1x10', 'x{a="1"}': '_x5 5+1x5', y: '1' });
  it('evaluate every step and sort the series by labels', () => {
    const r = range(sel('x'), 3 * M, 7 * M, 2 * M, d);
    expect(r.series.map((s) => s.labels.get('a'))).toEqual(['1', '2']);
    expect(matrixOf(r)).toEqual({
      'x{a="1"}': [
        [5 * M, 5],
        [7 * M, 7],
      ],
      'x{a="2"}': [
        [3 * M, 3],
        [5 * M, 5],
        [7 * M, 7],
      ],
    });
  });
  it('turn a scalar into one series without labels', () => {
    expect(matrixOf(range(bin('+', call('time'), num(1)), 0, 2 * M, M, d))).toEqual({
      '{}': [
        [0, 1],
        [M, 61],
        [2 * M, 121],
      ],
    });
  });
  it('merge the same label set across steps', () => {
    expect(matrixOf(range(agg('sum', sel('x')), 4 * M, 6 * M, M, d))).toEqual({
      '{}': [
        [4 * M, 4],
        [5 * M, 10],
        [6 * M, 12],
      ],
    });
  });
  it('stop at the last step not after the end', () => {
    const r = range(sel('y'), 0, 150 * S, M, d);
    expect(matrixOf(r)['y{}']?.map((p) => p[0])).toEqual([0, M, 2 * M]);
  });
  it('refuse range vectors and strings as bad_data', () => {
    expect(() => range(mat(sel('x'), M), 0, M, M, d)).toThrow('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
    expect(() => range(str('a'), 0, M, M, d)).toThrow('invalid expression type "string" for range query, must be Scalar or instant Vector');
  });
  it('unary minus fails when two series collide at different steps, like 2.42', () => {
    const c = load(M, { 'p{a="1"}': '1 _x5', 'q{a="1"}': '_x8 1' });
    expect(() => range(neg(sel(undefined, '__name__=~"p|q"')), 0, 10 * M, M, c)).toThrow('vector cannot contain metrics with the same labelset');
    expect(() => instant(neg(sel(undefined, '__name__=~"p|q"')), 0, c)).not.toThrow();
  });
});

describe('instant query results', () => {
  it('strings and scalars carry the evaluation time', () => {
    expect(instant(str('hello'), 5 * S, [])).toEqual({ type: 'string', t: 5 * S, v: 'hello' });
    expect(instant(num(2), 5 * S, [])).toEqual({ type: 'scalar', t: 5 * S, v: 2 });
  });
  it('an unplanned selector is an internal error, never an empty answer', () => {
    expect(() => evaluateInstant(sel('x'), 0, new Map(), { lookbackMs: 5 * M, defaultSubqueryStepMs: M }, new Map())).toThrow('a selector was not planned');
  });
});
