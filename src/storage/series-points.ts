import type { Point } from '../alerting/promql/values';

/** A stored sample as read: microseconds (a number while safe, else a bigint), the series it belongs to, its value. */
export interface RawSample {
  readonly tsUs: number | bigint;
  readonly seriesId: number;
  readonly value: number;
}

/** Floor of microseconds to milliseconds, exact for every safe integer (a double division is not near 2^53). */
export function usToMs(tsUs: number | bigint): number {
  if (typeof tsUs === 'bigint') {
    const rest = ((tsUs % 1000n) + 1000n) % 1000n;
    return Number((tsUs - rest) / 1000n);
  }
  const rest = ((tsUs % 1000) + 1000) % 1000;
  return (tsUs - rest) / 1000;
}

function before(a: RawSample, b: RawSample): number {
  // Relational operators, not !==: a number and a bigint of the same instant compare equal.
  if (a.tsUs < b.tsUs) return -1;
  if (a.tsUs > b.tsUs) return 1;
  return a.seriesId - b.seriesId;
}

/**
 * PromQL's points of samples: microseconds truncated to milliseconds, one point per millisecond (the latest
 * sample of that millisecond wins; between stored series whose label sets coincide, at the same microsecond,
 * the higher series id), in time order. `sorted`: the samples are already in time order (one series read in
 * primary-key order), which spares the sort.
 */
export function toPoints(samples: RawSample[], sorted: boolean): Point[] {
  if (!sorted) samples.sort(before);
  const points: Point[] = [];
  let lastMs = Number.NaN;
  for (const sample of samples) {
    const t = usToMs(sample.tsUs);
    if (t === lastMs) points[points.length - 1] = { t, v: sample.value };
    else points.push({ t, v: sample.value });
    lastMs = t;
  }
  return points;
}
