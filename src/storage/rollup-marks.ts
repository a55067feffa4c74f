import { floorUs as floorTo, HOUR_US, MINUTE_US } from '../../lib/contract/timestamp';
import { addedTotalSql } from './sum-sql';

/** (seriesId, timestampUs, value), as the measure store writes them. */
type Values = ReadonlyArray<readonly [number, bigint, number]>;

/**
 * What ingest writes for the rollups, in the transaction that stores the measures (so that it commits
 * exactly when its rows do). Two cases:
 *
 * - every row of the batch was new (the INSERT's affected rows equal its rows): the batch's own partial
 *   aggregates are added to the minute and hour rollups (`rollupDeltaSql`). Exact, because each row is
 *   counted once, and cheap: MySQL never reads the rows back.
 * - some rows were duplicates (a redelivery, or a measure published twice): which ones is not known, so
 *   the minutes they fall in are marked (`rollupMarksSql`) and the rollup job (MysqlRollupMaintainer)
 *   recomputes them from the stored rows. Until then, readers take marked minutes from the raw rows.
 */

/**
 * The marking statement. `values` are sorted by series then time, as the store sorts them for its own
 * lock order: the marks then go in that order too, and consecutive equal minutes collapse. The store has
 * checked them (safe integers), so they are written as literals.
 */
export function rollupMarksSql(values: Values): string {
  const marks: string[] = [];
  let lastSeries = Number.NaN;
  let lastMinute: bigint | undefined;
  for (const [seriesId, timestampUs] of values) {
    const minute = floorTo(timestampUs, MINUTE_US);
    if (seriesId === lastSeries && minute === lastMinute) continue;
    marks.push(`(${seriesId},${minute})`);
    lastSeries = seriesId;
    lastMinute = minute;
  }
  return `INSERT IGNORE INTO rollup_dirty (series_id, bucket_us) VALUES ${marks.join(',')}`;
}

/** One bucket's partial aggregate: what a rollup row holds. */
interface Partial {
  series: number;
  bucket: bigint;
  n: number;
  total: number;
  lo: number;
  hi: number;
  lastTs: bigint;
  lastValue: number;
}

/** A total past the double range (Infinity, or NaN after +Infinity and -Infinity) is stored as NULL: unusable. */
function totalSql(total: number): string {
  return Number.isFinite(total) ? String(total) : 'NULL';
}

/**
 * Adds partials to a rollup table. Assignments run left to right and see the columns already updated, so
 * last_value is decided before last_ts moves. VALUES() rather than MySQL 8's row alias: MariaDB has no alias.
 */
function upsertSql(table: string, partials: readonly Partial[]): string {
  const rows = partials.map((p) => `(${p.series},${p.bucket},${p.n},${totalSql(p.total)},${p.lo},${p.hi},${p.lastTs},${p.lastValue})`);
  return (
    `INSERT INTO ${table} (series_id, bucket_us, n, total, lo, hi, last_ts, last_value) VALUES ${rows.join(',')} ` +
    'ON DUPLICATE KEY UPDATE last_value = IF(VALUES(last_ts) > last_ts, VALUES(last_value), last_value), ' +
    `last_ts = GREATEST(last_ts, VALUES(last_ts)), n = n + VALUES(n), total = ${addedTotalSql('total', 'VALUES(total)')}, ` +
    'lo = LEAST(lo, VALUES(lo)), hi = GREATEST(hi, VALUES(hi))'
  );
}

/** The batch's measures folded into per-(series, minute) partials; `values` sorted by series, then time. */
function minutes(values: Values): Partial[] {
  const partials: Partial[] = [];
  let current: Partial | undefined;
  for (const [series, ts, value] of values) {
    const bucket = floorTo(ts, MINUTE_US);
    if (current === undefined || current.series !== series || current.bucket !== bucket) {
      current = { series, bucket, n: 1, total: value, lo: value, hi: value, lastTs: ts, lastValue: value };
      partials.push(current);
      continue;
    }
    current.n++;
    current.total += value;
    if (value < current.lo) current.lo = value;
    if (value > current.hi) current.hi = value;
    // Sorted by time within a series: the latest so far is this one.
    current.lastTs = ts;
    current.lastValue = value;
  }
  return partials;
}

/** Minute partials merged into per-(series, hour) partials: a few hundred rows, not every measure again. */
function hours(minutePartials: readonly Partial[]): Partial[] {
  const partials: Partial[] = [];
  let current: Partial | undefined;
  for (const minute of minutePartials) {
    const bucket = floorTo(minute.bucket, HOUR_US);
    if (current === undefined || current.series !== minute.series || current.bucket !== bucket) {
      current = { ...minute, bucket };
      partials.push(current);
      continue;
    }
    current.n += minute.n;
    current.total += minute.total;
    if (minute.lo < current.lo) current.lo = minute.lo;
    if (minute.hi > current.hi) current.hi = minute.hi;
    current.lastTs = minute.lastTs;
    current.lastValue = minute.lastValue;
  }
  return partials;
}

/** The minute and hour rollup upserts for a batch whose rows were all new; `values` sorted by series, then time. */
export function rollupDeltaSql(values: Values): string[] {
  if (values.length === 0) return [];
  const byMinute = minutes(values);
  return [upsertSql('rollup_minute', byMinute), upsertSql('rollup_hour', hours(byMinute))];
}
