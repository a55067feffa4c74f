/** histogram_quantile over classic histograms (buckets as series with an `le` label), as Prometheus 2.42. */
import type { Labels, Vector, VectorSample } from '../values';
import { scalarArg, vectorArg } from './args';
import type { FunctionImpl } from './function-api';
import { parseGoFloat } from './go-float';
import { BUCKET_LABEL, METRIC_NAME, withoutLabels } from './label-set';
import { bucketQuantile, type Bucket } from './quantile';

interface HistogramBuckets {
  readonly labels: Labels;
  readonly buckets: Bucket[];
}

/** The identity of a histogram: every label but `le`, the metric name included (prometheus#9910). */
function signature(labels: Labels): string {
  return JSON.stringify([...labels].filter(([name]) => name !== BUCKET_LABEL));
}

export const histogramQuantile: FunctionImpl = (input): Vector => {
  const q = scalarArg(input, 0);
  const histograms = new Map<string, HistogramBuckets>();
  for (const sample of vectorArg(input, 1)) {
    const upperBound = parseGoFloat(sample.labels.get(BUCKET_LABEL) ?? '');
    if (upperBound === undefined) {
      // No `le` label, or one that is not a number: not a bucket.
      continue;
    }
    const key = signature(sample.labels);
    let histogram = histograms.get(key);
    if (histogram === undefined) {
      histogram = { labels: withoutLabels(sample.labels, METRIC_NAME, BUCKET_LABEL), buckets: [] };
      histograms.set(key, histogram);
    }
    histogram.buckets.push({ upperBound, count: sample.v });
  }
  const samples: VectorSample[] = [];
  for (const { labels, buckets } of histograms.values()) {
    samples.push({ labels, t: input.timeMs, v: bucketQuantile(q, buckets) });
  }
  return { type: 'vector', samples };
};
