import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import { mergePartial, type BucketPartial } from '../domain/aggregate';
import { floorUs as floorTo, HOUR_US, MINUTE_US, MAX_TIMESTAMP_US, MIN_TIMESTAMP_US } from '../../lib/contract/timestamp';
import { planPieces, type Level, type Piece } from '../domain/aggregate-plan';
import { withScaledSum } from '../domain/bucket-sum';
import { TYPES } from '../identifiers';
import type { Executor, MysqlDatabase } from './mysql-database';
import type { AggregateReader, AggregateWindow } from './stores';
import { boundedSumSql, scaledSumSql } from './sum-sql';

/** Time ranges per statement: the range optimizer handles a few hundred ORed ranges well. */
const RANGES_PER_STATEMENT = 200;

interface LevelSource {
  table: string;
  column: string;
  /** Granule width; 0 for raw rows. */
  width: bigint;
}

const SOURCES: Record<Level, LevelSource> = {
  hour: { table: 'rollup_hour', column: 'bucket_us', width: HOUR_US },
  minute: { table: 'rollup_minute', column: 'bucket_us', width: MINUTE_US },
  raw: { table: 'measures', column: 'ts_us', width: 0n },
};

/**
 * The partial aggregates of one source, grouped by (series, step bucket). `k` is the bucket's index from
 * `origin`, a multiple of the step at or before the window: every row is at or after it, so the integer
 * division needs no care for negative numbers. The value at each bucket's latest timestamp is one primary
 * key lookup per bucket, joined only when asked.
 */
function partialsSql(source: LevelSource, origin: bigint, stepUs: bigint, ranges: string, withLast: boolean, scaled = false): string {
  const { table, column, width } = source;
  const raw = width === 0n;
  // NULL where the sum may be past the double range (or a rollup total is): such buckets are read again,
  // raw and `scaled` (SUM(value * 2^-64)), by MysqlAggregateReader.partials.
  const total = raw ? boundedSumSql('value', 'COUNT(*)', 'MIN(value)', 'MAX(value)') : boundedSumSql('total', 'SUM(n)', 'MIN(lo)', 'MAX(hi)');
  const inner = `SELECT series_id, (${column} - ${origin}) DIV ${stepUs} AS k,
      ${raw ? 'COUNT(*)' : 'SUM(n)'} AS n, ${total} AS total,
      ${raw ? 'MIN(value)' : 'MIN(lo)'} AS lo, ${raw ? 'MAX(value)' : 'MAX(hi)'} AS hi,
      ${raw ? 'MAX(ts_us)' : 'MAX(last_ts)'} AS last_ts, ${scaled && raw ? scaledSumSql('value') : 'NULL'} AS scaled
    FROM ${table} WHERE series_id IN (?) AND (${ranges}) GROUP BY series_id, k`;
  if (!withLast) return `SELECT series_id, k, n, total, lo, hi, last_ts, NULL AS last_value, scaled FROM (${inner}) a`;
  const lastValue = raw ? 'l.value' : 'l.last_value';
  const lastKey = raw ? 'a.last_ts' : `a.last_ts - MOD(a.last_ts - ${origin}, ${width})`;
  return `SELECT a.series_id, a.k, a.n, a.total, a.lo, a.hi, a.last_ts, ${lastValue} AS last_value, a.scaled
    FROM (${inner}) a JOIN ${table} l ON l.series_id = a.series_id AND l.${column} = ${lastKey}`;
}

function safe(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`expected a safe integer, got ${value}`);
  return value;
}

/** Bounds and steps reach SQL as literals: bigints of the contract's range only (a step is positive). */
function instant(value: bigint): bigint {
  if (typeof value !== 'bigint' || value < MIN_TIMESTAMP_US - 1n || value > MAX_TIMESTAMP_US + 1n) {
    throw new RangeError(`expected a timestamp of years 0000-9999, got ${String(value)}`);
  }
  return value;
}

/**
 * MysqlAggregateReader answers downsampling queries from the cheapest exact source for each part of the
 * window: hourly rollups for whole clean hours, minute rollups for whole clean minutes, raw rows for the
 * rest (unaligned edges, minutes ingest marked that the rollup job has not recomputed yet, steps that are
 * not whole minutes). See docs/adr/0002-rollups-for-aggregates.md.
 */
@injectable()
export class MysqlAggregateReader implements AggregateReader {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async partials(seriesIds: readonly number[], window: AggregateWindow): Promise<Map<number, Map<bigint, BucketPartial>>> {
    const result = new Map<number, Map<bigint, BucketPartial>>();
    if (seriesIds.length === 0 || window.fromUs >= window.toUs) return result;
    const fromUs = instant(window.fromUs);
    const toUs = instant(window.toUs);
    const stepUs = window.stepUs;
    if (typeof stepUs !== 'bigint' || stepUs <= 0n || stepUs > HOUR_US * 24n * 366n) throw new RangeError(`bad step ${String(stepUs)}`);
    const ids = seriesIds.map(safe);
    const origin = floorTo(fromUs, stepUs);
    const executor = this.db.executor();

