/**
 * The ports between the stages of active checks: scheduler -> executor (built-in or agent) -> result
 * recorder -> health. Implementations are bound in src/container.ts.
 */
import type { Severity } from '../alerting/rules/rule';
import type { CheckKind, CheckOutcomeName, CheckParams, Host } from './model';

/** A JSON value as stored in a result's details. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One run of one check on one host for one schedule slot, as the scheduler claimed it. */
export interface CheckJob {
  readonly checkId: number;
  readonly checkName: string;
  readonly checkVersion: number;
  readonly experimentId: number;
  /** The experiment's code (the measures' `experiment`). */
  readonly experiment: string;
  readonly kind: CheckKind;
  readonly params: CheckParams;
  readonly plugin?: string;
  readonly timeoutMs: number;
  readonly host: Host;
  /** mesh checks: the other hosts of the group, each probed by this job's host. */
  readonly peers?: readonly Host[];
  readonly scheduleId: number;
  /** The slot's time (start + k * period), milliseconds since the epoch. */
  readonly slotMs: number;
  /** The scheduler's claim on the slot; a result written with a stale token is refused. */
  readonly fencingToken: number;
}

/** What a run returned (Prophasis's value and message), with figures and details. */
export interface CheckRunResult {
  readonly outcome: Exclude<CheckOutcomeName, 'missed'>;
  /** The check's value (latency ms, days left, the plugin's value...); absent when there is none. */
  readonly value?: number;
  readonly message: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** Further figures, stored as measures too (status_code, cert_days_left, a probe step's duration...). */
  readonly fields?: ReadonlyMap<string, number>;
  /** JSON stored with the result: a probe's steps, a mesh check's row. */
  readonly details?: JsonValue;
}

/** Runs a job. Never throws for a failing target: a failure is an outcome. */
export interface CheckExecutor {
  /** The kinds this executor runs. */
  readonly kinds: readonly CheckKind[];
  execute(job: CheckJob, signal: AbortSignal): Promise<CheckRunResult>;
}

/** A result as stored, with its classification. */
export interface RecordedResult {
  readonly id: number;
  readonly checkId: number;
  readonly hostId: number;
  readonly experimentId: number;
  readonly slotMs: number;
  readonly outcome: CheckOutcomeName;
  readonly value?: number;
  readonly message: string;
  readonly severity: Severity;
  readonly reason?: string;
  readonly startedAtMs?: number;
  readonly durationMs?: number;
  readonly details?: JsonValue;
}

/**
 * Stores a run's result (check_results and the measures, through the ingest path) with its classification,
 * once per (check, host, slot): a second record of the same slot returns the first one and stores nothing.
 */
export interface CheckResultRecorder {
  record(job: CheckJob, result: CheckRunResult): Promise<RecordedResult>;
  /** The slot was not started within the schedule's maximum lateness. */
  recordMissed(job: CheckJob): Promise<RecordedResult>;
}

/** Told after a result is committed (the health stage recomputes the host and its services). */
export interface CheckResultListener {
  resultRecorded(result: RecordedResult): void;
}

/**
 * The scheduler's claim on a job's slot, checked by the recorder inside its transaction (the claim row is
 * locked until the transaction ends): a stale holder's result is refused with StaleClaimError.
 */
export interface SlotFence {
  assertHeld(job: CheckJob): Promise<void>;
}

/** A result written under a claim that another process has since taken over. */
export class StaleClaimError extends Error {
  constructor(readonly job: Pick<CheckJob, 'checkId' | 'scheduleId' | 'slotMs' | 'fencingToken'>, detail: string) {
    super(`stale claim on check ${job.checkId} slot ${job.slotMs} (token ${job.fencingToken}): ${detail}`);
    this.name = 'StaleClaimError';
  }
}
