import type { PublishedMeasure } from '../../lib/contract/published-measure';

/** A measure as adapters publish it (openapi.yaml's `components.schemas.Measure`). */
export type Measure = PublishedMeasure;

/** Why one measure was refused before it reached the broker; `index` is its position in the publish() call. */
export interface InvalidMeasure {
  index: number;
  errors: string[];
}
