import type { AggregateQuery, SeriesAggregate } from '../domain/aggregate';
import type { MeasureQuery, Series, StoredMeasure } from '../domain/measure';
import type { Page } from '../domain/page';
import type { User } from '../domain/user';

/** What the REST resources may ask of the measures' read side; every method applies the visibility rule. */
export interface MeasureQueryService {
  /** A page of measures ordered by (time, series); NotFoundError when the actor may not see the experiment. */
  list(actor: User, query: Omit<MeasureQuery, 'after'> & { cursor?: string }): Promise<Page<StoredMeasure>>;
  listSeries(actor: User, experiment: string): Promise<Series[]>;
  /** The matching series, each with its non-empty buckets reduced by `query.fn`. */
  aggregate(actor: User, query: AggregateQuery): Promise<SeriesAggregate[]>;
}
