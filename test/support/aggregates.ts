import { floorTo, type AggregateFn } from '../../src/domain/aggregate';

/** One measure as a test inserted it. */
export interface Point {
  timestampUs: number;
  value: number;
}

/**
 * The reference answer of an aggregate, computed here from the inserted points, the obvious way: every
 * point of [fromUs, toUs) goes to the bucket floor(t / step) * step, and each bucket is reduced with fn.
 */
export function expectedBuckets(
  points: readonly Point[],
  fromUs: number,
  toUs: number,
  stepUs: number,
  fn: AggregateFn,
): Array<{ timestampUs: number; value: number; count: number }> {
  const buckets = new Map<number, Point[]>();
  for (const p of points) {
    if (p.timestampUs < fromUs || p.timestampUs >= toUs) continue;
    const start = floorTo(p.timestampUs, stepUs);
    buckets.set(start, [...(buckets.get(start) ?? []), p]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([timestampUs, inBucket]) => {
      const values = inBucket.map((p) => p.value);
      const sum = values.reduce((a, b) => a + b, 0);
      const latest = inBucket.reduce((a, b) => (b.timestampUs > a.timestampUs ? b : a));
      const value = {
        avg: sum / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        sum,
        count: values.length,
        last: latest.value,
      }[fn];
      return { timestampUs, value, count: values.length };
    });
}

/** A deterministic generator, so that a failure can be replayed. */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

/**
 * Irregularly spaced points from `fromUs` to `toUs`, including some exactly on minute and hour boundaries.
 * Values are multiples of 1/4: their sums are exact in any order, so averages can be compared exactly.
 */
export function irregularPoints(fromUs: number, toUs: number, meanGapS: number, seed: number): Point[] {
  const random = seededRandom(seed);
  const points = new Map<number, Point>();
  for (let t = fromUs; t < toUs; t += 1 + random(2 * meanGapS * 1_000_000)) {
    points.set(t, { timestampUs: t, value: (random(16001) - 8000) / 4 });
  }
  for (let t = floorTo(fromUs, 60_000_000) + 60_000_000; t < toUs; t += 60_000_000 * (1 + random(17))) {
    points.set(t, { timestampUs: t, value: (random(16001) - 8000) / 4 });
  }
  for (let t = floorTo(fromUs, 3_600_000_000) + 3_600_000_000; t < toUs; t += 3_600_000_000) {
    points.set(t, { timestampUs: t, value: (random(16001) - 8000) / 4 });
  }
  return [...points.values()].sort((a, b) => a.timestampUs - b.timestampUs);
}
