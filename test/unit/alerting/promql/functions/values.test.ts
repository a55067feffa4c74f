import type { Expr, LabelMatcher, VectorSelector } from '../../../../../src/alerting/promql/ast';
import { call, expectSamples, load, m, rangeAt, s, scalar, vectorAt, vectorOf } from './support';

describe('clamp(), clamp_min(), clamp_max() (promql/testdata/functions.test)', () => {
  const input = () =>
    vectorAt(load(m(5), { 'test_clamp{src="clamp-a"}': '-50', 'test_clamp{src="clamp-b"}': '0', 'test_clamp{src="clamp-c"}': '100' }), 0);
  const expectClamped = (result: ReturnType<typeof call>, a: number, b: number, c: number) =>
    expectSamples(result, [
      ['{src="clamp-a"}', a],
      ['{src="clamp-b"}', b],
      ['{src="clamp-c"}', c],
    ]);

  it('clamps and drops the metric name', () => {
    expectClamped(call('clamp_max', [input(), scalar(75)], 0), -50, 0, 75);
    expectClamped(call('clamp_min', [input(), scalar(-25)], 0), -25, 0, 100);
    expectClamped(call('clamp', [input(), scalar(-25), scalar(75)], 0), -25, 0, 75);
  });

  it('a NaN bound gives NaN; min > max gives nothing', () => {
    expectClamped(call('clamp', [input(), scalar(0), scalar(NaN)], 0), NaN, NaN, NaN);
    expectClamped(call('clamp', [input(), scalar(NaN), scalar(0)], 0), NaN, NaN, NaN);
    expectSamples(call('clamp', [input(), scalar(5), scalar(-5)], 0), []);
  });
});

describe('abs(), ceil(), floor(), round()', () => {
  const input = () => vectorAt(load(m(5), { 'x{k="a"}': '-2.5', 'x{k="b"}': '2.5', 'x{k="c"}': 'NaN', 'x{k="d"}': '-Inf', 'x{k="e"}': '0.15' }), 0);
  const values = (fn: string, ...extra: number[]) =>
    Object.fromEntries(vectorOf(call(fn, [input(), ...extra.map((v) => scalar(v))], 0)).samples.map((x) => [x.labels.get('k'), x.v]));

  it('apply Go math functions', () => {
    expect(values('abs')).toEqual({ a: 2.5, b: 2.5, c: NaN, d: Infinity, e: 0.15 });
    expect(values('ceil')).toEqual({ a: -2, b: 3, c: NaN, d: -Infinity, e: 1 });
    expect(values('floor')).toEqual({ a: -3, b: 2, c: NaN, d: -Infinity, e: 0 });
  });

  it('round ties up, to the nearest multiple through the inverse', () => {
    expect(values('round')).toEqual({ a: -2, b: 3, c: NaN, d: -Infinity, e: 0 });
    expect(values('round', 0.1)).toEqual({ a: -2.5, b: 2.5, c: NaN, d: -Infinity, e: Math.floor(0.15 * 10 + 0.5) / 10 });
    expect(values('round', 5)).toEqual({ a: 0, b: 5, c: NaN, d: -Infinity, e: 0 });
  });

  it('drop the metric name', () => {
    const out = vectorOf(call('abs', [input()], 0));
    expect(out.samples.every((x) => !x.labels.has('__name__'))).toBe(true);
  });
});

describe('sort() and sort_desc() (promql/testdata/functions.test)', () => {
  const series = load(m(5), {
    'http_requests{job="api-server", instance="0", group="production"}': '0+10x10',
    'http_requests{job="api-server", instance="1", group="production"}': '0+20x10',
    'http_requests{job="api-server", instance="0", group="canary"}': '0+30x10',
    'http_requests{job="api-server", instance="1", group="canary"}': '0+40x10',
    'http_requests{job="api-server", instance="2", group="canary"}': 'NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN',
    'http_requests{job="app-server", instance="0", group="production"}': '0+50x10',
    'http_requests{job="app-server", instance="1", group="production"}': '0+60x10',
    'http_requests{job="app-server", instance="0", group="canary"}': '0+70x10',
    'http_requests{job="app-server", instance="1", group="canary"}': '0+80x10',
  });
  const ordered = (fn: string) => vectorOf(call(fn, [vectorAt(series, m(50))], m(50))).samples.map((x) => x.v);

  it('sorts ascending with NaN last, keeping the metric name', () => {
    expect(ordered('sort')).toEqual([100, 200, 300, 400, 500, 600, 700, 800, NaN]);
    expect(vectorOf(call('sort', [vectorAt(series, m(50))], m(50))).samples[0]?.labels.get('__name__')).toBe('http_requests');
  });

  it('sorts descending with NaN last', () => {
    expect(ordered('sort_desc')).toEqual([800, 700, 600, 500, 400, 300, 200, 100, NaN]);
  });

  it('orders equal values as Go 1.19 sort.Sort does (hand-traced insertion sort: stable below 13)', () => {
    const equal = load(m(5), { 'a{i="1"}': '1', 'a{i="2"}': '1', 'a{i="3"}': '0' });
    const out = vectorOf(call('sort', [vectorAt(equal, 0)], 0));
    expect(out.samples.map((x) => x.labels.get('i'))).toEqual(['3', '1', '2']);
  });
});

