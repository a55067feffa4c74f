import type { AuditEvent, StoredAuditEvent } from '../domain/audit-event';
import type { Experiment, ExperimentChanges, NewExperiment } from '../domain/experiment';
import type { BucketPartial } from '../domain/aggregate';
import type { Measure, MeasureCursor, Series, StoredMeasure, StoreResult } from '../domain/measure';
import type { NewRejectedMessage, RejectedMessage, RejectionReason } from '../domain/rejected-message';
import type { NewUser, User, UserChanges } from '../domain/user';

/**
 * The interfaces services use to reach storage. Implementations live beside this file (MySQL) and are
 * bound in src/container.ts; services never build SQL.
 *
 * Transactions are ambient: inside `Transactor.inTransaction(work)` every store call made by `work` (in the
 * same async context) runs on the transaction's connection, so services compose stores without passing
 * connections around. Outside one, each call takes a pooled connection of its own.
 */
export interface TransactionOptions {
  /**
   * The transaction writes many rows in few statements (ingest): storage may defer its BEGIN to its first
   * statements and send its last ones with the COMMIT, to save round trips. Ignored when joining an outer one.
   */
  bulkWrite?: boolean;
}

export interface Transactor {
  inTransaction<T>(work: () => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** Database owns the connection pool: readiness, shutdown. */
export interface Database {
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Migrator {
  /** Applies every migration not yet applied; returns the schema version reached. */
  migrate(): Promise<number>;
}

export interface ListWindow {
  afterId?: number;
  limit: number;
}

export interface UserStore {
  /** Throws ConflictError when username or userId is already taken. */
  insert(user: NewUser & { pseudonym: string }): Promise<User>;
  findById(id: number): Promise<User | undefined>;
  /** Erased users have no username and are never found by it. */
  findByUsername(username: string): Promise<User | undefined>;
  /** Ordered by id; erased users are included (they are tombstones an admin may need to see). */
  list(window: ListWindow): Promise<User[]>;
  /** Throws ConflictError on a taken username or userId; undefined when there is no such user. */
  update(id: number, changes: UserChanges): Promise<User | undefined>;
  /** Wipes name, email, username and userId, keeps id, pseudonym and role; sets erasedAt. */
  erase(id: number): Promise<User | undefined>;
  /** Active (not erased) admins. */
  countAdmins(): Promise<number>;
}

export interface ExperimentStore {
  /** Throws ConflictError when the code is taken. */
  insert(experiment: NewExperiment): Promise<Experiment>;
  findByCode(code: string): Promise<Experiment | undefined>;
  /** Ordered by id; with `associatedUserId`, only the experiments that user is associated with. */
  list(window: ListWindow & { associatedUserId?: number }): Promise<Experiment[]>;
  update(code: string, changes: ExperimentChanges): Promise<Experiment | undefined>;
  /** Deletes the experiment, its associations, series and measures. False when there was none. */
  delete(code: string): Promise<boolean>;
  /** Idempotent: associating twice is not an error. */
  associate(experimentId: number, userId: number): Promise<void>;
  /** False when the association did not exist. */
  dissociate(experimentId: number, userId: number): Promise<boolean>;
  listAssociatedUsers(experimentId: number): Promise<User[]>;
  isAssociated(experimentId: number, userId: number): Promise<boolean>;
  /** code -> id for the codes that exist; missing codes are absent from the map. */
  idsByCode(codes: readonly string[]): Promise<Map<string, number>>;
}

export interface MeasureRow extends Measure {
  experimentId: number;
}

/** Rows made ready for their INSERT ahead of the transaction (MeasureStore.prepare); opaque to callers. */
export interface PreparedMeasures {
  readonly rows: readonly MeasureRow[];
}

export interface MeasureStore {
  /** Creates missing series and stores the measures; a (series, timestamp) already stored counts as a duplicate. */
  store(rows: readonly MeasureRow[]): Promise<StoreResult>;
  /**
   * The CPU part of store(), no I/O: checks the rows and, for series already known, builds the INSERT, so
   * that it can run while the previous batch commits. Throws ValidationError on a row that cannot be stored.
   */
  prepare(rows: readonly MeasureRow[]): PreparedMeasures;
  /** store() of prepared rows. */
  storePrepared(prepared: PreparedMeasures): Promise<StoreResult>;
}

export interface RejectedMessageQuery extends ListWindow {
  reason?: RejectionReason;
  /** received_at >= from */
  from?: Date;
  /** received_at < to */
  to?: Date;
}

export interface RejectedMessageStore {
  insert(message: NewRejectedMessage): Promise<RejectedMessage>;
  findById(id: number): Promise<RejectedMessage | undefined>;
  /**
   * Inserts it, unless a rejection of the same delivery (message id and body digest) is stored already:
   * then that one's id, and `created` false.
   */
  record(message: NewRejectedMessage): Promise<{ id: number; created: boolean }>;
  /** Ordered by id. */
  list(query: RejectedMessageQuery): Promise<RejectedMessage[]>;
  delete(id: number): Promise<boolean>;
  /** Reads the row with a lock held until the ambient transaction ends: two replays of one message serialise. */
  findForUpdate(id: number): Promise<RejectedMessage | undefined>;
}

export interface AuditQuery extends ListWindow {
  actor?: string;
  action?: string;
  resourceType?: string;
  outcome?: 'success' | 'failure';
  from?: Date;
  to?: Date;
}

export interface AuditStore {
  insert(event: AuditEvent): Promise<void>;
  /** Ordered by id. */
  list(query: AuditQuery): Promise<StoredAuditEvent[]>;
}

/*
 * The query side (range reads, aggregates) and the background work that keeps it fast and bounded
 * (rollups, retention).
 */

export interface SeriesFilter {
  metric?: string;
  source?: string;
}

export interface MeasureWindow {
  /** Inclusive. */
  fromUs?: bigint;
  /** Exclusive. */
  toUs?: bigint;
  /** Strictly after this (timestamp, series) key. */
  after?: MeasureCursor;
  limit: number;
}

export interface MeasureReader {
  /** The series of one experiment (its code is copied into each), ordered by id. */
  series(experiment: { id: number; code: string }, filter?: SeriesFilter): Promise<Series[]>;
  /**
   * The same, found by experiment code in one round trip, and only when the experiment is associated with
   * `associatedUserId` (when given): undefined when there is no such experiment or it is not associated.
   */
  visibleSeries(code: string, filter: SeriesFilter, associatedUserId?: number): Promise<Series[] | undefined>;
  /** Measures of these series, ordered by (timestampUs, seriesId), at most `window.limit`. */
  measures(series: readonly Series[], window: MeasureWindow): Promise<StoredMeasure[]>;
}

export interface AggregateWindow {
  fromUs: bigint;
  toUs: bigint;
  stepUs: bigint;
  /** The value at each bucket's latest timestamp costs a lookup per bucket: only `last` needs it. */
  withLast: boolean;
}

export interface AggregateReader {
  /**
   * Series id -> bucket start -> partial, for the buckets of `stepUs` (aligned to the epoch) that hold
   * measures in [fromUs, toUs). Exact whatever the rollup job's progress.
   */
  partials(seriesIds: readonly number[], window: AggregateWindow): Promise<Map<number, Map<bigint, BucketPartial>>>;
}

export interface RollupRefresh {
  /** Marked minutes recomputed. */
  minutes: number;
  /** Marked minutes older than the raw retention horizon: their raw rows are (being) deleted, so only the mark went. */
  expired: number;
}

export interface RollupMaintainer {
  /**
   * Takes up to `maxMinutes` marked minutes no other transaction holds, recomputes their minute and hour
   * rollups from the stored rows, and removes the marks, all in one short transaction.
   */
  refresh(maxMinutes: number, horizonUs?: number): Promise<RollupRefresh>;
}

/** The rows a retention pass removed, and the statements it took (each removes at most one chunk). */
export interface RetentionResult {
  rows: number;
  statements: number;
  largestStatement: number;
}

export type RetainedTable = 'measures' | 'rollup_minute' | 'rollup_hour';

export interface RetentionStore {
  /** Deletes the rows of `table` older than `horizonUs`, series by series, `chunkRows` per short transaction. */
  deleteBefore(table: RetainedTable, horizonUs: number, chunkRows: number, signal?: AbortSignal): Promise<RetentionResult>;
}
