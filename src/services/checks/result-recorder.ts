import { inject, injectable, multiInject, optional } from 'inversify';
import { MAX_EPOCH_MS } from '../../../lib/contract/timestamp';
import type { Classification, Classify } from '../../alerting/classify/classify';
import type { CheckOutcomeName } from '../../checks/model';
import type {
  CheckJob,
  CheckResultListener,
  CheckResultRecorder,
  CheckRunResult,
  JsonValue,
  RecordedResult,
  SlotFence,
} from '../../checks/ports';
import { StorageUnavailableError, ValidationError } from '../../domain/errors';
import type { Measure } from '../../domain/measure';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import type { CheckResultStore, NewCheckResult } from '../../storage/check-result-stores';
import type { MeasureStore, PreparedMeasures, Transactor } from '../../storage/stores';
import type { CommitHooks } from '../audit-trail';
import type { CommittedMeasuresListener } from '../contracts';
import { classifyRun, decodeClassifier, earlierReadingsWanted, type StoredClassifier } from './result-classification';
import { resultMeasures, type ResultMeasures } from './result-measures';

/** The columns' lengths (migration 015), in characters. */
const MAX_MESSAGE = 2000;
const MAX_REASON = 1000;
/** Details beyond this (JSON text) are replaced by a note: a mesh row or a probe's steps are far smaller. */
const MAX_DETAILS_BYTES = 1024 * 1024;
/** A deadlock between two recorders (or a recorder and the consumer) on new series: tried again, whole. */
const DEADLOCK_ATTEMPTS = 3;
/** Checks whose classifier is remembered; past it the memory starts over. */
const CLASSIFIER_CACHE = 10_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** At most `max` characters (code points), lone surrogates replaced: utf8mb4 columns take any such text. */
function fit(text: string, max: number): string {
  const chars = Array.from(text.replace(LONE_SURROGATE, '\uFFFD'));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function storableMs(ms: number | undefined): number | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const whole = Math.trunc(ms);
  return whole >= 0 && whole <= MAX_EPOCH_MS ? whole : undefined;
}

/** The largest instant a Date holds, in milliseconds either side of the epoch. */
const MAX_DATE_MS = 8.64e15;

/** What the scheduler hands over goes into BIGINT columns and the results API's dates: a bad one is its bug, refused whole. */
function assertStorableJob(job: CheckJob): void {
  if (!Number.isSafeInteger(job.slotMs) || Math.abs(job.slotMs) > MAX_DATE_MS) {
    throw new ValidationError(`job.slotMs must be an integer instant, not ${String(job.slotMs)}`, { field: 'slotMs' });
  }
  if (!Number.isSafeInteger(job.fencingToken) || job.fencingToken < 0) {
    throw new ValidationError(`job.fencingToken must be a non-negative integer, not ${String(job.fencingToken)}`, { field: 'fencingToken' });
  }
}

function storableDetails(details: JsonValue | undefined): JsonValue | undefined {
  if (details === undefined) return undefined;
  const text = JSON.stringify(details);
  return Buffer.byteLength(text) <= MAX_DETAILS_BYTES ? details : { truncated: true, bytes: Buffer.byteLength(text) };
}

/**
 * ResultRecorder stores each check run (CheckResultRecorder): the check_results row with its classification
 * and the run's figures as measures of the check's experiment, in one transaction fenced by the scheduler's
 * claim, once per (check, host, slot). After the commit it tells the CommittedMeasuresListeners (so rules
 * see check measures as they see published ones) and the CheckResultListeners (health).
 *
 * Classification runs before the transaction, so that no lock is held while a Lua classifier runs.
 */
@injectable()
export class ResultRecorder implements CheckResultRecorder {
  private readonly classifiers = new Map<number, { version: number; stored: StoredClassifier }>();

