import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import { floorUs as floorTo, HOUR_US, MINUTE_US } from '../../lib/contract/timestamp';
import { TYPES } from '../identifiers';
import type { Executor, MysqlDatabase } from './mysql-database';
import type { RollupMaintainer, RollupRefresh } from './stores';
import { boundedSumSql, MAX_SCALED, SCALE_UP, scaledSumSql } from './sum-sql';

/** A (series, bucket start) pair: a marked minute, or an hour to recompute. */
type Key = [number, bigint];

/** `col` floored to a multiple of `width`, for negative values too (MySQL's MOD keeps the dividend's sign). */
function floorSql(column: string, width: bigint): string {
  return `(${column} - MOD(${column}, ${width}) - IF(MOD(${column}, ${width}) < 0, ${width}, 0))`;
}

/** `(series_id = 1 AND bucket_us IN (...)) OR ...`: one small range group per series. */
function keysSql(keys: readonly Key[]): string {
  const bySeries = new Map<number, bigint[]>();
  for (const [series, bucket] of keys) bySeries.set(series, [...(bySeries.get(series) ?? []), bucket]);
  return [...bySeries].map(([series, buckets]) => `(series_id = ${series} AND bucket_us IN (${buckets.join(',')}))`).join(' OR ');
}

/** Keys of `width`-wide granules as ranges of `column`, contiguous granules of one series merged. */
function rangesSql(keys: readonly Key[], column: string, width: bigint): string {
  const sorted = [...keys].sort(byKey);
  const ranges: Array<[number, bigint, bigint]> = [];
  for (const [series, start] of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[0] === series && last[2] === start) last[2] = start + width;
    else ranges.push([series, start, start + width]);
  }
  return ranges.map(([series, from, to]) => `(series_id = ${series} AND ${column} >= ${from} AND ${column} < ${to})`).join(' OR ');
}

function distinctKeys(keys: Iterable<Key>): Key[] {
  const seen = new Map<string, Key>();
  for (const key of keys) seen.set(`${key[0]}:${key[1]}`, key);
  return [...seen.values()].sort(byKey);
}

function byKey(a: Key, b: Key): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

const COLUMNS = '(series_id, bucket_us, n, total, lo, hi, last_ts, last_value)';

/**
 * A granule's total, or NULL when it is no finite double (or was not: a NULL below makes NULL above).
 * Where overflow is possible the sum is taken scaled, so that values of both signs that cancel still give
 * their exact total; MariaDB's plain SUM would answer 0 (see sum-sql.ts).
 */
function totalSql(x: string, count: string, lo: string, hi: string): string {
  const scaled = scaledSumSql(x);
  return `IFNULL(${boundedSumSql(x, count, lo, hi)}, IF(COUNT(${x}) = COUNT(*) AND ABS(${scaled}) <= ${MAX_SCALED}, ${scaled} * ${SCALE_UP}, NULL))`;
}

/**
 * MysqlRollupMaintainer recomputes the rollups of the minutes ingest marked, from what is stored: the
 * minute rollups from the raw rows, then their hours from the minute rollups. Recomputing instead of
 * adding makes the rollups exact however often a measure was delivered and however late it came.
 *
 * Concurrency, in one READ COMMITTED transaction:
 * - marks are taken with FOR UPDATE SKIP LOCKED: a mark an uncommitted ingest transaction holds is left
 *   for the next pass (its rows are not visible yet), and two jobs never take the same mark; an ingest
 *   that marks a minute this transaction took waits for the commit, then marks it again for the next pass;
 * - each hour is locked (a placeholder upsert) before its minutes are read, so two jobs recomputing
 *   different minutes of one hour serialise, and the second sees the first's minutes;
 * - reads of measures are plain consistent reads: the job never locks a row ingest writes.
 */
