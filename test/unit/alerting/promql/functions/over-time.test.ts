import { call, expectSamples, load, m, rangeAt, s, scalar, vectorOf } from './support';

describe('avg_over_time() and sum_over_time() (promql/testdata/functions.test)', () => {
  const series = load(s(10), {
    metric: '1 2 3 4 5',
    metric2: '1 2 3 4 Inf',
    metric3: '1 2 3 4 -Inf',
    metric4: '1 2 3 Inf -Inf',
    metric5: 'Inf 0 Inf',
    metric5c: 'Inf Inf Inf -Inf',
    metric6: '1 2 3 -Inf -Inf',
    metric6b: '-Inf 0 -Inf',
    metric6c: '-Inf -Inf -Inf Inf',
    metric7: '1 2 -Inf -Inf Inf',
    metric8: '9.988465674311579e+307 9.988465674311579e+307',
    metric9: '-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307',
    metric10: '-9.988465674311579e+307 9.988465674311579e+307',
  });
  const over = (fn: string, name: string) =>
    vectorOf(call(fn, [rangeAt(series.filter((x) => x.labels.get('__name__') === name), m(1), m(1))], m(1))).samples[0]?.v;

  it.each([
    ['metric', 3, 3],
    ['metric2', Infinity, Infinity],
    ['metric3', -Infinity, -Infinity],
    ['metric4', NaN, NaN],
    ['metric5', Infinity, Infinity],
    ['metric5c', NaN, NaN],
    ['metric6', -Infinity, -Infinity],
    ['metric6b', -Infinity, -Infinity],
    ['metric6c', NaN, NaN],
    ['metric7', NaN, NaN],
    // The incremental mean does not overflow where the sum does.
    ['metric8', 9.988465674311579e307, Infinity],
    ['metric9', -9.988465674311579e307, -Infinity],
    ['metric10', 0, 0],
  ])('%s: avg %d, sum/count %d', (name, avg, sumOverCount) => {
    expect(over('avg_over_time', name)).toBe(avg);
    expect((over('sum_over_time', name) ?? NaN) / (over('count_over_time', name) ?? NaN)).toBe(sumOverCount);
  });

  it('sums with Kahan compensation', () => {
    const x = load(s(10), { a: '1 1e100 1 -1e100' });
    expectSamples(call('sum_over_time', [rangeAt(x, m(1), m(1))], m(1)), [['{}', 2]]);
  });
});

describe('stddev_over_time() and stdvar_over_time() (promql/testdata/functions.test)', () => {
  it('gives the population deviation and variance', () => {
    const x = load(s(10), { metric: '0 8 8 2 3' });
    expectSamples(call('stdvar_over_time', [rangeAt(x, m(1), m(1))], m(1)), [['{}', 10.56]]);
    expectSamples(call('stddev_over_time', [rangeAt(x, m(1), m(1))], m(1)), [['{}', 3.249615]]);
  });

  it('gives exactly 0 for equal values (#4927)', () => {
    const x = load(s(10), { metric: '1.5990505637277868 1.5990505637277868 1.5990505637277868' });
    expect(vectorOf(call('stdvar_over_time', [rangeAt(x, m(1), m(1))], m(1))).samples[0]?.v).toBe(0);
    expect(vectorOf(call('stddev_over_time', [rangeAt(x, m(1), m(1))], m(1))).samples[0]?.v).toBe(0);
  });

  it('gives 0 for one point', () => {
    expectSamples(call('stddev_over_time', [rangeAt(load(s(10), { a: '7' }), s(10), m(1))], s(10)), [['{}', 0]]);
  });
});

describe('quantile_over_time() (promql/testdata/functions.test)', () => {
  const data = load(s(10), {
    'data{test="two samples"}': '0 1',
    'data{test="three samples"}': '0 1 2',
    'data{test="uneven samples"}': '0 1 4',
  });
  it.each([
    [0, 0, 0, 0],
    [0.5, 0.5, 1, 1],
    [0.75, 0.75, 1.5, 2.5],
    [0.8, 0.8, 1.6, 2.8],
    [1, 1, 2, 4],
    [-1, -Infinity, -Infinity, -Infinity],
    [2, Infinity, Infinity, Infinity],
  ])('q=%d', (q, two, three, uneven) => {
    expectSamples(call('quantile_over_time', [scalar(q), rangeAt(data, m(1), m(1))], m(1)), [
      ['{test="two samples"}', two],
      ['{test="three samples"}', three],
      ['{test="uneven samples"}', uneven],
    ]);
  });

  it('a NaN quantile gives NaN', () => {
    expectSamples(call('quantile_over_time', [scalar(NaN), rangeAt(data, m(1), m(1))], m(1)), [
      ['{test="two samples"}', NaN],
      ['{test="three samples"}', NaN],
      ['{test="uneven samples"}', NaN],
    ]);
  });

  it('sorts NaN first, as Go sorts vectorByValueHeap', () => {
    const x = load(s(10), { a: '3 NaN 1' });
    // Sorted: NaN 1 3; q=0.5 -> index 1.
    expectSamples(call('quantile_over_time', [scalar(0.5), rangeAt(x, m(1), m(1))], m(1)), [['{}', 1]]);
  });
});

describe('min, max, last, count, present _over_time (promql/testdata/functions.test)', () => {
  const data = load(s(10), {
    'data{type="numbers"}': '2 0 3',
    'data{type="some_nan"}': '2 0 NaN',
    'data{type="some_nan2"}': '2 NaN 1',
    'data{type="some_nan3"}': 'NaN 0 1',
    'data{type="only_nan"}': 'NaN NaN NaN',
  });
  const window = () => rangeAt(data, m(1), m(1));

  it('min_over_time and max_over_time skip NaN unless all are NaN', () => {
    expectSamples(call('min_over_time', [window()], m(1)), [
      ['{type="numbers"}', 0],
      ['{type="some_nan"}', 0],
      ['{type="some_nan2"}', 1],
      ['{type="some_nan3"}', 0],
      ['{type="only_nan"}', NaN],
    ]);
    expectSamples(call('max_over_time', [window()], m(1)), [
      ['{type="numbers"}', 3],
      ['{type="some_nan"}', 2],
      ['{type="some_nan2"}', 2],
      ['{type="some_nan3"}', 1],
      ['{type="only_nan"}', NaN],
    ]);
  });

  it('last_over_time keeps the metric name', () => {
    expectSamples(call('last_over_time', [window()], m(1)), [
      ['data{type="numbers"}', 3],
      ['data{type="some_nan"}', NaN],
      ['data{type="some_nan2"}', 1],
      ['data{type="some_nan3"}', 1],
      ['data{type="only_nan"}', NaN],
    ]);
  });

  it('count_over_time and present_over_time drop it', () => {
    expectSamples(call('count_over_time', [rangeAt(data, m(1), s(15))], m(1)), []);
    expectSamples(call('count_over_time', [rangeAt(data, s(20), s(10))], s(20)), [
      ['{type="numbers"}', 2],
      ['{type="some_nan"}', 2],
      ['{type="some_nan2"}', 2],
      ['{type="some_nan3"}', 2],
      ['{type="only_nan"}', 2],
    ]);
    const present = vectorOf(call('present_over_time', [window()], m(1)));
    expect(present.samples.map((x) => x.v)).toEqual([1, 1, 1, 1, 1]);
    expect(present.samples.every((x) => !x.labels.has('__name__'))).toBe(true);
  });

  it('a window without points gives nothing', () => {
    expectSamples(call('avg_over_time', [rangeAt(data, m(10), m(1))], m(10)), []);
  });
});
