import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import type { LabelMatcher } from '../alerting/promql/ast';
import { PromqlError, type Selection, type SeriesSource } from '../alerting/promql/engine-api';
import { matchesSeries } from '../alerting/promql/matchers';
import { compareLabelSets, labelsKey, seriesLabels } from '../alerting/promql/measure-labels';
import type { Labels, StoredSeries } from '../alerting/promql/values';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { CatalogWindow, SeriesCatalog, SeriesScope, SeriesSourceFactory } from './alerting-stores';
import type { MysqlDatabase } from './mysql-database';
import { toPoints, type RawSample } from './series-points';

/** Series ids per measures statement: an IN list the range optimizer still turns into one range per id. */
const IDS_PER_STATEMENT = 1000;

interface SeriesRow extends RowDataPacket {
  id: number | string;
  code: string;
  metric: string;
  source: string;
  unit: string;
  tags: string;
}

/** Stored series whose label sets coincide (e.g. metrics `a.b` and `a-b`) are one PromQL series. */
interface SeriesGroup {
  readonly labels: Labels;
  readonly ids: number[];
}

interface Sql {
  readonly conditions: string[];
  readonly values: unknown[];
}

/** Microsecond bounds of a millisecond window, both inclusive: [start * 1000, end * 1000 + 999]. */
function usBounds(window: CatalogWindow): { fromUs?: bigint; toUs?: bigint } {
  const finite = (ms: number | undefined) => ms !== undefined && Number.isFinite(ms);
  return {
    fromUs: finite(window.startMs) ? BigInt(Math.floor(window.startMs as number)) * 1000n : undefined,
    toUs: finite(window.endMs) ? BigInt(Math.floor(window.endMs as number)) * 1000n + 999n : undefined,
  };
}

/**
 * LIKE patterns whose union holds every stored metric that sanitises to `name` (a superset: the exact
 * check runs on the mapped labels). Sanitising keeps [a-zA-Z0-9:] and turns anything else into `_`, one
 * character for one, plus a `_` before a leading digit: so `name` itself, read with `_` as LIKE's
 * any-one-character, holds every same-length origin, and `name` without its first `_` the prefixed ones.
 * Undefined: no stored metric can have this name.
 */
export function metricPatterns(name: string): string[] | undefined {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) return undefined;
  return /^_[0-9]/.test(name) ? [name, name.slice(1)] : [name];
}

/**
 * What SQL can decide of a selection: the scope always, equality on `experiment` (the code) and on
 * `__name__` (a superset, see metricPatterns). Undefined when no series can match.
 */
function pushDown(scope: SeriesScope, matchers: readonly LabelMatcher[]): Sql | undefined {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (scope.kind === 'experiments') {
    if (scope.experimentIds.length === 0) return undefined;
    conditions.push('s.experiment_id IN (?)');
    values.push(scope.experimentIds);
  }
  for (const matcher of matchers) {
    if (matcher.type !== '=' || matcher.value === '') continue;
    if (matcher.name === 'experiment') {
      conditions.push('e.code = ?');
      values.push(matcher.value);
    } else if (matcher.name === '__name__') {
      const patterns = metricPatterns(matcher.value);
      if (patterns === undefined) return undefined;
      conditions.push(`(${patterns.map(() => 's.metric LIKE ?').join(' OR ')})`);
      values.push(...patterns);
    }
  }
  return { conditions, values };
}

/**
 * MysqlSeriesSource is what PromQL reads through (SeriesSourceFactory) and what the HTTP API lists series
 * from (SeriesCatalog). The scope is a condition of every statement; label matchers are pushed into SQL
 * where SQL can decide them and checked in full on the mapped labels. Bounded: a selection reading more
 * than PROMQL_MAX_SERIES series or PROMQL_MAX_SAMPLES samples fails with an execution error.
 */
@injectable()
export class MysqlSeriesSource implements SeriesSourceFactory, SeriesCatalog {
  private readonly maxSamples: number;
  private readonly maxSeries: number;

  constructor(
    @inject(TYPES.Database) private readonly db: MysqlDatabase,
    @inject(TYPES.Config) config: Config,
  ) {
    this.maxSamples = config.promql.maxSamples;
    this.maxSeries = config.promql.maxSeries;
  }

  scoped(scope: SeriesScope): SeriesSource {
    return { select: (selection) => this.select(scope, selection) };
  }

  async labelSets(scope: SeriesScope, matchers: readonly LabelMatcher[], window: CatalogWindow): Promise<readonly Labels[]> {
    const groups = await this.groups(scope, matchers, window);
    return groups.map((group) => group.labels);
  }

