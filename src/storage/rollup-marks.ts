import { floorTo, MINUTE_US } from '../domain/aggregate';
import type { Executor } from './mysql-database';

/** (seriesId, timestampUs, value), as the measure store writes them. */
type Values = ReadonlyArray<readonly [number, number, number]>;

/**
 * Marks the minutes these measures fall in as needing their rollups recomputed. The ingest path calls it
 * in the transaction that stores the measures, so a mark exists exactly when its rows are committed; the
 * rollup job (MysqlRollupMaintainer) recomputes each marked minute from the stored rows. One row per
 * (series, minute) however many measures, duplicates and redeliveries hit it.
 */
export async function markRollupsDirty(executor: Executor, values: Values): Promise<void> {
  if (values.length > 0) await executor.query(rollupMarksSql(values));
}

/**
 * The marking statement. `values` are sorted by series then time, as the store sorts them for its own
 * lock order: the marks then go in that order too, and consecutive equal minutes collapse. The store has
 * checked them (safe integers), so they are written as literals.
 */
export function rollupMarksSql(values: Values): string {
  const marks: string[] = [];
  let lastSeries = Number.NaN;
  let lastMinute = Number.NaN;
  for (const [seriesId, timestampUs] of values) {
    const minute = floorTo(timestampUs, MINUTE_US);
    if (seriesId === lastSeries && minute === lastMinute) continue;
    marks.push(`(${seriesId},${minute})`);
    lastSeries = seriesId;
    lastMinute = minute;
  }
  return `INSERT IGNORE INTO rollup_dirty (series_id, bucket_us) VALUES ${marks.join(',')}`;
}
