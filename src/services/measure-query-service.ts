import { inject, injectable } from 'inversify';
import {
  MAX_BUCKETS,
  MAX_POINTS,
  reduce,
  type AggregateQuery,
  type SeriesAggregate,
} from '../domain/aggregate';
import { ValidationError } from '../domain/errors';
import type { MeasureCursor, MeasureQuery, Series, StoredMeasure } from '../domain/measure';
import { decodeCursor, encodeCursor, type Page } from '../domain/page';
import { MIN_TIMESTAMP_US, timestampFromDecimal } from '../../lib/contract/timestamp';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { AggregateReader, MeasureReader, SeriesFilter } from '../storage/stores';
import { notVisible, requiredAssociation } from './authorization';

/**
 * MeasureQueryService serves measures to the people allowed to read them: pages of raw measures
 * and downsampled buckets. Every method applies the visibility rule.
 */
@injectable()
export class MeasureQueryService {
  constructor(
    @inject(TYPES.MeasureReader) private readonly reader: MeasureReader,
    @inject(TYPES.AggregateReader) private readonly aggregates: AggregateReader,
  ) {}

  /** A page of measures ordered by (time, series); NotFoundError when the actor may not see the experiment. */
  async list(actor: User, query: Omit<MeasureQuery, 'after'> & { cursor?: string }): Promise<Page<StoredMeasure>> {
    const series = await this.visibleSeries(actor, query.experiment, { metric: query.metric, source: query.source });
    const after = measureCursor(query.cursor);
    // One row more than the page: it only tells whether a next page exists.
    const rows = await this.reader.measures(series, { fromUs: query.fromUs, toUs: query.toUs, after, limit: query.limit + 1 });
    if (rows.length <= query.limit) return { items: rows };
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    if (last === undefined) return { items };
    // The timestamp as decimal text: a JSON number would round it past 2^53.
    return { items, next: encodeCursor({ t: String(last.timestampUs), s: last.seriesId }) };
  }

  async listSeries(actor: User, code: string): Promise<Series[]> {
    return this.visibleSeries(actor, code, {});
  }

  /** The visibility rule and the series lookup in one round trip: range reads are the hot path. */
  private async visibleSeries(actor: User, code: string, filter: SeriesFilter): Promise<Series[]> {
    const series = await this.reader.visibleSeries(code, filter, requiredAssociation(actor));
    if (!series) throw notVisible(code);
    return series;
  }

  /** The matching series, each with its non-empty buckets reduced by `query.fn`. */
  async aggregate(actor: User, query: AggregateQuery): Promise<SeriesAggregate[]> {
    if (query.fromUs >= query.toUs) throw new ValidationError('from must be before to');
    const span = (query.toUs - query.fromUs + query.stepUs - 1n) / query.stepUs;
    // Compared as a bigint first: a window of years over a one-second step is no safe integer of steps.
    const buckets = span > BigInt(MAX_BUCKETS) ? MAX_BUCKETS + 1 : Number(span);
    if (buckets > MAX_BUCKETS) {
      throw new ValidationError(`the window holds ${span} steps, more than ${MAX_BUCKETS}: raise step or narrow the window`);
    }
    const series = await this.visibleSeries(actor, query.experiment, { metric: query.metric, source: query.source });
    if (series.length * buckets > MAX_POINTS) {
      throw new ValidationError(
        `${series.length} series of ${buckets} steps exceed ${MAX_POINTS} points: filter by metric or source, or raise step`,
      );
    }
    const partials = await this.aggregates.partials(
      series.map((s) => s.id),
      { fromUs: query.fromUs, toUs: query.toUs, stepUs: query.stepUs, withLast: query.fn === 'last' },
    );
    return series.map((s) => {
      const byBucket = partials.get(s.id) ?? new Map();
      const points = [...byBucket.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        // Buckets are aligned to the epoch: the first one of a window in year 0000 may start before it, where
        // RFC 3339 has no date; it is reported from the first instant of the range.
        .map(([start, partial]) => ({
          timestampUs: start < MIN_TIMESTAMP_US ? MIN_TIMESTAMP_US : start,
          value: reduce(partial, query.fn),
          count: partial.n,
        }));
      return { series: s, points };
    });
  }
}

/** `t` is decimal text (or, in cursors issued before timestamps were bigints, a safe integer). */
function measureCursor(cursor: string | undefined): MeasureCursor | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor) as { t?: unknown; s?: unknown } | undefined;
  const t =
    typeof key?.t === 'string' ? timestampFromDecimal(key.t) : Number.isSafeInteger(key?.t) ? BigInt(key?.t as number) : undefined;
  if (!key || t === undefined || !Number.isSafeInteger(key.s) || (key.s as number) < 0) {
    throw new ValidationError('cursor is not one this API issued');
  }
  return { timestampUs: t, seriesId: key.s as number };
}
