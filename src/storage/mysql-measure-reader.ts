import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import { ValidationError } from '../domain/errors';
import type { Series, StoredMeasure } from '../domain/measure';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import type { MeasureReader, MeasureWindow, SeriesFilter } from './stores';
import { orNull } from './series-columns';

/**
 * Up to this many series, a page is merged from one LIMITed range scan per series (UNION ALL): each scan
 * stops after `limit` rows however wide the window. Beyond it, one IN scan over the window and a sort.
 */
const MAX_MERGED_SERIES = 64;

interface SeriesRow extends RowDataPacket {
  id: number;
  metric: string;
  source: string;
  unit: string;
  tags: string;
}

function checkedInteger(name: string, value: bigint): bigint {
  if (typeof value !== 'bigint') throw new RangeError(`${name} must be a bigint, got ${String(value)}`);
  return value;
}

/**
 * The lowest timestamp a series may contribute to a page: `fromUs`, and after a cursor (t, s) either
 * t (series ordered after s) or t + 1 (series s and those before it, whose rows at t were already served).
 */
function lowerBound(seriesId: number, window: MeasureWindow): bigint | undefined {
  let bound = window.fromUs;
  if (window.after) {
    const { timestampUs, seriesId: afterSeries } = window.after;
    const fromCursor = seriesId > afterSeries ? timestampUs : timestampUs + 1n;
    bound = bound === undefined || fromCursor > bound ? fromCursor : bound;
  }
  return bound;
}

/** `ts_us >= ? AND ts_us < ?` for one series: with series_id fixed, a range of the primary key. */
function timeRange(seriesId: number, window: MeasureWindow): { sql: string; values: Array<number | bigint> } {
  const parts = ['series_id = ?'];
  const values: Array<number | bigint> = [seriesId];
  const lower = lowerBound(seriesId, window);
  if (lower !== undefined) {
    parts.push('ts_us >= ?');
    values.push(checkedInteger('from', lower));
  }
  if (window.toUs !== undefined) {
    parts.push('ts_us < ?');
    values.push(checkedInteger('to', window.toUs));
  }
  return { sql: parts.join(' AND '), values };
}

/**
 * MysqlMeasureReader answers range reads by series and time window. Every statement it sends fixes
 * series_id, so each series' part is a range scan of the primary key (series_id, ts_us) that stops at
 * the page size; EXPLAIN of each is checked in test/integration/storage/measure-reader.test.ts.
 */
@injectable()
export class MysqlMeasureReader implements MeasureReader {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async series(experiment: { id: number; code: string }, filter: SeriesFilter = {}): Promise<Series[]> {
    const conditions = ['experiment_id = ?'];
    const values: unknown[] = [experiment.id];
    if (filter.metric !== undefined) {
      conditions.push('metric = ?');
      values.push(filter.metric);
    }
    if (filter.source !== undefined) {
      conditions.push('source = ?');
      values.push(filter.source);
    }
    const [rows] = await this.db.executor().query<SeriesRow[]>(
      `SELECT id, metric, source, unit, tags FROM series WHERE ${conditions.join(' AND ')} ORDER BY id`,
      values,
    );
    return rows.map((row) => toSeries(experiment.code, row));
  }

  async visibleSeries(code: string, filter: SeriesFilter, associatedUserId?: number): Promise<Series[] | undefined> {
    const join = ['s.experiment_id = e.id'];
    const values: unknown[] = [];
    if (filter.metric !== undefined) {
      join.push('s.metric = ?');
      values.push(filter.metric);
    }
    if (filter.source !== undefined) {
      join.push('s.source = ?');
      values.push(filter.source);
    }
    values.push(code);
    let association = '';
    if (associatedUserId !== undefined) {
      association = ' AND EXISTS (SELECT 1 FROM experiment_users u WHERE u.experiment_id = e.id AND u.user_id = ?)';
      values.push(associatedUserId);
    }
    // No row: no such (visible) experiment. One row with a NULL series: visible, but no series matches.
    const [rows] = await this.db.executor().query<SeriesRow[]>(
      `SELECT s.id, s.metric, s.source, s.unit, s.tags
         FROM experiments e LEFT JOIN series s ON ${join.join(' AND ')}
        WHERE e.code = ?${association}
        ORDER BY s.id`,
      values,
    );
    if (rows.length === 0) return undefined;
    return rows.filter((row) => row.id !== null).map((row) => toSeries(code, row));
  }

