import type { Check, Host, HostGroup, RedundancyMember, Schedule, Service } from '../checks/model';
import type { ExperimentScope } from './notify-stores';

/**
 * The checks model's storage contract (issue 14, migration 015): hosts, host groups, checks, schedules and
 * services, each owned by one experiment (ADR 0008). Implemented over MySQL by MysqlChecksModelStore
 * (src/storage/mysql-checks-model-store.ts); services import these types only.
 */

/** A row with the code of the experiment it belongs to (what the API shows). */
export type Owned<T> = T & { readonly experiment: string };

export type NewHost = Omit<Host, 'id'>;
export type NewHostGroup = Omit<HostGroup, 'id'>;
export type NewCheck = Omit<Check, 'id' | 'version'>;
export interface NewScheduleInterval {
  readonly startMs: number;
  readonly periodMs: number;
}
export type NewSchedule = Omit<Schedule, 'id' | 'version' | 'intervals'> & { readonly intervals: readonly NewScheduleInterval[] };
export interface NewRedundancyGroup {
  readonly name: string;
  readonly members: readonly RedundancyMember[];
}
export type NewService = Omit<Service, 'id' | 'redundancyGroups'> & { readonly redundancyGroups: readonly NewRedundancyGroup[] };

/** A keyset page: rows of the experiments in `scope` (and of `experimentId` when given), by ascending id after `afterId`. */
export interface ModelListQuery {
  readonly scope: ExperimentScope;
  readonly experimentId?: number;
  readonly afterId?: number;
  readonly limit: number;
}

/**
 * One aggregate's rows. Every write runs in the caller's ambient transaction when there is one (the
 * service checks references and writes the audit event in the same one).
 */
export interface ModelTable<T, N> {
  /** ConflictError when the experiment already has one of that name. */
  insert(row: N): Promise<Owned<T>>;
  get(id: number): Promise<Owned<T> | undefined>;
  list(query: ModelListQuery): Promise<Owned<T>[]>;
  /**
   * Replaces everything but the id (the experiment is the caller's to keep); undefined when there is no such
   * row. Checks and schedules get version + 1, and so do the checks whose hosts this changes (a host, a host
   * group's members). A schedule keeps the intervals whose (start, period) did not change with their id and
   * `execute_next_ms` (the scheduler's); a changed interval is a new row, never run.
   */
  update(id: number, row: N): Promise<Owned<T> | undefined>;
  /** False when there was none. What referred to it goes with it (foreign keys), and the versions of the checks and schedules that change with it are bumped. */
  delete(id: number): Promise<boolean>;
}

/** Tables whose rows other rows refer to. */
export type ReferencedTable = 'hosts' | 'host_groups' | 'checks';

export interface ChecksModelStore {
  readonly hosts: ModelTable<Host, NewHost>;
  readonly hostGroups: ModelTable<HostGroup, NewHostGroup>;
  readonly checks: ModelTable<Check, NewCheck>;
  readonly schedules: ModelTable<Schedule, NewSchedule>;
  readonly services: ModelTable<Service, NewService>;
  /**
   * id -> experiment id of the rows of `table` among `ids` (missing ids are absent). Inside a transaction the
   * rows are share-locked until it ends, so a reference checked here cannot vanish before the write that makes it.
   */
  owners(table: ReferencedTable, ids: readonly number[]): Promise<Map<number, number>>;
}
