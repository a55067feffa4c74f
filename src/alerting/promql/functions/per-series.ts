/** The frame of every range-vector function: one output sample per input series that yields a value. */
import type { Vector, VectorSample } from '../values';
import type { FunctionInput, FunctionImpl } from './function-api';
import { rangeArg, type SeriesWindow } from './args';
import { dropMetricName } from './label-set';

export interface PerSeriesOptions {
  /** Which argument is the range vector (quantile_over_time's is the second). */
  readonly rangeIndex?: number;
  /** last_over_time keeps `__name__`; every other range function drops it. */
  readonly keepMetricName?: boolean;
}

/** `compute` returns undefined to leave the series out of the result (e.g. rate of one point). */
export function perSeries(
  compute: (window: SeriesWindow, input: FunctionInput) => number | undefined,
  options: PerSeriesOptions = {},
): FunctionImpl {
  return (input): Vector => {
    const range = rangeArg(input, options.rangeIndex ?? 0);
    const samples: VectorSample[] = [];
    for (const series of range.series) {
      if (series.points.length === 0) {
        continue;
      }
      const v = compute({ labels: series.labels, points: series.points, rangeStartMs: range.rangeStartMs, rangeEndMs: range.rangeEndMs }, input);
      if (v !== undefined) {
        samples.push({ labels: options.keepMetricName ? series.labels : dropMetricName(series.labels), t: input.timeMs, v });
      }
    }
    return { type: 'vector', samples };
  };
}
