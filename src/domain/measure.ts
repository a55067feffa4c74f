/** Measure is one value of one metric at one instant, as published by an adapter. */
export interface Measure {
  experiment: string;
  metric: string;
  source: string | null;
  value: number;
  unit: string | null;
  /** Microseconds since the Unix epoch, UTC; a bigint, since years 0000-9999 reach past 2^53 µs. */
  timestampUs: bigint;
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
  timestampUs: bigint;
  value: number;
}

export interface MeasureQuery {
  experiment: string;
  metric?: string;
  source?: string;
  fromUs?: bigint;
  toUs?: bigint;
  limit: number;
  after?: MeasureCursor;
}

export interface MeasureCursor {
  timestampUs: bigint;
  seriesId: number;
}

/** The outcome of storing measures: how many rows were new, how many were already there (redeliveries). */
export interface StoreResult {
  stored: number;
  duplicates: number;
}
