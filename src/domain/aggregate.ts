import { addSum, average } from './bucket-sum';
import { ValidationError } from './errors';
import type { Series } from './measure';

/** The functions a bucket can be reduced with; each is computable from a BucketPartial. */
export const AGGREGATE_FNS = ['avg', 'min', 'max', 'sum', 'count', 'last'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

export const MINUTE_US = 60_000_000;
export const HOUR_US = 3_600_000_000;
const MINUTE_US_N = BigInt(MINUTE_US);
const HOUR_US_N = BigInt(HOUR_US);

/** At most this many buckets per series in one answer: a chart has a few thousand pixels, not millions. */
export const MAX_BUCKETS = 100_000;
/** At most this many points (series x buckets) in one answer, so that one request cannot exhaust memory. */
export const MAX_POINTS = 1_000_000;

const UNIT_US: Record<string, bigint> = { s: 1_000_000n, m: MINUTE_US_N, h: HOUR_US_N, d: 24n * HOUR_US_N };

export interface AggregateQuery {
  experiment: string;
  metric?: string;
  source?: string;
  /** Inclusive. */
  fromUs: bigint;
  /** Exclusive. */
  toUs: bigint;
  stepUs: bigint;
  fn: AggregateFn;
}

/**
 * What a bucket's raw values reduce to, in a form that merges exactly: a bucket answered partly from
 * hourly rollups, partly from minute rollups and partly from raw rows is the merge of three partials.
 */
export interface BucketPartial {
  n: number;
  sum: number;
  min: number;
  max: number;
  lastTs: bigint;
  last: number;
  /** The sum scaled by 2^-64, only while `sum` is past the double range (see bucket-sum.ts). */
  scaledSum?: number;
}

export interface AggregatePoint {
  /** Start of the bucket: a multiple of the step since the epoch. */
  timestampUs: bigint;
  value: number;
  /** Raw measures in the bucket. */
  count: number;
}

export interface SeriesAggregate {
  series: Series;
  /** Buckets with at least one measure, oldest first; empty buckets are absent. */
  points: AggregatePoint[];
}

/** "90s", "5m", "1h", "1d" -> microseconds. The OpenAPI pattern admits the form; this checks the range. */
export function parseStep(text: string): bigint {
  const [, amount, unit] = /^([1-9][0-9]{0,5})([smhd])$/.exec(text) ?? [];
  const unitUs = unit === undefined ? undefined : UNIT_US[unit];
  if (amount === undefined || unitUs === undefined) {
    throw new ValidationError(`step must be a positive number followed by s, m, h or d, got "${text}"`);
  }
  const stepUs = BigInt(amount) * unitUs;
  if (stepUs > 366n * 24n * HOUR_US_N) throw new ValidationError(`step must be at most 366 days, got "${text}"`);
  return stepUs;
}

export function isAggregateFn(value: string): value is AggregateFn {
  return (AGGREGATE_FNS as readonly string[]).includes(value);
}

/** Floor division that stays exact for every safe integer, negative ones included (pre-1970 timestamps). */
export function floorTo(value: number, width: number): number {
  const rest = value % width;
  return rest < 0 ? value - rest - width : value - rest;
}

export function mergePartial(into: BucketPartial, other: BucketPartial): void {
  into.n += other.n;
  addSum(into, other);
  if (other.min < into.min) into.min = other.min;
  if (other.max > into.max) into.max = other.max;
  if (other.lastTs > into.lastTs) {
    into.lastTs = other.lastTs;
    into.last = other.last;
  }
}

export function reduce(partial: BucketPartial, fn: AggregateFn): number {
  switch (fn) {
    case 'avg':
      return average(partial);
    case 'min':
      return partial.min;
    case 'max':
      return partial.max;
    case 'sum':
      return partial.sum;
    case 'count':
      return partial.n;
    case 'last':
      return partial.last;
  }
}
