/**
 * The storage contracts of the alerting stage (src/services may `import type` from this file, as from
 * stores.ts). Implementations live beside it and are bound in src/container.ts.
 */
import type { LabelMatcher } from '../alerting/promql/ast';
import type { SeriesSource } from '../alerting/promql/engine-api';
import type { Labels } from '../alerting/promql/values';
import type { RuleGroup, RuleGroupDefinition, Severity } from '../alerting/rules/rule';
import type { AlertState, AlertTransition, TransitionTarget } from '../alerting/state/alert-state';

/** Which experiments' series a PromQL query may read: all of them, or a set. */
export type SeriesScope = { readonly kind: 'all' } | { readonly kind: 'experiments'; readonly experimentIds: readonly number[] };

/**
 * Builds the SeriesSource PromQL reads through, restricted to a scope: a SCIENTIST's queries get the
 * experiments they are associated with, a rule group its own experiment, an ADMIN everything. The scope
 * is applied to every selector in SQL, so no selector form can reach outside it.
 */
export interface SeriesSourceFactory {
  scoped(scope: SeriesScope): SeriesSource;
}

/** A time window in milliseconds, both ends inclusive; an absent end is unbounded. */
export interface CatalogWindow {
  readonly startMs?: number;
  readonly endMs?: number;
}

/**
 * The series a scope holds, as label sets without samples: what the HTTP API's /series, /labels and
 * /label/{name}/values list. Only series with at least one stored sample in the window are listed.
 */
export interface SeriesCatalog {
  /** The distinct label sets of the series in `scope` that match every matcher (none: all of them). */
  labelSets(scope: SeriesScope, matchers: readonly LabelMatcher[], window: CatalogWindow): Promise<readonly Labels[]>;
}

/** What the evaluator reads of the rules. */
export interface RuleGroupReader {
  /** Every group, with its rules and version. */
  listAll(): Promise<readonly RuleGroup[]>;
  findById(id: number): Promise<RuleGroup | undefined>;
}

/** A rule group's lease as its holder knows it. */
export interface GroupLease {
  readonly groupId: number;
  readonly holder: string;
  readonly fencingToken: number;
}

/** The lease row as an evaluation's commit reads it, locked until the transaction ends. */
export interface LockedLease {
  readonly holder: string;
  readonly fencingToken: number;
  readonly lastEvalMs: number | undefined;
}

/**
 * The evaluators' leases, one row per group, on the database's clock (processes' clocks may differ).
 * acquire takes a missing or expired lease (incrementing the fencing token) or renews the caller's own
 * unexpired one (same token); undefined when another holder's lease has not expired.
 */
export interface RuleGroupLeaseStore {
  acquire(groupId: number, holder: string, durationMs: number): Promise<GroupLease | undefined>;
  /** Ends the caller's leases at once (shutdown), so that another process takes over at its next slot. */
  releaseAll(holder: string): Promise<void>;
  /** SELECT ... FOR UPDATE inside the ambient transaction. */
  lockForCommit(groupId: number): Promise<LockedLease | undefined>;
  /** Records the committed evaluation time and its duration on the lease row. */
  recordEvaluation(groupId: number, evalMs: number, durationMs: number): Promise<void>;
  /** The last committed evaluation of each group (for /prometheus/api/v1/rules). */
  lastEvaluations(groupIds: readonly number[]): Promise<Map<number, { evalMs: number; durationMs: number }>>;
}

/** A transition as stored, with where it belongs. */
export interface StoredTransition extends AlertTransition {
  readonly id: number;
  readonly groupId: number;
  readonly experimentId: number;
  readonly experiment: string;
  readonly alertname: string;
}

/** A current alert state as listed, with where it belongs. */
export type ListedAlert = AlertState & { readonly groupId: number; readonly experimentId: number; readonly experiment: string; readonly alertname: string };

/** Whose alerts a listing may show: all, or those of the experiments a user is associated with; and filters. */
export interface AlertFilter {
  readonly associatedUserId?: number;
  readonly experimentId?: number;
  readonly ruleId?: number;
  readonly severity?: Severity;
}

export interface ActiveAlertQuery extends AlertFilter {
  readonly state?: 'pending' | 'firing';
  readonly groupIds?: readonly number[];
}

export interface TransitionQuery extends AlertFilter {
  readonly toState?: TransitionTarget;
  /** at >= fromMs */
  readonly fromMs?: number;
  /** at < toMs */
  readonly toMs?: number;
  /** Newest first: ids below this one. */
  readonly beforeId?: number;
  readonly limit: number;
}

export interface RuleEvaluationRecord {
  readonly ruleId: number;
  readonly health: 'ok' | 'err';
  readonly lastError?: string;
  readonly evalMs: number;
  readonly durationMs: number;
}

/** Alert states, their transitions and the outbox. Writes run inside the evaluation's transaction. */
export interface AlertStateStore {
  statesOfGroup(groupId: number): Promise<AlertState[]>;
  /** Replaces every state of the group by `states`. */
  replaceGroupStates(groupId: number, experimentId: number, states: readonly AlertState[]): Promise<void>;
  /** Stores the transitions and one outbox row for each; returns their ids in order. */
  appendTransitions(groupId: number, experimentId: number, fencingToken: number, transitions: readonly AlertTransition[]): Promise<number[]>;
  recordRuleEvaluations(groupId: number, records: readonly RuleEvaluationRecord[]): Promise<void>;
  /** Pending and firing alerts, ordered by experiment, rule, fingerprint. */
  active(query: ActiveAlertQuery): Promise<ListedAlert[]>;
  /** Transitions newest first (by id). */
  transitions(query: TransitionQuery): Promise<StoredTransition[]>;
  ruleEvaluations(groupIds: readonly number[]): Promise<Map<number, RuleEvaluationRecord>>;
}

/** A stored rule with the group it belongs to (GET /rules/{id}). */
export interface RuleInGroup {
  readonly group: RuleGroup;
  readonly rule: RuleGroup['rules'][number];
}

/**
 * Rule groups as REST and the CLI manage them. A rule keeps its id while its (group, position, name)
 * stays the same across a replace; any other rule gets a new id. Every write bumps the group's version.
 */
export interface RuleGroupStore extends RuleGroupReader {
  listByExperiment(experimentId: number): Promise<readonly RuleGroup[]>;
  findByName(experimentId: number, name: string): Promise<RuleGroup | undefined>;
  findRule(ruleId: number): Promise<RuleInGroup | undefined>;
  /** ConflictError when the experiment has a group of that name. */
  insert(experimentId: number, group: RuleGroupDefinition): Promise<RuleGroup>;
  /** Replaces the interval and rules of the group named group.name; undefined when there is none. */
  replace(experimentId: number, group: RuleGroupDefinition): Promise<RuleGroup | undefined>;
  delete(experimentId: number, name: string): Promise<boolean>;
}
