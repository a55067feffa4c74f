/** Prometheus 2.42's promql/quantile.go: quantile() over values, bucketQuantile() over classic histogram buckets. */
import { goSearch, goSortArray } from './go-sort';

/** vectorByValueHeap's order: NaN first, then ascending (as Go sorts it, equal values included). */
function valueLess(a: number, b: number): boolean {
  return Number.isNaN(a) || a < b;
}

/** The q-quantile of values (φ-quantile with linear interpolation), as quantile() and quantile_over_time(). */
export function quantile(q: number, input: readonly number[]): number {
  if (input.length === 0 || Number.isNaN(q)) {
    return NaN;
  }
  if (q < 0) {
    return -Infinity;
  }
  if (q > 1) {
    return Infinity;
  }
  const values = [...input];
  goSortArray(values, valueLess);
  const n = values.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return (values[lowerIndex] as number) * (1 - weight) + (values[upperIndex] as number) * weight;
}

export interface Bucket {
  upperBound: number;
  count: number;
}

/** histogram_quantile over classic buckets; `buckets` is reordered and coalesced in place. */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) {
    return NaN;
  }
  if (q < 0) {
    return -Infinity;
  }
  if (q > 1) {
    return Infinity;
  }
  goSortArray(input, (a, b) => a.upperBound < b.upperBound);
  if ((input[input.length - 1] as Bucket).upperBound !== Infinity) {
    return NaN;
  }
  const buckets = coalesceBuckets(input);
  ensureMonotonic(buckets);
  if (buckets.length < 2) {
    return NaN;
  }
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (observations === 0) {
    return NaN;
  }
  let rank = q * observations;
  const b = goSearch(buckets.length - 1, (i) => (buckets[i] as Bucket).count >= rank);
  if (b === buckets.length - 1) {
    return (buckets[buckets.length - 2] as Bucket).upperBound;
  }
  const found = buckets[b] as Bucket;
  if (b === 0 && found.upperBound <= 0) {
    return found.upperBound;
  }
  let bucketStart = 0;
  const bucketEnd = found.upperBound;
  let count = found.count;
  if (b > 0) {
    const previous = buckets[b - 1] as Bucket;
    bucketStart = previous.upperBound;
    count -= previous.count;
    rank -= previous.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Merges buckets with the same upper bound (their counts added, in sorted order). */
function coalesceBuckets(buckets: Bucket[]): Bucket[] {
  let last = { ...(buckets[0] as Bucket) };
  const out: Bucket[] = [];
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    if (b.upperBound === last.upperBound) {
      last.count += b.count;
    } else {
      out.push(last);
      last = { ...b };
    }
  }
  out.push(last);
  return out;
}

/** Raises any count below an earlier one to it (buckets from scrapes at different times can be non-monotonic). */
function ensureMonotonic(buckets: Bucket[]): void {
  let max = (buckets[0] as Bucket).count;
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    if (b.count > max) {
      max = b.count;
    } else if (b.count < max) {
      b.count = max;
    }
  }
}
