import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { StoreResult } from '../domain/measure';
import { MAX_TIMESTAMP_US, MIN_TIMESTAMP_US } from '../../lib/contract/timestamp';
import { TYPES } from '../identifiers';
import type { Executor, MysqlDatabase, StatementResult } from './mysql-database';
import { translatingErrors } from './mysql-errors';
import { SeriesCache } from './series-cache';
import { hasTags, measureInsertSql, seriesCacheKey, type MeasureValues } from './measure-insert';
import { rollupDeltaSql, rollupMarksSql } from './rollup-marks';
import { seriesIdentity, type SeriesIdentity } from './series-key';
import type { MeasureRow, MeasureStore, PreparedMeasures } from './stores';

/** Rows per INSERT: ~70 bytes each, so a statement stays far below the default 16 MB max_allowed_packet. */
const MEASURE_CHUNK = 5_000;
/** Series rows carry their tags JSON, which may be a few KB. */
const SERIES_CHUNK = 500;

interface PendingSeries extends SeriesIdentity {
  experimentId: number;
  cacheKey: string;
}

/** IDs, timestamps and values reach SQL as literals: anything that is not a finite number must stop here. */
function assertStorable(rows: readonly MeasureRow[]): void {
  rows.forEach((row, index) => {
    if (!Number.isSafeInteger(row.experimentId) || row.experimentId <= 0) {
      throw new ValidationError(`measure ${index}: experimentId must be a positive integer`, { index });
    }
    if (typeof row.timestampUs !== 'bigint' || row.timestampUs < MIN_TIMESTAMP_US || row.timestampUs > MAX_TIMESTAMP_US) {
      throw new ValidationError(`measure ${index}: timestampUs must be an integer of years 0000-9999`, { index });
    }
    if (!Number.isFinite(row.value)) {
      throw new ValidationError(`measure ${index}: value must be a finite number`, { index });
    }
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** What MysqlMeasureStore.prepare hands back: the statements when every series was cached, else what is missing. */
interface MysqlPreparedMeasures extends PreparedMeasures {
  readonly ids: number[];
  readonly missing: Map<string, { series: PendingSeries; rows: number[] }>;
  values?: MeasureValues[];
  statements?: string[];
}

/**
 * The INSERTs of a batch, rows sorted by (series, time): one lock order for every batch, so two consumers
 * writing overlapping batches wait for each other instead of deadlocking.
 */
function insertStatements(ids: readonly number[], rows: readonly MeasureRow[]): { values: MeasureValues[]; statements: string[] } {
  const values = sortedValues(ids, rows);
  return { values, statements: chunks(values, MEASURE_CHUNK).map(measureInsertSql) };
}

/**
 * The rows as (series, time, value), sorted by series then time, stable. Measures mostly arrive in time
 * order within each series, interleaved across series: grouping by series keeps that order, and only a
 * series whose times go back is sorted.
 */
function sortedValues(ids: readonly number[], rows: readonly MeasureRow[]): MeasureValues[] {
  const bySeries = new Map<number, MeasureValues[]>();
  rows.forEach((row, index) => {
    const id = ids[index];
    if (id === undefined) throw new Error(`measure ${index} of the batch has no series id`);
    let list = bySeries.get(id);
    if (list === undefined) {
      list = [];
      bySeries.set(id, list);
    }
    list.push([id, row.timestampUs, row.value]);
  });
  const values = new Array<MeasureValues>(rows.length);
  let next = 0;
  for (const id of [...bySeries.keys()].sort((a, b) => a - b)) {
    const list = bySeries.get(id) as MeasureValues[];
    if (!ascending(list)) list.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    for (const value of list) values[next++] = value;
  }
  return values;
}

function ascending(list: readonly MeasureValues[]): boolean {
  let previous: bigint | undefined;
  for (const [, ts] of list) {
    if (previous !== undefined && ts < previous) return false;
    previous = ts;
  }
  return true;
}

/** The shared lock on the batch's experiments (ids are checked safe integers, written as literals). */
function lockSql(rows: readonly MeasureRow[]): { sql: string; ids: number[] } {
  const ids = new Set<number>();
  for (const row of rows) ids.add(row.experimentId);
  const list = [...ids];
  return { sql: `SELECT id FROM experiments WHERE id IN (${list.join(',')}) LOCK IN SHARE MODE`, ids: list };
}

/** Throws when an experiment of the batch was deleted meanwhile: its rows are rolled back with the transaction. */
function checkLocked(found: readonly RowDataPacket[], ids: readonly number[]): void {
  if (found.length === ids.length) return;
  const present = new Set(found.map((row) => Number(row.id)));
  const missing = ids.filter((id) => !present.has(id));
  throw new NotFoundError('experiment no longer exists', { experimentIds: missing });
}

/**
 * MysqlMeasureStore writes measures in bulk against their series (MysqlMeasureReader reads them back).
 * A series is stored once; a measure is (series_id, ts_us, value), unique on (series_id, ts_us).
 */
@injectable()
export class MysqlMeasureStore implements MeasureStore {
  private readonly cache = new SeriesCache();

  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  /**
   * One transaction (or the caller's): a batch is stored whole or not at all, and the shared lock on its
   * experiments keeps a concurrent ExperimentStore.delete from leaving measures without a series.
   * Round trips per batch, once its series are cached, in a bulk transaction: BEGIN, the lock and the
   * INSERTs in one; the rollup writes and COMMIT in the other.
   */
  async store(rows: readonly MeasureRow[]): Promise<StoreResult> {
    return this.storePrepared(this.prepare(rows));
  }

  prepare(rows: readonly MeasureRow[]): PreparedMeasures {
    assertStorable(rows);
    const prepared = this.lookUpCached(rows);
    // Every series known: the statements are ready, and the transaction only has to send them.
    if (prepared.missing.size === 0) Object.assign(prepared, insertStatements(prepared.ids, rows));
    return prepared;
  }

  async storePrepared(prepared: PreparedMeasures): Promise<StoreResult> {
    const own = prepared as MysqlPreparedMeasures;
    const { rows } = own;
    if (rows.length === 0) return { stored: 0, duplicates: 0 };
    return this.db.inTransaction(
      async () => {
        const lock = lockSql(rows);
        let inserts: { values: MeasureValues[]; statements: string[] };
        let results: StatementResult[];
        if (own.statements && own.values) {
          inserts = { values: own.values, statements: own.statements };
          results = await this.db.statements([lock.sql, ...inserts.statements]);
        } else {
          // New series are created inside this transaction; what it learns is kept apart from `prepared`,
          // which a retry after a rollback reuses.
          results = await this.db.statements([lock.sql]);
          inserts = insertStatements(await this.resolveMissing(this.db.executor(), own), rows);
          results.push(...(await this.db.statements(inserts.statements)));
        }
        checkLocked(results[0] as RowDataPacket[], lock.ids);
        let stored = 0;
        for (const result of results.slice(1)) stored += (result as ResultSetHeader).affectedRows;
        // All new: the batch's partials are added to the rollups. Some were duplicates, and which is not
        // known: their minutes are marked for the rollup job to recompute from the stored rows.
        const rollups = stored === inserts.values.length ? rollupDeltaSql(inserts.values) : [rollupMarksSql(inserts.values)];
        for (const sql of rollups) await this.db.atCommit(sql);
        return { stored, duplicates: rows.length - stored };
      },
      { bulkWrite: true },
    );
  }

  /** The series id of each row whose series is cached; the others grouped by series, each hashed once. */
  private lookUpCached(rows: readonly MeasureRow[]): MysqlPreparedMeasures {
    const ids = new Array<number>(rows.length);
    const missing = new Map<string, { series: PendingSeries; rows: number[] }>();
    rows.forEach((row, index) => {
      if (!hasTags(row.tags)) {
        const id = this.cache.getUntagged(row.experimentId, row.metric, row.source ?? '', row.unit ?? '');
        if (id !== undefined) {
          ids[index] = id;
          return;
        }
      }
      const cacheKey = seriesCacheKey(row);
      const cached = this.cache.get(cacheKey);
      if (cached !== undefined) {
        ids[index] = cached;
        return;
      }
      const pending = missing.get(cacheKey);
      if (pending) pending.rows.push(index);
      else {
        const series = { ...seriesIdentity(row), experimentId: row.experimentId, cacheKey };
        missing.set(cacheKey, { series, rows: [index] });
      }
    });
    return { rows, ids, missing };
  }

  /** The series id of every row (a copy), creating the series that do not exist yet. */
  private async resolveMissing(executor: Executor, prepared: MysqlPreparedMeasures): Promise<number[]> {
    const ids = [...prepared.ids];
    const wanted = [...prepared.missing.values()].map((m) => m.series);
    const learned = new Map<string, number>();
    // A plain read first: on a known series it takes no lock at all.
    await this.selectSeries(executor, wanted, false, learned);
    const absent = wanted.filter((series) => !learned.has(series.cacheKey));
    if (absent.length > 0) {
      await this.insertSeries(executor, absent);
      // A locking read sees the latest committed rows (a concurrent consumer may have created some),
      // where a plain read would see this transaction's older snapshot.
      await this.selectSeries(executor, absent, true, learned);
    }
    for (const [cacheKey, { rows: indexes }] of prepared.missing) {
      const id = learned.get(cacheKey);
      if (id === undefined) throw new Error('a series could not be resolved after its insert');
      for (const index of indexes) ids[index] = id;
    }
    // Only after commit: a rolled-back series must not be remembered.
    this.db.afterCommit(() => {
      // An untagged series is looked up by its fields only (lookUpCached): its joined key would never be read.
      for (const [key, { series }] of prepared.missing) {
        const id = learned.get(key) as number;
        if (series.tags === '{}') this.cache.setUntagged(series.experimentId, series.metric, series.source, series.unit, id);
        else this.cache.set(key, id);
      }
    });
    return ids;
  }

  private async selectSeries(
    executor: Executor,
    wanted: readonly PendingSeries[],
    locking: boolean,
    into: Map<string, number>,
  ): Promise<void> {
    const byExperiment = new Map<number, string[]>();
    const byKey = new Map(wanted.map((series) => [SeriesCache.keyOf(series.experimentId, series.key), series]));
    for (const series of wanted) {
      const keys = byExperiment.get(series.experimentId) ?? [];
      keys.push(series.key);
      byExperiment.set(series.experimentId, keys);
    }
    for (const [experimentId, keys] of byExperiment) {
      for (const chunk of chunks(keys, MEASURE_CHUNK)) {
        const [rows] = await executor.query<RowDataPacket[]>(
          `SELECT id, series_key FROM series WHERE experiment_id = ? AND series_key IN (?)${locking ? ' LOCK IN SHARE MODE' : ''}`,
          [experimentId, chunk],
        );
        for (const row of rows) {
          const series = byKey.get(SeriesCache.keyOf(experimentId, String(row.series_key)));
          if (series) into.set(series.cacheKey, Number(row.id));
        }
      }
    }
  }

  /** ON DUPLICATE KEY rather than IGNORE: a too-long metric must fail, not be truncated into another series. */
  private async insertSeries(executor: Executor, series: readonly PendingSeries[]): Promise<void> {
    const sorted = [...series].sort((a, b) => a.experimentId - b.experimentId || (a.key < b.key ? -1 : 1));
    const now = new Date();
    for (const chunk of chunks(sorted, SERIES_CHUNK)) {
      await translatingErrors(() =>
        executor.query<ResultSetHeader>(
          'INSERT INTO series (experiment_id, metric, source, unit, tags, series_key, created_at) VALUES ? ON DUPLICATE KEY UPDATE id = id',
          [chunk.map((s) => [s.experimentId, s.metric, s.source, s.unit, s.tags, s.key, now])],
        ),
      );
    }
  }
}
