/**
 * The seams around the pure PromQL evaluator. A query runs in three steps, like Prometheus's engine:
 * plan what every selector must read (`selections`, pure), read it (`SeriesSource`, the only I/O, in
 * src/storage/), evaluate over what was read (`evaluateInstant` / `evaluateRange`, pure).
 */
import type { LabelMatcher, VectorSelector } from './ast';
import type { Matrix, StoredSeries, Value } from './values';

/** Prometheus's error types (the HTTP API's `errorType`). */
export type PromqlErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

export class PromqlError extends Error {
  constructor(
    readonly errorType: PromqlErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}

/** What one vector selector reads: the series its matchers select, samples with mint < t <= maxt... see below. */
export interface Selection {
  readonly matchers: readonly LabelMatcher[];
  /** Samples with startMs <= t <= endMs (inclusive both ends; the evaluator applies PromQL's own bounds). */
  readonly startMs: number;
  readonly endMs: number;
}

/** Reads stored series. The MySQL implementation also applies the caller's authorization to every selection. */
export interface SeriesSource {
  select(selection: Selection): Promise<readonly StoredSeries[]>;
}

/** What each selector node read, by node identity. */
export type SelectedData = ReadonlyMap<VectorSelector, readonly StoredSeries[]>;

export interface EvalOptions {
  /** 5 minutes, as in Prometheus. */
  readonly lookbackMs: number;
  /** Resolution of a subquery written without a step: the rule group's interval, or 1 minute for queries. */
  readonly defaultSubqueryStepMs: number;
}

export const DEFAULT_EVAL_OPTIONS: EvalOptions = { lookbackMs: 5 * 60_000, defaultSubqueryStepMs: 60_000 };

/**
 * The PromQL engine as services use it: parse, plan, read through `source`, evaluate. Throws PromqlError
 * (bad_data for the query's own faults, execution for evaluation errors).
 */
export interface PromqlEngine {
  instant(query: string, timeMs: number, source: SeriesSource, options?: Partial<EvalOptions>): Promise<Value>;
  /** A range query's matrix: steps startMs, startMs + stepMs, ... <= endMs. */
  range(query: string, startMs: number, endMs: number, stepMs: number, source: SeriesSource, options?: Partial<EvalOptions>): Promise<Matrix>;
  /** A `match[]` series selector (bad_data unless it is a vector selector). */
  parseSelector(text: string): readonly LabelMatcher[];
  /** Syntax and static type check only: undefined when the query is valid. */
  check(query: string): PromqlError | undefined;
}