  private async select(scope: SeriesScope, selection: Selection): Promise<readonly StoredSeries[]> {
    const groups = await this.groups(scope, selection.matchers);
    if (groups.length > this.maxSeries) {
      throw new PromqlError('execution', `query would read more than ${this.maxSeries} series`);
    }
    const samples = await this.samples(groups, usBounds(selection));
    const result: StoredSeries[] = [];
    for (const group of groups) {
      const points = toPoints(group.ids.flatMap((id) => samples.get(id) ?? []), group.ids.length === 1);
      if (points.length > 0) result.push({ labels: group.labels, points });
    }
    return result;
  }

  /** The matching series, grouped by label set and sorted like Prometheus's; with `window`, only those with a sample in it. */
  private async groups(scope: SeriesScope, matchers: readonly LabelMatcher[], window?: CatalogWindow): Promise<SeriesGroup[]> {
    const matches = (labels: Labels): boolean => matchesSeries(matchers, labels);
    const sql = pushDown(scope, matchers);
    if (sql === undefined) return [];
    const conditions = [...sql.conditions];
    const values = [...sql.values];
    if (window) {
      const { fromUs, toUs } = usBounds(window);
      const bounds = ['m.series_id = s.id'];
      if (fromUs !== undefined) {
        bounds.push('m.ts_us >= ?');
        values.push(fromUs);
      }
      if (toUs !== undefined) {
        bounds.push('m.ts_us <= ?');
        values.push(toUs);
      }
      conditions.push(`EXISTS (SELECT 1 FROM measures m WHERE ${bounds.join(' AND ')})`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [rows] = await this.db.executor().query<SeriesRow[]>(
      `SELECT s.id, e.code, s.metric, s.source, s.unit, s.tags
         FROM series s JOIN experiments e ON e.id = s.experiment_id
         ${where}
        ORDER BY s.id`,
      values,
    );
    const groups = new Map<string, SeriesGroup>();
    for (const row of rows) {
      const labels = seriesLabels({
        experiment: row.code,
        metric: row.metric,
        source: row.source,
        unit: row.unit,
        tags: JSON.parse(row.tags) as Record<string, string>,
      });
      if (!matches(labels)) continue;
      const key = labelsKey(labels);
      const group = groups.get(key);
      if (group) group.ids.push(Number(row.id));
      else groups.set(key, { labels, ids: [Number(row.id)] });
    }
    return [...groups.values()].sort((a, b) => compareLabelSets(a.labels, b.labels));
  }

  /**
   * The samples of some series in a window, in primary-key order: one range of the primary key per id, no
   * sort (EXPLAIN checked in test/integration/promql/mysql-series-source.test.ts).
   */
  static samplesSql(ids: readonly number[], bounds: { fromUs?: bigint; toUs?: bigint }, limit: number): { sql: string; values: unknown[] } {
    const conditions = ['series_id IN (?)'];
    const values: unknown[] = [ids];
    if (bounds.fromUs !== undefined) {
      conditions.push('ts_us >= ?');
      values.push(bounds.fromUs);
    }
    if (bounds.toUs !== undefined) {
      conditions.push('ts_us <= ?');
      values.push(bounds.toUs);
    }
    values.push(limit);
    return {
      sql: `SELECT series_id, ts_us, value FROM measures WHERE ${conditions.join(' AND ')} ORDER BY series_id, ts_us LIMIT ?`,
      values,
    };
  }

  /** The samples of `groups` in the window, by series id, each series in time order. */
  private async samples(groups: readonly SeriesGroup[], bounds: { fromUs?: bigint; toUs?: bigint }): Promise<Map<number, RawSample[]>> {
    const ids = groups.flatMap((group) => group.ids);
    const bySeries = new Map<number, RawSample[]>();
    let read = 0;
    for (let at = 0; at < ids.length; at += IDS_PER_STATEMENT) {
      // One row more than the budget left: reading it is how the limit is known to be passed.
      const { sql, values } = MysqlSeriesSource.samplesSql(ids.slice(at, at + IDS_PER_STATEMENT), bounds, this.maxSamples - read + 1);
      const [rows] = await this.db.executor().query<RowDataPacket[]>({ sql, rowsAsArray: true }, values);
      read += rows.length;
      if (read > this.maxSamples) {
        throw new PromqlError('execution', `query would read more than ${this.maxSamples} samples`);
      }
      for (const row of rows as unknown as Array<[number | string, number | string, number]>) {
        const seriesId = Number(row[0]);
        const tsUs = typeof row[1] === 'string' ? BigInt(row[1]) : row[1];
        let list = bySeries.get(seriesId);
        if (!list) bySeries.set(seriesId, (list = []));
        list.push({ tsUs, seriesId, value: row[2] });
      }
    }
    return bySeries;
  }
}