  async measures(series: readonly Series[], window: MeasureWindow): Promise<StoredMeasure[]> {
    if (!Number.isSafeInteger(window.limit) || window.limit < 0) {
      throw new ValidationError(`limit must be a non-negative integer, got ${window.limit}`, { field: 'limit' });
    }
    if (series.length === 0 || window.limit === 0) return [];
    const byId = new Map(series.map((s) => [s.id, s]));
    const [only] = series;
    if (only !== undefined && series.length === 1) {
      const rows = await this.rows(MysqlMeasureReader.singleSeriesSql(only.id, window));
      return rows.map(([ts, value]) => toMeasure(only, timestamp(ts), value as number));
    }
    const statement =
      series.length <= MAX_MERGED_SERIES ? this.mergedSql(series, window) : this.inListSql(series, window);
    const rows = await this.rows(statement);
    return rows.map(([id, ts, value]) => toMeasure(byId.get(Number(id)) as Series, timestamp(ts), value as number));
  }

  /** The statement of a one-series page; public so that the benchmark's bare route can send exactly it. */
  static singleSeriesSql(seriesId: number, window: MeasureWindow): { sql: string; values: Array<number | bigint> } {
    const range = timeRange(seriesId, window);
    return {
      sql: `SELECT ts_us, value FROM measures WHERE ${range.sql} ORDER BY ts_us LIMIT ?`,
      values: [...range.values, window.limit],
    };
  }

  private mergedSql(series: readonly Series[], window: MeasureWindow): { sql: string; values: Array<number | bigint> } {
    const parts: string[] = [];
    const values: Array<number | bigint> = [];
    for (const s of series) {
      const range = timeRange(s.id, window);
      parts.push(`(SELECT series_id, ts_us, value FROM measures WHERE ${range.sql} ORDER BY ts_us LIMIT ?)`);
      values.push(...range.values, window.limit);
    }
    return {
      sql: `${parts.join(' UNION ALL ')} ORDER BY ts_us, series_id LIMIT ?`,
      values: [...values, window.limit],
    };
  }

  /** Many series: one scan of the window per series, then a sort. Bounded by the window, not the page. */
  private inListSql(series: readonly Series[], window: MeasureWindow): { sql: string; values: unknown[] } {
    const conditions = ['series_id IN (?)'];
    const values: unknown[] = [series.map((s) => s.id)];
    if (window.fromUs !== undefined) {
      conditions.push('ts_us >= ?');
      values.push(checkedInteger('from', window.fromUs));
    }
    if (window.toUs !== undefined) {
      conditions.push('ts_us < ?');
      values.push(checkedInteger('to', window.toUs));
    }
    if (window.after) {
      const { timestampUs, seriesId } = window.after;
      // The first, redundant bound is one the range optimizer can use; the OR is not.
      conditions.push('ts_us >= ?', '(ts_us > ? OR (ts_us = ? AND series_id > ?))');
      values.push(timestampUs, timestampUs, timestampUs, seriesId);
    }
    return {
      sql: `SELECT series_id, ts_us, value FROM measures WHERE ${conditions.join(' AND ')} ORDER BY ts_us, series_id LIMIT ?`,
      values: [...values, window.limit],
    };
  }

  /** Rows as arrays: no per-row object with named keys, which is most of the driver's cost on big pages. */
  private async rows(statement: { sql: string; values: unknown[] }): Promise<unknown[][]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>({ sql: statement.sql, rowsAsArray: true }, statement.values);
    return rows as unknown as unknown[][];
  }
}

function toSeries(code: string, row: SeriesRow): Series {
  return {
    id: Number(row.id),
    experiment: code,
    metric: row.metric,
    source: orNull(row.source),
    unit: orNull(row.unit),
    tags: JSON.parse(row.tags) as Record<string, string>,
  };
}

/** ts_us as the driver returns it: a number while safe, a decimal string past 2^53 (supportBigNumbers). */
function timestamp(column: unknown): bigint {
  return BigInt(column as number | string);
}

function toMeasure(series: Series, timestampUs: bigint, value: number): StoredMeasure {
  return {
    seriesId: series.id,
    metric: series.metric,
    source: series.source,
    unit: series.unit,
    tags: series.tags,
    timestampUs,
    value,
  };
}
