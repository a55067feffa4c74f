/**
 * SUM over doubles that never answers a wrong number. MariaDB's SUM of doubles that overflows answers 0,
 * without error or warning (two rows of 1.7e308 sum to 0), and an overflowing `+` fails the statement
 * (error 1690). Where that could happen, these expressions answer NULL, or the sum scaled by 2^-64, which
 * cannot overflow (see src/domain/bucket-sum.ts).
 */

/** Half the largest double: n values of at most HALF_MAX / n in magnitude sum without overflow, rounding included. */
const HALF_MAX = '8.988465674311579e307';
/** 2^-64 and 2^64, exactly. */
const SCALE_DOWN = '5.421010862427522e-20';
export const SCALE_UP = '1.8446744073709552e19';
/** The largest double times 2^-64: a scaled sum at most this in magnitude scales back to a finite double. */
export const MAX_SCALED = '9.745314011399998e288';

/**
 * `SUM(x)` for a group whose `count` values lie within [lo, hi] (aggregate expressions), when no partial sum
 * can leave the double range; else NULL. `x` may be NULL (a rollup row whose total is unusable): then NULL.
 */
export function boundedSumSql(x: string, count: string, lo: string, hi: string): string {
  return `IF(COUNT(${x}) = COUNT(*) AND GREATEST(ABS(${lo}), ABS(${hi})) <= ${HALF_MAX} / ${count}, SUM(${x}), NULL)`;
}

/** The sum scaled by 2^-64: cannot overflow. Exact scaling, so it rounds as the sum would (subnormals aside). */
export function scaledSumSql(x: string): string {
  return `SUM(${x} * ${SCALE_DOWN})`;
}

/**
 * `a + b` for a rollup total on upsert, or NULL when either is NULL or the sum leaves the double range.
 * Halves are exact and their sum cannot overflow, and fl(a/2 + b/2) is fl(a + b)/2: the test is exact.
 */
export function addedTotalSql(a: string, b: string): string {
  return `IF(ABS(${a} * 0.5e0 + ${b} * 0.5e0) <= ${HALF_MAX}, ${a} + ${b}, NULL)`;
}