describe('scalar(), vector(), time(), timestamp()', () => {
  it('scalar() is the only value, or NaN', () => {
    const one = vectorAt(load(m(5), { a: '4' }), 0);
    expect(call('scalar', [one], s(7))).toEqual({ type: 'scalar', t: s(7), v: 4 });
    const two = vectorAt(load(m(5), { 'a{k="1"}': '4', 'a{k="2"}': '5' }), 0);
    expect(call('scalar', [two], 0)).toMatchObject({ type: 'scalar', v: NaN });
    expect(call('scalar', [{ type: 'vector', samples: [] }], 0)).toMatchObject({ v: NaN });
  });

  it('vector() has no labels; time() is the evaluation time in seconds', () => {
    expectSamples(call('vector', [scalar(1)], 0), [['{}', 1]]);
    expect(call('time', [], 1)).toEqual({ type: 'scalar', t: 1, v: 0.001 });
    expect(call('time', [], m(50))).toMatchObject({ v: 3000 });
  });

  it("timestamp() is each sample's own time in seconds, without the metric name", () => {
    const metric = load(s(10), { metric: '1 1' });
    expectSamples(call('timestamp', [vectorAt(metric, 0, true)], 0), [['{}', 0]]);
    expectSamples(call('timestamp', [vectorAt(metric, s(5), true)], s(5)), [['{}', 0]]);
    expectSamples(call('timestamp', [vectorAt(metric, s(10), true)], s(10)), [['{}', 10]]);
  });
});

describe('absent() and absent_over_time() (promql/testdata/functions.test)', () => {
  const selector = (...matchers: [string, LabelMatcher['type'], string][]): VectorSelector => ({
    type: 'VectorSelector',
    matchers: [{ name: '__name__', type: '=', value: 'nonexistent' }, ...matchers.map(([name, type, value]) => ({ name, type, value }))],
    offsetMs: 0,
  });
  const empty = { type: 'vector' as const, samples: [] };

  it('takes the labels of the equality matchers, a repeated name dropped', () => {
    expectSamples(call('absent', [empty], m(50), [selector()]), [['{}', 1]]);
    expectSamples(call('absent', [empty], m(50), [selector(['job', '=', 'testjob'], ['instance', '=', 'testinstance'], ['method', '=~', '.x'])]), [
      ['{instance="testinstance", job="testjob"}', 1],
    ]);
    expectSamples(call('absent', [empty], m(50), [selector(['job', '=', 'testjob'], ['job', '=', 'testjob2'], ['foo', '=', 'bar'])]), [['{foo="bar"}', 1]]);
    expectSamples(call('absent', [empty], m(50), [selector(['job', '=', 'a'], ['job', '=', 'b'], ['job', '=', 'c'], ['foo', '=', 'bar'])]), [
      ['{foo="bar"}', 1],
    ]);
    expectSamples(call('absent', [empty], m(50), [selector(['job', '=', 'testjob'], ['job', '=~', 'testjob2'], ['foo', '=', 'bar'])]), [
      ['{foo="bar"}', 1],
    ]);
    expectSamples(call('absent', [empty], m(50), [{ type: 'Paren', expr: selector(['a', '=', 'b']) }]), [['{a="b"}', 1]]);
  });

  it('gives nothing when something is there, and no labels for other expressions', () => {
    const present = vectorAt(load(m(5), { 'http_requests{job="api-server"}': '0+10x10' }), m(50));
    expectSamples(call('absent', [present], m(50), [selector()]), []);
    expectSamples(call('absent', [empty], m(50), [{ type: 'Call', func: 'rate', args: [] }]), [['{}', 1]]);
  });

  it('absent_over_time looks at the whole window', () => {
    const series = load(m(1), { 'httpd_log_lines_total{instance="127.0.0.1",job="node"}': '1' });
    const matrix = (labels: [string, LabelMatcher['type'], string][]): Expr => ({ type: 'MatrixSelector', vector: selector(...labels), rangeMs: s(30) });
    expectSamples(call('absent_over_time', [rangeAt(series, 0, s(30))], 0, [matrix([])]), []);
    expectSamples(call('absent_over_time', [rangeAt(series, m(1), s(30))], m(1), [matrix([])]), [['{}', 1]]);
    expectSamples(call('absent_over_time', [rangeAt([], m(1), m(5))], m(1), [matrix([['handler', '=', '/foo']])]), [['{handler="/foo"}', 1]]);
    expectSamples(call('absent_over_time', [rangeAt([], m(1), m(5))], m(1), [matrix([['handler', '!=', '/foo']])]), [['{}', 1]]);
    expectSamples(
      call('absent_over_time', [rangeAt([], m(1), m(5))], m(1), [
        matrix([
          ['handler', '=', '/foo'],
          ['handler', '=', '/bar'],
          ['instance', '=', '127.0.0.1'],
        ]),
      ]),
      [['{instance="127.0.0.1"}', 1]],
    );
    // A subquery argument has no matchers.
    const sub: Expr = { type: 'Subquery', expr: selector(['a', '=', 'b']), rangeMs: m(5), offsetMs: 0 };
    expectSamples(call('absent_over_time', [rangeAt([], m(1), m(5))], m(1), [sub]), [['{}', 1]]);
  });
});
