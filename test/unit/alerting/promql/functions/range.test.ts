import { call, expectSamples, load, m, rangeAt, s, scalar, select, vectorOf } from './support';

describe('resets() and changes() (promql/testdata/functions.test)', () => {
  const series = load(m(5), {
    'http_requests{path="/foo"}': '1 2 3 0 1 0 0 1 2 0',
    'http_requests{path="/bar"}': '1 2 3 4 5 1 2 3 4 5',
    'http_requests{path="/biz"}': '0 0 0 0 0 1 1 1 1 1',
  });
  const at = (fn: string, range: number) => call(fn, [rangeAt(series, m(50), range)], m(50));

  it.each([
    [m(5), 0, 0, 0],
    [m(20), 1, 0, 0],
    [m(30), 2, 1, 0],
    [m(50), 3, 1, 0],
  ])('resets over %dms', (range, foo, bar, biz) => {
    expectSamples(at('resets', range), [
      ['{path="/foo"}', foo],
      ['{path="/bar"}', bar],
      ['{path="/biz"}', biz],
    ]);
  });

  it.each([
    [m(5), 0, 0, 0],
    [m(20), 3, 3, 0],
    [m(30), 4, 5, 1],
    [m(50), 8, 9, 1],
  ])('changes over %dms', (range, foo, bar, biz) => {
    expectSamples(at('changes', range), [
      ['{path="/foo"}', foo],
      ['{path="/bar"}', bar],
      ['{path="/biz"}', biz],
    ]);
  });

  it('gives nothing for a selector that selects nothing', () => {
    expectSamples(call('resets', [rangeAt([], m(50), m(50))], m(50)), []);
    expectSamples(call('changes', [rangeAt([], m(50), m(50))], m(50)), []);
  });

  it('changes() does not count NaN to NaN as a change', () => {
    const x = load(m(5), { 'x{a="b"}': 'NaN NaN NaN', 'x{a="c"}': '0 NaN 0' });
    expectSamples(call('changes', [rangeAt(x, m(15), m(15))], m(15)), [
      ['{a="b"}', 0],
      ['{a="c"}', 2],
    ]);
  });
});

describe('increase() and rate() (promql/testdata/functions.test)', () => {
  it('increase extrapolates to the window and handles a counter reset', () => {
    const series = load(m(5), { 'http_requests{path="/foo"}': '0+10x10', 'http_requests{path="/bar"}': '0+10x5 0+10x5' });
    for (const range of [m(50), m(100)]) {
      expectSamples(call('increase', [rangeAt(series, m(50), range)], m(50)), [
        ['{path="/foo"}', 100],
        ['{path="/bar"}', 90],
      ]);
    }
  });

  it('a decreasing counter is a reset to 0', () => {
    const series = load(m(5), { 'http_requests{path="/foo"}': '0 1 2 3 2 3 4' });
    expectSamples(call('increase', [rangeAt(series, m(30), m(30))], m(30)), [['{path="/foo"}', 7]]);
  });

  it('handles resets in the middle and ignores them at the end', () => {
    const series = load(m(5), { testcounter_reset_middle: '0+10x4 0+10x5', testcounter_reset_end: '0+10x9 0 10' });
    expectSamples(call('rate', [rangeAt(select(series, 'testcounter_reset_middle'), m(50), m(50))], m(50)), [['{}', 0.03]]);
    expectSamples(call('rate', [rangeAt(select(series, 'testcounter_reset_end'), m(50), m(5))], m(50)), [['{}', 0]]);
  });

  it('gives per-second rates, offset included', () => {
    const series = load(m(5), {
      'calculate_rate_offset{x="a"}': '0+10x10',
      'calculate_rate_offset{x="b"}': '0+20x10',
      calculate_rate_window: '0+80x10',
    });
    expectSamples(call('rate', [rangeAt(select(series, 'calculate_rate_window'), m(50), m(50))], m(50)), [['{}', 0.26666666666666666]]);
    expectSamples(call('rate', [rangeAt(select(series, 'calculate_rate_offset'), m(50), m(10), m(5))], m(50)), [
      ['{x="a"}', 0.03333333333333333],
      ['{x="b"}', 0.06666666666666667],
    ]);
  });

  it('does not extrapolate a counter below zero, and extrapolates half an interval otherwise', () => {
    const series = load(m(4), {
      'testcounter_zero_cutoff{start="0m"}': '0+240x10',
      'testcounter_zero_cutoff{start="1m"}': '60+240x10',
      'testcounter_zero_cutoff{start="2m"}': '120+240x10',
      'testcounter_zero_cutoff{start="3m"}': '180+240x10',
      'testcounter_zero_cutoff{start="4m"}': '240+240x10',
      'testcounter_zero_cutoff{start="5m"}': '300+240x10',
    });
    expectSamples(call('rate', [rangeAt(series, m(10), m(20))], m(10)), [
      ['{start="0m"}', 0.5],
      ['{start="1m"}', 0.55],
      ['{start="2m"}', 0.6],
      ['{start="3m"}', 0.65],
      ['{start="4m"}', 0.7],
      ['{start="5m"}', 0.6],
    ]);
    expectSamples(
      call('rate', [rangeAt(series, m(50), m(20))], m(50)),
      ['0m', '1m', '2m', '3m', '4m', '5m'].map((x) => [`{start="${x}"}`, 0.6]),
    );
  });

  it('computes the exact float of extrapolatedRate (hand-computed)', () => {
    // Points at 10s, 20s, 30s over the window [0s, 40s]: resultValue = 6 - 1 = 5, sampledInterval 20s,
    // average 10s, durationToStart 10s (< 11s threshold, and above the zero point 20 * 1/5 = 4s -> 4s),
    // durationToEnd 10s -> extrapolated over 20 + 4 + 10 = 34s.
    const series = load(s(10), { c: '_ 1 2 6' });
    const rate = vectorOf(call('rate', [rangeAt(series, s(40), s(40))], s(40)));
    expect(rate.samples[0]?.v).toBe(5 * (34 / 20 / 40));
    const delta = vectorOf(call('delta', [rangeAt(series, s(40), s(40))], s(40)));
    expect(delta.samples[0]?.v).toBe(5 * (40 / 20));
  });

  it('gives no result for a single point, and drops the metric name', () => {
    const series = load(m(1), { 'up{job="a"}': '1', 'other{job="b"}': '1 2' });
    const result = vectorOf(call('rate', [rangeAt(series, m(1), m(5))], m(1)));
    expect(result.samples).toHaveLength(1);
    expect([...(result.samples[0]?.labels ?? [])]).toEqual([['job', 'b']]);
    expect(result.samples[0]?.t).toBe(m(1));
  });

  it('propagates NaN and infinities', () => {
    const series = load(s(10), { 'a{k="nan"}': '1 NaN 3', 'a{k="inf"}': '1 Inf 3' });
    const out = vectorOf(call('increase', [rangeAt(series, s(20), s(20))], s(20)));
    const byK = new Map(out.samples.map((x) => [x.labels.get('k'), x.v]));
    expect(byK.get('nan')).toBe(2);
    // 1 -> Inf -> 3 is a reset at Inf: the correction adds Inf.
    expect(byK.get('inf')).toBe(Infinity);
  });
});

