/**
 * What PromQL evaluates to and reads from: plain data. Times are integer milliseconds since the epoch.
 * Label sets are Maps (never plain objects: a tag may be called `__proto__`).
 */

export type Labels = ReadonlyMap<string, string>;

export interface Point {
  readonly t: number;
  readonly v: number;
}

/** A stored series as the evaluator receives it: its labels and its samples in time order, one per ms. */
export interface StoredSeries {
  readonly labels: Labels;
  readonly points: readonly Point[];
}

export interface Scalar {
  readonly type: 'scalar';
  readonly t: number;
  readonly v: number;
}

export interface StringValue {
  readonly type: 'string';
  readonly t: number;
  readonly v: string;
}

export interface VectorSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

export interface Vector {
  readonly type: 'vector';
  readonly samples: readonly VectorSample[];
}

export interface MatrixSeries {
  readonly labels: Labels;
  readonly points: readonly Point[];
}

export interface Matrix {
  readonly type: 'matrix';
  readonly series: readonly MatrixSeries[];
}

export type Value = Scalar | StringValue | Vector | Matrix;