  constructor(
    @inject(TYPES.CheckResultStore) private readonly results: CheckResultStore,
    @inject(TYPES.MeasureStore) private readonly measures: MeasureStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.CommitHooks) private readonly hooks: CommitHooks,
    @inject(TYPES.Classify) private readonly classify: Classify,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.SlotFence) @optional() private readonly fence?: SlotFence,
    @multiInject(TYPES.CommittedMeasuresListener)
    @optional()
    private readonly measureListeners: readonly CommittedMeasuresListener[] = [],
    @multiInject(TYPES.CheckResultListener)
    @optional()
    private readonly resultListeners: readonly CheckResultListener[] = [],
  ) {}

  async record(job: CheckJob, result: CheckRunResult): Promise<RecordedResult> {
    assertStorableJob(job);
    const startedAtMs = storableMs(result.startedAtMs);
    const measures = resultMeasures(job, result, startedAtMs ?? job.slotMs);
    const prepared = this.prepared(measures);
    const classification = await this.classifyRun(job, result.outcome, result.value, result.message);
    const reason = [classification.reason, ...(measures.refused.length > 0 ? [`not stored as measures: ${measures.refused.join('; ')}`] : [])]
      .filter((part): part is string => part !== undefined)
      .join('; ');
    const durationMs = result.durationMs !== undefined && Number.isFinite(result.durationMs) ? result.durationMs : undefined;
    const details = storableDetails(result.details);
    return this.store(
      job,
      {
        ...this.rowOf(job, result.outcome, result.message, classification.severity, reason),
        ...(result.value !== undefined && Number.isFinite(result.value) ? { value: result.value } : {}),
        ...(startedAtMs === undefined ? {} : { startedAtMs }),
        ...(durationMs === undefined ? {} : { durationMs }),
        ...(details === undefined ? {} : { details }),
      },
      prepared,
    );
  }

  /** The measures' INSERTs made ready; rows storage would still refuse are refused here, never the result. */
  private prepared(measures: ResultMeasures): PreparedMeasures {
    try {
      return this.measures.prepare(measures.rows);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      measures.refused.push(`every figure: ${error.message}`);
      return this.measures.prepare([]);
    }
  }

  /** No measure: a missed slot measured nothing, and a made-up value would pollute the check's series. */
  async recordMissed(job: CheckJob): Promise<RecordedResult> {
    assertStorableJob(job);
    const classification = await this.classifyRun(job, 'missed', undefined, '');
    return this.store(job, this.rowOf(job, 'missed', '', classification.severity, classification.reason ?? ''), undefined);
  }

  private rowOf(job: CheckJob, outcome: CheckOutcomeName, message: string, severity: Classification['severity'], reason: string): NewCheckResult {
    return {
      checkId: job.checkId,
      hostId: job.host.id,
      experimentId: job.experimentId,
      slotMs: job.slotMs,
      outcome,
      message: fit(message, MAX_MESSAGE),
      severity,
      ...(reason === '' ? {} : { reason: fit(reason, MAX_REASON) }),
      fencingToken: job.fencingToken,
    };
  }

  private async classifyRun(job: CheckJob, outcome: CheckOutcomeName, value: number | undefined, message: string): Promise<Classification> {
    try {
      const stored = await this.classifierOf(job);
      return await classifyRun(this.classify, stored, { outcome, ...(value === undefined ? {} : { value }), message }, () =>
        this.results.readings(job.checkId, job.host.id, job.slotMs, earlierReadingsWanted(stored)),
      );
    } catch (error) {
      return { severity: 'unknown', reason: `classification failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** The check's classifier at the job's version, read once per version. */
  private async classifierOf(job: CheckJob): Promise<StoredClassifier> {
    const cached = this.classifiers.get(job.checkId);
    if (cached !== undefined && cached.version === job.checkVersion) return cached.stored;
    const row = await this.results.classifierOf(job.checkId);
    const stored = decodeClassifier(row?.classifier ?? null);
    if (this.classifiers.size >= CLASSIFIER_CACHE) this.classifiers.clear();
    if (row !== undefined) this.classifiers.set(job.checkId, { version: row.version, stored });
    return stored;
  }

  private async store(job: CheckJob, row: NewCheckResult, prepared: PreparedMeasures | undefined): Promise<RecordedResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx.inTransaction(async () => {
          await this.fence?.assertHeld(job);
          const { result, created } = await this.results.insertOnce(row);
          if (!created) return result;
          const stored = prepared === undefined ? { stored: 0, duplicates: 0 } : await this.measures.storePrepared(prepared);
          const measures = prepared?.rows ?? [];
          this.hooks.afterCommit(() => this.committed(result, measures, stored.stored, stored.duplicates));
          return result;
        });
      } catch (error) {
        if (attempt >= DEADLOCK_ATTEMPTS || !(error instanceof StorageUnavailableError) || error.code !== 'ER_LOCK_DEADLOCK') throw error;
        this.logger.debug('check result: deadlock, trying again', { checkId: job.checkId, hostId: job.host.id, slotMs: job.slotMs, attempt });
      }
    }
  }

  /** As the consumer does after its commit; listeners must not throw, and one that does fails nothing. */
  private committed(result: RecordedResult, measures: readonly Measure[], stored: number, duplicates: number): void {
    if (stored > 0) {
      for (const listener of this.measureListeners) {
        try {
          listener.committed({ measures, exact: duplicates === 0 });
        } catch (error) {
          this.logger.warn('check result: a committed-measures listener failed', { error: String(error) });
        }
      }
    }
    for (const listener of this.resultListeners) {
      try {
        listener.resultRecorded(result);
      } catch (error) {
        this.logger.warn('check result: a result listener failed', { error: String(error) });
      }
    }
  }
}
