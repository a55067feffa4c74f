import type { BucketPartial } from '../domain/aggregate';
import type { MeasureCursor, Series, StoredMeasure } from '../domain/measure';

/**
 * The storage interfaces of the query side (range reads, aggregates) and of the background work that
 * keeps it fast and bounded (rollups, retention). Implementations are beside this file and bound in
 * src/container.ts.
 */

export interface SeriesFilter {
  metric?: string;
  source?: string;
}

export interface MeasureWindow {
  /** Inclusive. */
  fromUs?: bigint;
  /** Exclusive. */
  toUs?: bigint;
  /** Strictly after this (timestamp, series) key. */
  after?: MeasureCursor;
  limit: number;
}

export interface MeasureReader {
  /** The series of one experiment (its code is copied into each), ordered by id. */
  series(experiment: { id: number; code: string }, filter?: SeriesFilter): Promise<Series[]>;
  /**
   * The same, found by experiment code in one round trip, and only when the experiment is associated with
   * `associatedUserId` (when given): undefined when there is no such experiment or it is not associated.
   */
  visibleSeries(code: string, filter: SeriesFilter, associatedUserId?: number): Promise<Series[] | undefined>;
  /** Measures of these series, ordered by (timestampUs, seriesId), at most `window.limit`. */
  measures(series: readonly Series[], window: MeasureWindow): Promise<StoredMeasure[]>;
}

export interface AggregateWindow {
  fromUs: bigint;
  toUs: bigint;
  stepUs: bigint;
  /** The value at each bucket's latest timestamp costs a lookup per bucket: only `last` needs it. */
  withLast: boolean;
}

export interface AggregateReader {
  /**
   * Series id -> bucket start -> partial, for the buckets of `stepUs` (aligned to the epoch) that hold
   * measures in [fromUs, toUs). Exact whatever the rollup job's progress.
   */
  partials(seriesIds: readonly number[], window: AggregateWindow): Promise<Map<number, Map<bigint, BucketPartial>>>;
}

export interface RollupRefresh {
  /** Marked minutes recomputed. */
  minutes: number;
  /** Marked minutes older than the raw retention horizon: their raw rows are (being) deleted, so only the mark went. */
  expired: number;
}

export interface RollupMaintainer {
  /**
   * Takes up to `maxMinutes` marked minutes no other transaction holds, recomputes their minute and hour
   * rollups from the stored rows, and removes the marks, all in one short transaction.
   */
  refresh(maxMinutes: number, horizonUs?: number): Promise<RollupRefresh>;
}

/** The rows a retention pass removed, and the statements it took (each removes at most one chunk). */
export interface RetentionResult {
  rows: number;
  statements: number;
  largestStatement: number;
}

export type RetainedTable = 'measures' | 'rollup_minute' | 'rollup_hour';

export interface RetentionStore {
  /** Deletes the rows of `table` older than `horizonUs`, series by series, `chunkRows` per short transaction. */
  deleteBefore(table: RetainedTable, horizonUs: number, chunkRows: number, signal?: AbortSignal): Promise<RetentionResult>;
}
