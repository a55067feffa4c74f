import type { AuditEvent, StoredAuditEvent } from '../domain/audit-event';
import type { Experiment, ExperimentChanges, NewExperiment } from '../domain/experiment';
import type { Measure, StoreResult } from '../domain/measure';
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
