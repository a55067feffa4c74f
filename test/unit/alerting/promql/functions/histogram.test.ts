import { call, expectSamples, load, m, rangeAt, scalar, select, vectorAt, vectorOf } from './support';
import type { Vector } from '../../../../../src/alerting/promql/values';

const series = load(m(5), {
  'testhistogram_bucket{le="0.1", start="positive"}': '0+5x10',
  'testhistogram_bucket{le=".2", start="positive"}': '0+7x10',
  'testhistogram_bucket{le="1e0", start="positive"}': '0+11x10',
  'testhistogram_bucket{le="+Inf", start="positive"}': '0+12x10',
  'testhistogram_bucket{le="-.2", start="negative"}': '0+1x10',
  'testhistogram_bucket{le="-0.1", start="negative"}': '0+2x10',
  'testhistogram_bucket{le="0.3", start="negative"}': '0+2x10',
  'testhistogram_bucket{le="+Inf", start="negative"}': '0+3x10',
  'testhistogram2_bucket{le="0"}': '0+0x10',
  'testhistogram2_bucket{le="2"}': '0+1x10',
  'testhistogram2_bucket{le="4"}': '0+2x10',
  'testhistogram2_bucket{le="6"}': '0+3x10',
  'testhistogram2_bucket{le="+Inf"}': '0+3x10',
  'request_duration_seconds_bucket{job="job1", instance="ins1", le="0.1"}': '0+1x10',
  'request_duration_seconds_bucket{job="job1", instance="ins1", le="0.2"}': '0+3x10',
  'request_duration_seconds_bucket{job="job1", instance="ins1", le="+Inf"}': '0+4x10',
  'request_duration_seconds_bucket{job="job1", instance="ins2", le="0.1"}': '0+2x10',
  'request_duration_seconds_bucket{job="job1", instance="ins2", le="0.2"}': '0+5x10',
  'request_duration_seconds_bucket{job="job1", instance="ins2", le="+Inf"}': '0+6x10',
  'request_duration_seconds_bucket{job="job2", instance="ins1", le="0.1"}': '0+3x10',
  'request_duration_seconds_bucket{job="job2", instance="ins1", le="0.2"}': '0+4x10',
  'request_duration_seconds_bucket{job="job2", instance="ins1", le="+Inf"}': '0+6x10',
  'request_duration_seconds_bucket{job="job2", instance="ins2", le="0.1"}': '0+4x10',
  'request_duration_seconds_bucket{job="job2", instance="ins2", le="0.2"}': '0+7x10',
  'request_duration_seconds_bucket{job="job2", instance="ins2", le="+Inf"}': '0+9x10',
  'mixed_bucket{job="job1", instance="ins1", le="0.1"}': '0+1x10',
  'mixed_bucket{job="job1", instance="ins1", le="0.2"}': '0+1x10',
  'mixed_bucket{job="job1", instance="ins1", le="2e-1"}': '0+1x10',
  'mixed_bucket{job="job1", instance="ins1", le="2.0e-1"}': '0+1x10',
  'mixed_bucket{job="job1", instance="ins1", le="+Inf"}': '0+4x10',
  'mixed_bucket{job="job1", instance="ins2", le="+inf"}': '0+0x10',
  'mixed_bucket{job="job1", instance="ins2", le="+Inf"}': '0+0x10',
  'nonmonotonic_bucket{le="0.1"}': '0+2x10',
  'nonmonotonic_bucket{le="1"}': '0+1x10',
  'nonmonotonic_bucket{le="10"}': '0+5x10',
  'nonmonotonic_bucket{le="100"}': '0+4x10',
  'nonmonotonic_bucket{le="1000"}': '0+9x10',
  'nonmonotonic_bucket{le="+Inf"}': '0+8x10',
  'empty_bucket{le="0.1", job="job1", instance="ins1"}': '0x10',
  'empty_bucket{le="0.2", job="job1", instance="ins1"}': '0x10',
  'empty_bucket{le="+Inf", job="job1", instance="ins1"}': '0x10',
});

const hq = (q: number, input: Vector, t = m(50)) => call('histogram_quantile', [scalar(q), input], t);
const buckets = (name: string, t = m(50)) => vectorAt(select(series, name), t);
const rates = (name: string, range = m(5), t = m(50)) => vectorOf(call('rate', [rangeAt(select(series, name), t, range)], t));

/** sum by (grouping) of a vector, as the evaluator's aggregation would give it. */
function sumBy(input: Vector, grouping: string[], mean = false): Vector {
  const groups = new Map<string, { labels: Map<string, string>; sum: number; count: number }>();
  for (const x of input.samples) {
    const labels = new Map(grouping.filter((g) => x.labels.has(g)).map((g) => [g, x.labels.get(g) ?? '']));
    const key = JSON.stringify([...labels]);
    const group = groups.get(key) ?? { labels, sum: 0, count: 0 };
    group.sum += x.v;
    group.count += 1;
    groups.set(key, group);
  }
  return { type: 'vector', samples: [...groups.values()].map((g) => ({ labels: g.labels, t: 0, v: mean ? g.sum / g.count : g.sum })) };
}