    const dirty = stepUs % MINUTE_US === 0n ? await this.dirtyMinutes(executor, ids, fromUs, toUs) : [];
    const pieces = planPieces(fromUs, toUs, stepUs, dirty);
    const byLevel = new Map<Level, Piece[]>();
    for (const piece of pieces) byLevel.set(piece.level, [...(byLevel.get(piece.level) ?? []), piece]);

    const unsummed = new Map<number, Set<bigint>>();
    for (const [level, levelPieces] of byLevel) {
      const source = SOURCES[level];
      for (let start = 0; start < levelPieces.length; start += RANGES_PER_STATEMENT) {
        const ranges = levelPieces
          .slice(start, start + RANGES_PER_STATEMENT)
          .map((p) => `(${source.column} >= ${p.fromUs} AND ${source.column} < ${p.toUs})`)
          .join(' OR ');
        const [rows] = await executor.query<RowDataPacket[]>(
          { sql: partialsSql(source, origin, stepUs, ranges, window.withLast), rowsAsArray: true },
          [ids],
        );
        for (const row of rows as unknown as unknown[][]) this.add(result, origin, stepUs, row, unsummed);
      }
    }
    await this.rereadRaw(executor, result, unsummed, { ...window, fromUs, toUs, stepUs }, origin);
    return result;
  }

  /**
   * Buckets whose sum may be past the double range, or that hold a rollup total that is (NULL): read again
   * whole from the raw rows, with the scaled sum, which cannot overflow. Values near 1.8e308 only: rare.
   */
  private async rereadRaw(
    executor: Executor,
    result: Map<number, Map<bigint, BucketPartial>>,
    unsummed: ReadonlyMap<number, ReadonlySet<bigint>>,
    window: AggregateWindow,
    origin: bigint,
  ): Promise<void> {
    const { fromUs, toUs, stepUs } = window;
    for (const [seriesId, buckets] of unsummed) {
      const starts = [...buckets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const bucket of starts) result.get(seriesId)?.delete(bucket);
      for (let start = 0; start < starts.length; start += RANGES_PER_STATEMENT) {
        const ranges = starts
          .slice(start, start + RANGES_PER_STATEMENT)
          .map((b) => `(ts_us >= ${b > fromUs ? b : fromUs} AND ts_us < ${b + stepUs < toUs ? b + stepUs : toUs})`)
          .join(' OR ');
        const [rows] = await executor.query<RowDataPacket[]>(
          { sql: partialsSql(SOURCES.raw, origin, stepUs, ranges, window.withLast, true), rowsAsArray: true },
          [[seriesId]],
        );
        for (const row of rows as unknown as unknown[][]) this.add(result, origin, stepUs, row);
      }
    }
  }

  /** Minutes of these series in the window that ingest marked and the rollup job has not recomputed yet. */
  private async dirtyMinutes(executor: Executor, ids: number[], fromUs: bigint, toUs: bigint): Promise<bigint[]> {
    const [rows] = await executor.query<RowDataPacket[]>(
      {
        sql: 'SELECT DISTINCT bucket_us FROM rollup_dirty WHERE series_id IN (?) AND bucket_us >= ? AND bucket_us < ? ORDER BY bucket_us',
        rowsAsArray: true,
      },
      [ids, floorTo(fromUs, MINUTE_US), toUs],
    );
    return (rows as unknown as unknown[][]).map((row) => BigInt(row[0] as number | string));
  }

  /** Without `unsummed`, a NULL total must come with its scaled sum (the raw re-read). */
  private add(
    result: Map<number, Map<bigint, BucketPartial>>,
    origin: bigint,
    stepUs: bigint,
    row: unknown[],
    unsummed?: Map<number, Set<bigint>>,
  ): void {
    const [seriesId, k, n, total, lo, hi, lastTs, last, scaled] = row;
    const id = Number(seriesId);
    const bucket = origin + BigInt(k as number | string) * stepUs;
    if (total === null && unsummed) {
      let buckets = unsummed.get(id);
      if (!buckets) unsummed.set(id, (buckets = new Set()));
      buckets.add(bucket);
      return;
    }
    const partial: BucketPartial = {
      // SUM over a BIGINT column comes back as a DECIMAL string.
      n: Number(n),
      sum: Number(total),
      min: Number(lo),
      max: Number(hi),
      // A BIGINT: a decimal string past 2^53 (supportBigNumbers).
      lastTs: BigInt(lastTs as number | string),
      last: last === null ? Number.NaN : Number(last),
    };
    if (total === null) withScaledSum(partial, Number(scaled));
    let buckets = result.get(id);
    if (!buckets) {
      buckets = new Map();
      result.set(id, buckets);
    }
    const existing = buckets.get(bucket);
    if (existing) mergePartial(existing, partial);
    else buckets.set(bucket, partial);
  }
}
