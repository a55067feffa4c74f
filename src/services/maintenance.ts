import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { PeriodicTask } from './periodic-task';
import { RetentionJob } from './retention-job';
import { RollupJob } from './rollup-job';

/**
 * Maintenance runs the background work of the consuming process: the rollup job (every ROLLUP_INTERVAL_MS)
 * and, when a retention is set, the retention job (every RETENTION_INTERVAL_MS). It runs where ingest runs
 * (`consume`, `all`); several consumers may run it at once, safely (see MysqlRollupMaintainer).
 */
@injectable()
export class Maintenance {
  private readonly tasks: PeriodicTask[];

  constructor(
    @inject(TYPES.Config) config: Config,
    @inject(TYPES.Logger) logger: Logger,
    @inject(RollupJob) rollups: RollupJob,
    @inject(RetentionJob) retention: RetentionJob,
  ) {
    const log = logger.child({ component: 'maintenance' });
    this.tasks = [new PeriodicTask('rollup refresh', config.rollups.intervalMs, async (signal) => void (await rollups.catchUp(signal)), log)];
    if (retention.enabled) {
      this.tasks.push(
        new PeriodicTask('retention', config.retention.intervalMs, async (signal) => void (await retention.runOnce(Date.now(), signal)), log),
      );
    }
  }

  start(): void {
    for (const task of this.tasks) task.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((task) => task.stop()));
  }
}