describe('histogram_quantile() (promql/testdata/histograms.test)', () => {
  it('q < 0 gives -Inf, q > 1 +Inf, NaN NaN', () => {
    expectSamples(hq(-0.1, buckets('testhistogram_bucket')), [
      ['{start="positive"}', -Infinity],
      ['{start="negative"}', -Infinity],
    ]);
    expectSamples(hq(1.01, buckets('testhistogram_bucket')), [
      ['{start="positive"}', Infinity],
      ['{start="negative"}', Infinity],
    ]);
    expectSamples(hq(NaN, buckets('testhistogram_bucket')), [
      ['{start="positive"}', NaN],
      ['{start="negative"}', NaN],
    ]);
  });

  it('interpolates in the lowest bucket from 0 when positive, returns its bound when negative', () => {
    expectSamples(hq(0, buckets('testhistogram_bucket{start="positive"}')), [['{start="positive"}', 0]]);
    expectSamples(hq(0, buckets('testhistogram_bucket{start="negative"}')), [['{start="negative"}', -0.2]]);
  });

  it.each([
    [1, 1, 0.3],
    [0.2, 0.048, -0.2],
    [0.5, 0.15, -0.15],
    [0.8, 0.72, 0.3],
  ])('q=%d over raw buckets and their rates', (q, positive, negative) => {
    for (const input of [buckets('testhistogram_bucket'), rates('testhistogram_bucket')]) {
      expectSamples(hq(q, input), [
        ['{start="positive"}', positive],
        ['{start="negative"}', negative],
      ]);
    }
  });

  it.each([
    [1 / 6, 1],
    [0.5, 3],
    [5 / 6, 5],
  ])('q=%d lands in the middle of a bucket', (q, expected) => {
    expectSamples(hq(q, buckets('testhistogram2_bucket', m(7)), m(7)), [['{}', expected]]);
    expectSamples(hq(q, rates('testhistogram2_bucket', m(15), m(47)), m(47)), [['{}', expected]]);
  });

  it('works over aggregated buckets', () => {
    const r = rates('request_duration_seconds_bucket');
    expectSamples(hq(0.3, sumBy(r, ['le'])), [['{}', 0.075]]);
    expectSamples(hq(0.5, sumBy(r, ['le'])), [['{}', 23 / 180]]);
    expectSamples(hq(0.5, sumBy(r, ['le'], true)), [['{}', 23 / 180]]);
    expectSamples(hq(0.5, sumBy(r, ['le', 'instance'])), [
      ['{instance="ins1"}', 0.1333333333],
      ['{instance="ins2"}', 0.125],
    ]);
    expectSamples(hq(0.3, sumBy(r, ['le', 'job'])), [
      ['{job="job1"}', 0.1],
      ['{job="job2"}', 0.0642857142857143],
    ]);
  });

  it('groups by every label but le and drops le and the name', () => {
    const r = rates('request_duration_seconds_bucket');
    expectSamples(hq(0.5, r), [
      ['{instance="ins1", job="job1"}', 0.15],
      ['{instance="ins2", job="job1"}', 0.13333333333333333],
      ['{instance="ins1", job="job2"}', 0.1],
      ['{instance="ins2", job="job2"}', 0.11666666666666667],
    ]);
  });

  it.each([
    [0.01, 0.0045],
    [0.5, 8.5],
    [0.99, 979.75],
  ])('makes non-monotonic buckets monotonic (q=%d)', (q, expected) => {
    expectSamples(hq(q, buckets('nonmonotonic_bucket')), [['{}', expected]]);
  });

  it.each([
    [0.5, 0.15],
    [0.75, 0.2],
    [1, 0.2],
  ])('coalesces different spellings of one bound (q=%d)', (q, expected) => {
    expectSamples(hq(q, rates('mixed_bucket')), [
      ['{instance="ins1", job="job1"}', expected],
      ['{instance="ins2", job="job1"}', NaN],
    ]);
  });

  it('an empty histogram gives NaN', () => {
    expectSamples(hq(0.2, rates('empty_bucket')), [['{instance="ins1", job="job1"}', NaN]]);
  });

  it('keeps histograms of different names apart (the evaluator then refuses the duplicate label set)', () => {
    const twin = load(m(5), {
      'a_bucket{le="1"}': '1',
      'a_bucket{le="+Inf"}': '2',
      'b_bucket{le="1"}': '1',
      'b_bucket{le="+Inf"}': '4',
    });
    const out = vectorOf(hq(0.5, vectorAt(twin, 0), 0));
    expect(out.samples.map((x) => [x.labels.size, x.v])).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('without a +Inf bucket gives NaN; samples without a numeric le are ignored', () => {
    const odd = load(m(5), {
      'x_bucket{h="x", le="1"}': '1',
      'x_bucket{h="x", le="2"}': '2',
      'y_bucket{h="y", le="1"}': '1',
      'y_bucket{h="y", le="+Inf"}': '1',
      'y_bucket{h="y", le="abc"}': '100',
      'y_bucket{h="y"}': '100',
      'z_bucket{h="z", le="1e400"}': '100',
    });
    expectSamples(hq(0.5, vectorAt(odd, 0), 0), [
      ['{h="x"}', NaN],
      ['{h="y"}', 0.5],
    ]);
  });

  it('an empty vector gives an empty vector', () => {
    expectSamples(hq(0.5, { type: 'vector', samples: [] }), []);
  });
});