describe('irate(), delta() and idelta() (promql/testdata/functions.test)', () => {
  it('irate uses the last two points, a reset counting from zero', () => {
    const series = load(m(5), { 'http_requests{path="/foo"}': '0+10x10', 'http_requests{path="/bar"}': '0+10x5 0+10x5' });
    expectSamples(call('irate', [rangeAt(series, m(50), m(50))], m(50)), [
      ['{path="/foo"}', 0.03333333333333333],
      ['{path="/bar"}', 0.03333333333333333],
    ]);
    expectSamples(call('irate', [rangeAt(series, m(30), m(50))], m(30)), [
      ['{path="/foo"}', 0.03333333333333333],
      ['{path="/bar"}', 0],
    ]);
  });

  it('delta is not a counter function', () => {
    const series = load(m(5), { 'http_requests{path="/foo"}': '0 50 100 150 200', 'http_requests{path="/bar"}': '200 150 100 50 0' });
    expectSamples(call('delta', [rangeAt(series, m(20), m(20))], m(20)), [
      ['{path="/foo"}', 200],
      ['{path="/bar"}', -200],
    ]);
  });

  it('idelta is the difference of the last two points', () => {
    const series = load(m(5), { 'http_requests{path="/foo"}': '0 50 100 150', 'http_requests{path="/bar"}': '0 50 100 50' });
    expectSamples(call('idelta', [rangeAt(series, m(20), m(20))], m(20)), [
      ['{path="/foo"}', 50],
      ['{path="/bar"}', -50],
    ]);
  });

  it('irate and idelta of one point give nothing', () => {
    const series = load(m(5), { a: '5' });
    expectSamples(call('irate', [rangeAt(series, m(1), m(5))], m(1)), []);
    expectSamples(call('idelta', [rangeAt(series, m(1), m(5))], m(1)), []);
  });
});

describe('deriv() and predict_linear() (promql/testdata/functions.test)', () => {
  const series = load(m(5), {
    testcounter_reset_middle: '0+10x4 0+10x5',
    'http_requests{job="app-server", instance="1", group="canary"}': '0+80x10',
  });
  const middle = select(series, 'testcounter_reset_middle');

  it('deriv equals rate in simple cases and fits a line otherwise', () => {
    expectSamples(call('deriv', [rangeAt(select(series, 'http_requests'), m(50), m(50))], m(50)), [
      ['{group="canary", instance="1", job="app-server"}', 0.26666666666666666],
    ]);
    expectSamples(call('deriv', [rangeAt(middle, m(50), m(100))], m(50)), [['{}', 0.010606060606060607]]);
  });

  it('predict_linear takes its intercept at the evaluation time', () => {
    expectSamples(call('predict_linear', [rangeAt(middle, m(50), m(100)), scalar(3600)], m(50)), [['{}', 76.81818181818181]]);
    // `@ 3000`: the window ends at 3000s, the intercept stays at the evaluation time.
    expectSamples(call('predict_linear', [rangeAt(middle, s(3000), m(100)), scalar(3600)], m(10)), [['{}', 51.36363636363637]]);
    expectSamples(call('predict_linear', [rangeAt(middle, s(3000), m(100)), scalar(3600)], m(70)), [['{}', 89.54545454545455]]);
  });

  it('a constant series has slope 0, an infinite constant one NaN', () => {
    const c = load(m(1), { 'a{k="c"}': '3 3 3', 'a{k="inf"}': 'Inf Inf' });
    expectSamples(call('deriv', [rangeAt(c, m(2), m(5))], m(2)), [
      ['{k="c"}', 0],
      ['{k="inf"}', NaN],
    ]);
    expectSamples(call('predict_linear', [rangeAt(c, m(2), m(5)), scalar(60)], m(2)), [
      ['{k="c"}', 3],
      ['{k="inf"}', NaN],
    ]);
  });

  it('needs two points', () => {
    expectSamples(call('deriv', [rangeAt(load(m(1), { a: '1' }), m(0), m(5))], m(0)), []);
  });
});
