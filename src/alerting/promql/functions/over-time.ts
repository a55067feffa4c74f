/** The <aggregation>_over_time functions: Prometheus 2.42's algorithms, Kahan sums included. */
import type { Point } from '../values';
import { scalarArg } from './args';
import { kahanSumInc } from './kahan';
import { perSeries } from './per-series';
import { quantile } from './quantile';

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

function average(points: readonly Point[]): number {
  let mean = 0;
  let count = 0;
  let c = 0;
  for (const { v } of points) {
    count++;
    if (isInf(mean)) {
      if (isInf(v) && mean > 0 === v > 0) {
        // Infinities of the same sign: the mean is already right, and Inf - Inf would make it NaN.
        continue;
      }
      if (!isInf(v) && !Number.isNaN(v)) {
        continue;
      }
    }
    // The incremental mean does not overflow where a plain sum would.
    [mean, c] = kahanSumInc(v / count - mean / count, mean, c);
  }
  return isInf(mean) ? mean : mean + c;
}

function sum(points: readonly Point[]): number {
  let total = 0;
  let c = 0;
  for (const { v } of points) {
    [total, c] = kahanSumInc(v, total, c);
  }
  return isInf(total) ? total : total + c;
}

/** The population variance by Welford's running algorithm with Kahan-compensated sums. */
function variance(points: readonly Point[]): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (const { v } of points) {
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function maximum(points: readonly Point[]): number {
  let max = (points[0] as Point).v;
  for (const { v } of points) {
    if (v > max || Number.isNaN(max)) {
      max = v;
    }
  }
  return max;
}

function minimum(points: readonly Point[]): number {
  let min = (points[0] as Point).v;
  for (const { v } of points) {
    if (v < min || Number.isNaN(min)) {
      min = v;
    }
  }
  return min;
}

export const avgOverTime = perSeries((w) => average(w.points));
export const countOverTime = perSeries((w) => w.points.length);
export const sumOverTime = perSeries((w) => sum(w.points));
export const minOverTime = perSeries((w) => minimum(w.points));
export const maxOverTime = perSeries((w) => maximum(w.points));
export const stdvarOverTime = perSeries((w) => variance(w.points));
export const stddevOverTime = perSeries((w) => Math.sqrt(variance(w.points)));
export const presentOverTime = perSeries(() => 1);
// last_over_time acts like an offset, so it keeps the metric name.
export const lastOverTime = perSeries((w) => (w.points[w.points.length - 1] as Point).v, { keepMetricName: true });
export const quantileOverTime = perSeries(
  (w, input) =>
    quantile(
      scalarArg(input, 0),
      w.points.map((p) => p.v),
    ),
  { rangeIndex: 1 },
);