@injectable()
export class MysqlRollupMaintainer implements RollupMaintainer {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async refresh(maxMinutes: number, horizonUs?: number): Promise<RollupRefresh> {
    if (!Number.isSafeInteger(maxMinutes) || maxMinutes <= 0) throw new RangeError(`maxMinutes must be a positive integer`);
    return this.db.inTransaction(
      async () => {
        const executor = this.db.executor();
        const [rows] = await executor.query<RowDataPacket[]>(
          {
            sql: 'SELECT series_id, bucket_us FROM rollup_dirty ORDER BY series_id, bucket_us LIMIT ? FOR UPDATE SKIP LOCKED',
            rowsAsArray: true,
          },
          [maxMinutes],
        );
        // BIGINTs come back as decimal strings past 2^53 (supportBigNumbers).
        const marks = (rows as unknown as unknown[][]).map(([s, b]): Key => [Number(s), BigInt(b as number | string)]);
        if (marks.length === 0) return { minutes: 0, expired: 0 };
        await executor.query(`DELETE FROM rollup_dirty WHERE ${keysSql(marks)}`);
        // Raw rows before the horizon are (being) deleted by retention: recomputing would shrink the rollup.
        const live = horizonUs === undefined ? marks : marks.filter(([, bucket]) => bucket >= horizonUs);
        if (live.length > 0) {
          await this.recomputeMinutes(executor, live);
          await this.recomputeHours(executor, distinctKeys(live.map(([s, b]): Key => [s, floorTo(b, HOUR_US)])));
        }
        return { minutes: live.length, expired: marks.length - live.length };
      },
      { readCommitted: true },
    );
  }

  private async recomputeMinutes(executor: Executor, minutes: readonly Key[]): Promise<void> {
    // Locked before the raw rows are read: ingest adds its partials to these rows in its own transaction,
    // so an ingest that commits first is in what this reads, and one that commits later adds to what this
    // writes; never both, never neither.
    await this.lockRows(executor, 'rollup_minute', minutes);
    const [rows] = await executor.query<RowDataPacket[]>({
      sql: `SELECT a.series_id, a.b, a.n, a.total, a.lo, a.hi, a.last_ts, m.value
        FROM (SELECT series_id, ${floorSql('ts_us', MINUTE_US)} AS b, COUNT(*) AS n, ${totalSql('value', 'COUNT(*)', 'MIN(value)', 'MAX(value)')} AS total,
                     MIN(value) AS lo, MAX(value) AS hi, MAX(ts_us) AS last_ts
                FROM measures WHERE ${rangesSql(minutes, 'ts_us', MINUTE_US)} GROUP BY series_id, b) a
        JOIN measures m ON m.series_id = a.series_id AND m.ts_us = a.last_ts`,
      rowsAsArray: true,
    });
    await executor.query(`DELETE FROM rollup_minute WHERE ${keysSql(minutes)}`);
    await this.insertRows(executor, 'rollup_minute', rows as unknown as unknown[][]);
  }

  private async recomputeHours(executor: Executor, hours: readonly Key[]): Promise<void> {
    await this.lockRows(executor, 'rollup_hour', hours);
    const [rows] = await executor.query<RowDataPacket[]>({
      sql: `SELECT a.series_id, a.b, a.n, a.total, a.lo, a.hi, a.last_ts, m.last_value
        FROM (SELECT series_id, ${floorSql('bucket_us', HOUR_US)} AS b, SUM(n) AS n, ${totalSql('total', 'SUM(n)', 'MIN(lo)', 'MAX(hi)')} AS total,
                     MIN(lo) AS lo, MAX(hi) AS hi, MAX(last_ts) AS last_ts
                FROM rollup_minute WHERE ${rangesSql(hours, 'bucket_us', HOUR_US)} GROUP BY series_id, b) a
        JOIN rollup_minute m ON m.series_id = a.series_id AND m.bucket_us = ${floorSql('a.last_ts', MINUTE_US)}`,
      rowsAsArray: true,
    });
    await executor.query(`DELETE FROM rollup_hour WHERE ${keysSql(hours)}`);
    await this.insertRows(executor, 'rollup_hour', rows as unknown as unknown[][]);
  }

  /** The lock: an existing row is locked by the no-op update, a missing one by its (uncommitted) insert. */
  private async lockRows(executor: Executor, table: string, keys: readonly Key[]): Promise<void> {
    await executor.query(
      `INSERT INTO ${table} ${COLUMNS} VALUES ${keys.map(([s, b]) => `(${s},${b},0,0,0,0,0,0)`).join(',')}
       ON DUPLICATE KEY UPDATE n = n`,
    );
  }

  /**
   * Numbers only, from MySQL itself: String(number) is exact (the shortest text that reads back the same);
   * the BIGINT columns (bucket and last_ts, past 2^53) arrive as decimal strings and go back through BigInt.
   */
  private async insertRows(executor: Executor, table: string, rows: readonly unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    const literal = (v: unknown, column: number) =>
      v === null ? 'NULL' : column === 1 || column === 6 ? String(BigInt(v as number | string)) : String(Number(v));
    const values = rows.map((row) => `(${row.map(literal).join(',')})`).join(',');
    await executor.query(`INSERT INTO ${table} ${COLUMNS} VALUES ${values}`);
  }
}
