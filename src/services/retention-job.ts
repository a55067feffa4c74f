import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { retentionHorizonUs } from '../domain/retention';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import type { RetainedTable, RetentionResult, RetentionStore } from '../storage/stores';

/** RetentionJob drops raw measures older than RETENTION_DAYS and rollups older than ROLLUP_RETENTION_DAYS. */
@injectable()
export class RetentionJob {
  private readonly logger: Logger;

  constructor(
    @inject(TYPES.RetentionStore) private readonly store: RetentionStore,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'retention' });
  }

  get enabled(): boolean {
    return this.config.retention.rawDays > 0 || this.config.retention.rollupDays > 0;
  }

  async runOnce(nowMs = Date.now(), signal?: AbortSignal): Promise<Partial<Record<RetainedTable, RetentionResult>>> {
    const { rawDays, rollupDays, chunkRows } = this.config.retention;
    const plan: Array<[RetainedTable, number | undefined]> = [
      ['measures', retentionHorizonUs(rawDays, nowMs)],
      ['rollup_minute', retentionHorizonUs(rollupDays, nowMs)],
      ['rollup_hour', retentionHorizonUs(rollupDays, nowMs)],
    ];
    const results: Partial<Record<RetainedTable, RetentionResult>> = {};
    for (const [table, horizon] of plan) {
      if (horizon === undefined || signal?.aborted) continue;
      const result = await this.store.deleteBefore(table, horizon, chunkRows, signal);
      results[table] = result;
      if (result.rows > 0) {
        this.logger.info('expired rows deleted', { table, rows: result.rows, statements: result.statements, before: new Date(horizon / 1000).toISOString() });
      }
    }
    return results;
  }
}
