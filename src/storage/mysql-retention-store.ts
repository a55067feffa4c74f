import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import type { RetainedTable, RetentionResult, RetentionStore } from './stores';

const TIME_COLUMN: Record<RetainedTable, string> = { measures: 'ts_us', rollup_minute: 'bucket_us', rollup_hour: 'bucket_us' };
const SERIES_PAGE = 500;

/**
 * MysqlRetentionStore removes old rows in bounded deletes. Each statement fixes one series and deletes at
 * most one chunk of its oldest rows, a range of the primary key, in its own short READ COMMITTED
 * transaction: it locks only the rows it deletes (no gap locks), all older than the horizon, so ingest of
 * current data never waits on it, and no transaction grows with the amount of data to expire.
 */
@injectable()
export class MysqlRetentionStore implements RetentionStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async deleteBefore(table: RetainedTable, horizonUs: number, chunkRows: number, signal?: AbortSignal): Promise<RetentionResult> {
    if (!Number.isSafeInteger(horizonUs)) throw new RangeError(`horizon must be a safe integer, got ${horizonUs}`);
    if (!Number.isSafeInteger(chunkRows) || chunkRows <= 0) throw new RangeError(`chunk must be a positive integer, got ${chunkRows}`);
    const column = TIME_COLUMN[table];
    const result: RetentionResult = { rows: 0, statements: 0, largestStatement: 0 };
    let afterId = 0;
    for (;;) {
      const [page] = await this.db.executor().query<RowDataPacket[]>(
        'SELECT id FROM series WHERE id > ? ORDER BY id LIMIT ?',
        [afterId, SERIES_PAGE],
      );
      for (const { id } of page) {
        for (;;) {
          if (signal?.aborted) return result;
          const deleted = await this.db.inTransaction(async () => {
            const [header] = await this.db.executor().query<ResultSetHeader>(
              `DELETE FROM ${table} WHERE series_id = ? AND ${column} < ? ORDER BY ${column} LIMIT ?`,
              [id, horizonUs, chunkRows],
            );
            return header.affectedRows;
          }, { readCommitted: true });
          result.statements += 1;
          result.rows += deleted;
          result.largestStatement = Math.max(result.largestStatement, deleted);
          if (deleted < chunkRows) break;
          // Between chunks, let the process's own work (ingest, requests) run first.
          await yieldToEventLoop();
        }
      }
      const last = page.at(-1);
      if (page.length < SERIES_PAGE || last === undefined) return result;
      afterId = Number(last.id);
    }
  }
}
