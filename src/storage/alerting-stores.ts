/**
 * The storage contracts of the alerting stage (src/services may `import type` from this file, as from
 * stores.ts). Implementations live beside it and are bound in src/container.ts.
 */
import type { SeriesSource } from '../alerting/promql/engine-api';
import type { RuleGroup, RuleGroupDefinition } from '../alerting/rules/rule';

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

/** What the evaluator reads of the rules. */
export interface RuleGroupReader {
  /** Every group, with its rules and version. */
  listAll(): Promise<readonly RuleGroup[]>;
  findById(id: number): Promise<RuleGroup | undefined>;
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
