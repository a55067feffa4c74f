import type { BucketPartial } from './aggregate';

/**
 * Sums past the double range. A bucket of values near 1.8e308 can have a sum no double holds (two of
 * 1.7e308), while its average is an ordinary double. Such a sum is kept scaled by 2^-64: scaling by a power
 * of two is exact, so the scaled sum rounds as the sum would, and 2^64 values of the largest double still
 * fit. `sum` is then ±Infinity (the API answers null), and the average is exact.
 */
export const SUM_SCALE = 2 ** 64;

/** The partial for a sum known only scaled (from SQL's overflow-free SUM(value * 2^-64)). */
export function withScaledSum(partial: BucketPartial, scaled: number): BucketPartial {
  partial.sum = scaled * SUM_SCALE;
  if (!Number.isFinite(partial.sum)) partial.scaledSum = scaled;
  return partial;
}

function scaledOf(partial: BucketPartial): number {
  return partial.scaledSum ?? partial.sum / SUM_SCALE;
}

/** `into.sum += other.sum`, switching to the scaled sum when the plain one leaves the double range. */
export function addSum(into: BucketPartial, other: BucketPartial): void {
  const sum = into.sum + other.sum;
  if (into.scaledSum === undefined && other.scaledSum === undefined && Number.isFinite(sum)) {
    into.sum = sum;
    return;
  }
  const scaled = scaledOf(into) + scaledOf(other);
  into.sum = scaled * SUM_SCALE;
  // Back in range (values of both signs cancelled): the plain sum is exact again.
  if (Number.isFinite(into.sum)) delete into.scaledSum;
  else into.scaledSum = scaled;
}

export function average(partial: BucketPartial): number {
  return partial.scaledSum === undefined ? partial.sum / partial.n : (partial.scaledSum / partial.n) * SUM_SCALE;
}
