/** Measure is one value of one metric at one instant, as published by an adapter. */
export interface Measure {
  experiment: string;
  metric: string;
  source: string | null;
  value: number;
  unit: string | null;
  /** Microseconds since the Unix epoch, UTC: finer than ms and still an exact integer in a double. */
  timestampUs: number;
  tags: Readonly<Record<string, string>>;
}

/** Series is (experiment, metric, source, unit, tags); measures are stored against it as (seriesId, ts, value). */
export interface Series {
  id: number;
  experiment: string;
  metric: string;
  source: string | null;
  unit: string | null;
  tags: Readonly<Record<string, string>>;
}

export interface StoredMeasure {
  seriesId: number;
  metric: string;
  source: string | null;
  unit: string | null;
  tags: Readonly<Record<string, string>>;
  timestampUs: number;
  value: number;
}

export interface MeasureQuery {
  experiment: string;
  metric?: string;
  source?: string;
  fromUs?: number;
  toUs?: number;
  limit: number;
  after?: MeasureCursor;
}

export interface MeasureCursor {
  timestampUs: number;
  seriesId: number;
}

/** The outcome of storing measures: how many rows were new, how many were already there (redeliveries). */
export interface StoreResult {
  stored: number;
  duplicates: number;
}
