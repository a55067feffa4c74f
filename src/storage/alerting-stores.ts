/**
 * The storage contracts of the alerting stage (src/services may `import type` from this file, as from
 * stores.ts). Implementations live beside it and are bound in src/container.ts.
 */
import type { LabelMatcher } from '../alerting/promql/ast';
import type { SeriesSource } from '../alerting/promql/engine-api';
import type { Labels } from '../alerting/promql/values';
import type { RuleGroup } from '../alerting/rules/rule';

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
