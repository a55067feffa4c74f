import type { EventInput, Tuple } from '../policies';
import type { ExperimentScope } from './notify-stores';

/**
 * The temporal policies' storage contract (issue 15, migrations 021 and 022): policies, the monitor row (the
 * one-monitor-per-policy lock, progress marker, state and fencing), the time points and events fed, the
 * verdicts, the rejections and the PolicyViolation alerts firing. Implemented over MySQL by MysqlPolicyStore;
 * services import these types only. Every call runs in the caller's ambient transaction when there is one.
 */

export interface Policy {
  readonly id: number;
  readonly experimentId: number;
  /** The experiment's code. */
  readonly experiment: string;
  readonly name: string;
  readonly signature: string;
  readonly formula: string;
  readonly negate: boolean;
  readonly generation: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewPolicy {
  readonly experimentId: number;
  readonly name: string;
  readonly signature: string;
  readonly formula: string;
  readonly negate: boolean;
}

/** A policy's formula in one generation (policy_generations). */
export interface PolicyGeneration {
  readonly generation: number;
  readonly signature: string;
  readonly formula: string;
  readonly negate: boolean;
  /** The verdicts' columns. */
  readonly variables: readonly string[];
  /** The time point from which this generation answers. */
  readonly firstTp: number;
}

/** The policy_monitors row, as the ingest locks it. */
export interface PolicyMonitorRow {
  readonly policyId: number;
  readonly generation: number;
  readonly firstTp: number;
  readonly nextTp: number;
  readonly lastTs: number | null;
  readonly ended: boolean;
  /** The engine's MonitorSnapshot, JSON. */
  readonly snapshot: string | null;
  readonly fencing: number;
  readonly replayedEvents: number | null;
  readonly storedEvents: number | null;
}

/** What a commit of the monitor writes (fenced: only if the row's fencing is still the one read). */
export interface PolicyMonitorUpdate {
  readonly generation: number;
  readonly firstTp: number;
  readonly nextTp: number;
  readonly lastTs: number | null;
  readonly ended: boolean;
  readonly snapshot: string;
  readonly holder: string;
  readonly replayedEvents?: number | null;
  readonly storedEvents?: number | null;
}

export interface StoredTimePointRow {
  readonly tp: number;
  readonly ts: number;
  readonly events: readonly EventInput[];
}

export interface PolicyVerdictRow {
  readonly tp: number;
  readonly ts: number;
  readonly tuples: readonly Tuple[];
  /** MonPoly's verdict line. */
  readonly line: string;
}

export interface PolicyRejectionRow {
  readonly id: number;
  readonly receivedAt: Date;
  readonly source: 'rest' | 'amqp';
  readonly reason: string;
  readonly body: string;
}

export interface NewPolicyRejection {
  readonly policyId: number;
  readonly source: 'rest' | 'amqp';
  readonly reason: string;
  readonly body: string;
}

export interface PolicyListQuery {
  readonly scope: ExperimentScope;
  readonly experimentId?: number;
  readonly afterId?: number;
  readonly limit: number;
}

export interface PolicyStore {
  /** The policy, its generation 1 and its monitor row (next_tp 0, `snapshot`). ConflictError on a name the experiment has. */
  insert(policy: NewPolicy, first: { readonly variables: readonly string[]; readonly snapshot: string }): Promise<Policy>;
  get(id: number): Promise<Policy | undefined>;
  list(query: PolicyListQuery): Promise<Policy[]>;
  /** Renames (ConflictError on a taken name); undefined when there is no such policy. */
  rename(id: number, name: string): Promise<Policy | undefined>;
  /**
   * A new generation: the policy's signature, formula and negate, its policy_generations row, and the monitor
   * row replaced (fencing + 1). The caller holds the monitor row's lock.
   */
  changeGeneration(
    id: number,
    change: { readonly name: string; readonly signature: string; readonly formula: string; readonly negate: boolean; readonly generation: number; readonly variables: readonly string[] },
    monitor: PolicyMonitorUpdate,
    expectedFencing: number,
  ): Promise<boolean>;
  /** False when there was none; everything of the policy goes with it. */
  delete(id: number): Promise<boolean>;
  generation(policyId: number, generation: number): Promise<PolicyGeneration | undefined>;

  /** SELECT ... FOR UPDATE of the monitor row: the one-monitor-per-policy lock, until the transaction ends. */
  lockMonitor(policyId: number): Promise<PolicyMonitorRow | undefined>;
  /** The monitor row without a lock. */
  monitor(policyId: number): Promise<PolicyMonitorRow | undefined>;
  /** Writes the monitor row with fencing + 1 if its fencing is still `expectedFencing`; false (nothing written) if not. */
  saveMonitor(policyId: number, expectedFencing: number, update: PolicyMonitorUpdate): Promise<boolean>;
  /** The time points and their events, in multi-row INSERTs. */
  insertTimePoints(policyId: number, points: readonly StoredTimePointRow[]): Promise<void>;
  insertVerdicts(policyId: number, generation: number, verdicts: readonly PolicyVerdictRow[]): Promise<void>;
  /** The rejection's id. */
  insertRejection(rejection: NewPolicyRejection): Promise<number>;
  insertRejections(rejections: readonly NewPolicyRejection[]): Promise<number[]>;
  /** Records a delivery (AMQP message id) as ingested, in the ambient transaction; false when it was already. */
  claimDelivery(policyId: number, deliveryId: string): Promise<boolean>;
  /** A generation's verdicts by ascending tp, after `afterTp` (exclusive). */
  verdicts(policyId: number, generation: number, afterTp: number | undefined, limit: number): Promise<PolicyVerdictRow[]>;
  /** Rejections by ascending id, after `afterId`. */
  rejections(policyId: number, afterId: number | undefined, limit: number): Promise<PolicyRejectionRow[]>;
  /** The label sets (JSON) of the PolicyViolation alerts firing, [] when none. */
  firingAlerts(policyId: number): Promise<string>;
  saveFiringAlerts(policyId: number, firing: string): Promise<void>;
}
