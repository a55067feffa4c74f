import { inject, injectable } from 'inversify';
import type { LabelMatcher } from '../alerting/promql/ast';
import { PromqlError, type PromqlEngine, type SeriesSource } from '../alerting/promql/engine-api';
import { compileMatcher } from '../alerting/promql/matchers';
import { compareLabelSets, labelsKey } from '../alerting/promql/measure-labels';
import type { Labels, Matrix, Value } from '../alerting/promql/values';
import type { Config } from '../config';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { CatalogWindow, SeriesCatalog, SeriesScope, SeriesSourceFactory } from '../storage/alerting-stores';
import type { ExperimentStore } from '../storage/stores';
import { requiredAssociation } from './authorization';

/** Experiments read per page when a SCIENTIST's scope is gathered. */
const SCOPE_PAGE = 1000;

/**
 * `source`, failing the query once the samples read by all its selections together pass `maxSamples`
 * (Prometheus's query.max-samples is per query, not per selector).
 */
function budgeted(source: SeriesSource, maxSamples: number): SeriesSource {
  let read = 0;
  return {
    async select(selection) {
      const series = await source.select(selection);
      for (const s of series) read += s.points.length;
      if (read > maxSamples) throw new PromqlError('execution', `query would read more than ${maxSamples} samples`);
      return series;
    },
  };
}

/** `work`, or a timeout error once `timeoutMs` has passed (at once when it is not positive, as Go's context). */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  const timedOut = () => new PromqlError('timeout', 'query timed out in query execution');
  if (!(timeoutMs > 0)) {
    work.catch(() => undefined);
    throw timedOut();
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // The engine has no cancellation: a query that lost the race finishes (bounded by the sample limit) unheard.
    work.catch(() => undefined);
  }
}

/**
 * What MyMONIT's Prometheus-compatible HTTP API does for an authenticated user: PromQL queries and series
 * listings over the series the user may read. An ADMIN reads every experiment; a SCIENTIST the experiments
 * associated with them, through a scope the storage applies to every selector, so that another experiment's
 * series are simply absent from every answer.
 */
@injectable()
export class PrometheusApiService {
  private readonly maxSamples: number;
  private readonly queryTimeoutMs: number;

  constructor(
    @inject(TYPES.PromqlEngine) private readonly engine: PromqlEngine,
    @inject(TYPES.SeriesSourceFactory) private readonly sources: SeriesSourceFactory,
    @inject(TYPES.SeriesCatalog) private readonly catalog: SeriesCatalog,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.Config) config: Config,
  ) {
    this.maxSamples = config.promql.maxSamples;
    this.queryTimeoutMs = config.promql.queryTimeoutMs;
  }

  /** An instant query; `timeoutMs` (the request's) shortens the configured timeout, never lengthens it. */
  async instant(actor: User, query: string, timeMs: number, timeoutMs?: number): Promise<Value> {
    const source = await this.sourceFor(actor);
    return withTimeout(this.engine.instant(query, timeMs, source), this.timeout(timeoutMs));
  }

  async range(actor: User, query: string, startMs: number, endMs: number, stepMs: number, timeoutMs?: number): Promise<Matrix> {
    const source = await this.sourceFor(actor);
    return withTimeout(this.engine.range(query, startMs, endMs, stepMs, source), this.timeout(timeoutMs));
  }

  /** Syntax check of a query, without reading anything: undefined when it is valid. */
  check(query: string): PromqlError | undefined {
    return this.engine.check(query);
  }

  /**
   * `match[]` series selectors as matcher sets. Like Prometheus, a set whose every matcher matches the
   * empty string (which would select every series) is refused.
   */
  parseMatchSets(texts: readonly string[]): LabelMatcher[][] {
    return texts.map((text) => {
      const matchers = [...this.engine.parseSelector(text)];
      if (!matchers.some((m) => !compileMatcher(m)('')))
        throw new PromqlError('bad_data', 'match[] must contain at least one non-empty matcher');
      return matchers;
    });
  }

  /** The label sets of the series that match any of the sets and have a sample in the window, sorted. */
  async series(actor: User, matchSets: readonly (readonly LabelMatcher[])[], window: CatalogWindow): Promise<Labels[]> {
    const scope = await this.scopeOf(actor);
    return this.union(scope, matchSets, window);
  }

  /** Label names (`__name__` included) of those series, or of every series in scope without sets; sorted. */
  async labelNames(actor: User, matchSets: readonly (readonly LabelMatcher[])[], window: CatalogWindow): Promise<string[]> {
    const scope = await this.scopeOf(actor);
    const names = new Set<string>();
    for (const labels of await this.union(scope, matchSets, window)) for (const name of labels.keys()) names.add(name);
    return [...names].sort(byCodeUnits);
  }

  async labelValues(actor: User, name: string, matchSets: readonly (readonly LabelMatcher[])[], window: CatalogWindow): Promise<string[]> {
    const scope = await this.scopeOf(actor);
    const values = new Set<string>();
    for (const labels of await this.union(scope, matchSets, window)) {
      const value = labels.get(name);
      if (value !== undefined) values.add(value);
    }
    return [...values].sort(byCodeUnits);
  }

  private async union(scope: SeriesScope, matchSets: readonly (readonly LabelMatcher[])[], window: CatalogWindow): Promise<Labels[]> {
    const sets = matchSets.length > 0 ? matchSets : [[]];
    const byKey = new Map<string, Labels>();
    for (const matchers of sets) {
      for (const labels of await this.catalog.labelSets(scope, matchers, window)) byKey.set(labelsKey(labels), labels);
    }
    return [...byKey.values()].sort(compareLabelSets);
  }

  private timeout(requested: number | undefined): number {
    return requested === undefined ? this.queryTimeoutMs : Math.min(requested, this.queryTimeoutMs);
  }

  private async sourceFor(actor: User): Promise<SeriesSource> {
    return budgeted(this.sources.scoped(await this.scopeOf(actor)), this.maxSamples);
  }

  /** ADMIN: every experiment; SCIENTIST: the experiments associated with them (the same rule as measures). */
  private async scopeOf(actor: User): Promise<SeriesScope> {
    const userId = requiredAssociation(actor);
    if (userId === undefined) return { kind: 'all' };
    const experimentIds: number[] = [];
    for (let afterId = 0; ; ) {
      const page = await this.experiments.list({ associatedUserId: userId, afterId, limit: SCOPE_PAGE });
      for (const experiment of page) experimentIds.push(experiment.id);
      const last = page[page.length - 1];
      if (page.length < SCOPE_PAGE || last === undefined) break;
      afterId = last.id;
    }
    return { kind: 'experiments', experimentIds };
  }
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
