/**
 * The storage contracts of the health stage (src/services may `import type` from this file). What health
 * reads of the checks model (migration 015) and of the results, and the current health states (migration
 * 018). Implementation: mysql-health-store.ts, bound in src/container.ts.
 */
import type { Labels } from '../alerting/promql/values';
import type { RedundancyMember } from '../checks/model';
import type { CheckLatest } from '../health/compute';
import type { HealthSubjectKind } from '../health/alerts';
import type { HealthExplanation, HealthState } from '../health/health';

/** Where a subject belongs. */
export interface HealthOwner {
  readonly id: number;
  readonly name: string;
  readonly experimentId: number;
  /** The experiment's code. */
  readonly experiment: string;
}

/** A host with its checks (assigned to it or to one of its host groups) and each one's latest result on it. */
export interface HealthHostInput extends HealthOwner {
  readonly checks: readonly CheckLatest[];
}

export interface HealthServiceModel extends HealthOwner {
  readonly dependencies: readonly number[];
  readonly redundancyGroups: readonly { readonly id: number; readonly name: string; readonly members: readonly RedundancyMember[] }[];
}

/** Which subjects a read covers: given ids, or all of the experiments a user is associated with, or all. */
export interface HealthScope {
  readonly ids?: readonly number[];
  readonly associatedUserId?: number;
  readonly experimentId?: number;
}

export interface StoredHealthState {
  readonly kind: HealthSubjectKind;
  readonly subjectId: number;
  readonly experimentId: number;
  readonly name: string;
  readonly state: HealthState;
  /** undefined for a row just created and never computed. */
  readonly explanation?: HealthExplanation;
  readonly sinceMs: number;
  readonly computedMs: number;
  /** The alert firing for the subject, if any. */
  readonly firing?: { readonly labels: Labels; readonly state: HealthState };
  readonly version: number;
}

export interface NewHealthState {
  readonly experimentId: number;
  readonly name: string;
  readonly state: HealthState;
  readonly explanation: HealthExplanation;
  readonly sinceMs: number;
  readonly computedMs: number;
  readonly firing?: { readonly labels: Labels; readonly state: HealthState };
  readonly version: number;
}

/** What health reads of the model and of the results. */
export interface HealthModelReader {
  hosts(scope: HealthScope): Promise<HealthHostInput[]>;
  services(scope: HealthScope): Promise<HealthServiceModel[]>;
  /** The hosts of each host group asked for. */
  hostGroupMembers(groupIds: readonly number[]): Promise<Map<number, number[]>>;
  /** Every host's or service's id, in order (what the sweep walks). */
  subjectIds(kind: HealthSubjectKind): Promise<number[]>;
  /** The services that depend on the host, directly or through a redundancy group (a host group's included). */
  servicesOfHost(hostId: number): Promise<number[]>;
}

/** The current health states (health_states). The locking methods run inside the caller's transaction. */
export interface HealthStateStore {
  /** Creates the row of an existing subject (state no_data, never computed) unless it has one; outside a transaction. */
  ensure(kind: HealthSubjectKind, subjectId: number): Promise<void>;
  /** SELECT ... FOR UPDATE: the row, locked until the transaction ends. */
  lock(kind: HealthSubjectKind, subjectId: number): Promise<StoredHealthState | undefined>;
  save(kind: HealthSubjectKind, subjectId: number, state: NewHealthState): Promise<void>;
  delete(kind: HealthSubjectKind, subjectId: number): Promise<void>;
  /** The latest at_ms of these health alerts (rule 0) in the alert history, if any. */
  lastTransitionMs(fingerprints: readonly string[]): Promise<number | undefined>;
  /** Rows whose host or service no longer exists. */
  orphans(): Promise<{ kind: HealthSubjectKind; subjectId: number }[]>;
  /** The stored states of these subjects (for `since`). */
  states(kind: HealthSubjectKind, subjectIds: readonly number[]): Promise<Map<number, StoredHealthState>>;
}

export type HealthStore = HealthModelReader & HealthStateStore;
