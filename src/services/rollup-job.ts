import { performance } from 'node:perf_hooks';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { retentionHorizonUs } from '../domain/retention';
import { TYPES } from '../identifiers';
import type { RollupMaintainer } from '../storage/stores';

/** A transaction of the job should end within this: an ingest that marks a minute it holds waits for it. */
const TARGET_MS = 50;
const MIN_BATCH = 8;
const MAX_BATCH = 4096;

/**
 * RollupJob brings the rollups up to date with what ingest has committed, in short transactions whose size
 * adapts to the data: a minute of a 1 kHz series costs a thousand times one of a 1 Hz series.
 */
@injectable()
export class RollupJob {
  private batch = 256;

  constructor(
    @inject(TYPES.RollupMaintainer) private readonly maintainer: RollupMaintainer,
    @inject(TYPES.Config) private readonly config: Config,
  ) {}

  /** Recomputes marked minutes until none is left that another transaction does not hold; returns how many. */
  async catchUp(signal?: AbortSignal): Promise<number> {
    let recomputed = 0;
    while (!signal?.aborted) {
      const size = this.batch;
      const started = performance.now();
      const { minutes, expired } = await this.maintainer.refresh(size, retentionHorizonUs(this.config.retention.rawDays, Date.now()));
      const elapsed = performance.now() - started;
      recomputed += minutes;
      if (elapsed > TARGET_MS) this.batch = Math.max(MIN_BATCH, Math.floor(size / 2));
      else if (elapsed < TARGET_MS / 4 && minutes + expired === size) this.batch = Math.min(MAX_BATCH, size * 2);
      if (minutes + expired < size) break;
    }
    return recomputed;
  }
}
