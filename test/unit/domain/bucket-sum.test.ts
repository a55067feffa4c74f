import { mergePartial, reduce, type BucketPartial } from '../../../src/domain/aggregate';
import { withScaledSum } from '../../../src/domain/bucket-sum';

const BIG = 1.7e308;

function partial(values: readonly number[]): BucketPartial {
  return {
    n: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    lastTs: BigInt(values.length),
    last: values[values.length - 1]!,
  };
}

describe('bucket sums past the double range: sum is not finite, avg stays exact', () => {
  it('two partials of 1.7e308 merge into a sum past the range and an average of 1.7e308', () => {
    const into = partial([BIG]);
    mergePartial(into, partial([BIG]));
    expect(reduce(into, 'sum')).toBe(Infinity);
    expect(reduce(into, 'avg')).toBe(BIG);
    expect(reduce(into, 'count')).toBe(2);
  });

  it('comes back to the exact sum when later values cancel the overflow', () => {
    const into = partial([BIG]);
    mergePartial(into, partial([BIG]));
    mergePartial(into, partial([-BIG]));
    expect(reduce(into, 'sum')).toBe(BIG);
    expect(into.scaledSum).toBeUndefined();
    expect(reduce(into, 'avg')).toBe(BIG / 3);
  });

  it('a sum known only scaled (SQL SUM(value * 2^-64)) gives the same answers', () => {
    const p = withScaledSum({ ...partial([BIG, BIG]), sum: Number.NaN }, 2 * (BIG / 2 ** 64));
    expect(reduce(p, 'sum')).toBe(Infinity);
    expect(reduce(p, 'avg')).toBe(BIG);
    const negative = withScaledSum({ ...partial([-BIG, -BIG, 4]), sum: Number.NaN }, -2 * (BIG / 2 ** 64));
    expect(reduce(negative, 'sum')).toBe(-Infinity);
    const inRange = withScaledSum({ ...partial([BIG, -BIG, 4]), sum: Number.NaN }, 4 / 2 ** 64);
    expect([reduce(inRange, 'sum'), inRange.scaledSum]).toEqual([4, undefined]);
  });

  it('ordinary sums are unchanged', () => {
    const into = partial([1.5, 2.25]);
    mergePartial(into, partial([-0.75]));
    expect([reduce(into, 'sum'), reduce(into, 'avg'), into.scaledSum]).toEqual([3, 1, undefined]);
  });
});
