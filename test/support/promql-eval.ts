/** Runs the evaluator over test series and compares results like Prometheus's promql tests do. */
import type { Expr } from '../../src/alerting/promql/ast';
import { DEFAULT_EVAL_OPTIONS } from '../../src/alerting/promql/engine-api';
import type { EvalOptions } from '../../src/alerting/promql/engine-api';
import { evaluateInstant, evaluateRange } from '../../src/alerting/promql/evaluate';
import type { Labels, Matrix, StoredSeries, Value } from '../../src/alerting/promql/values';
import { labelsOf, selectData } from './promql-ast';
import { TEST_FUNCTIONS } from './promql-test-functions';

export function instant(expr: Expr, timeMs: number, pool: readonly StoredSeries[], opts: EvalOptions = DEFAULT_EVAL_OPTIONS): Value {
  return evaluateInstant(expr, timeMs, selectData(expr, pool), opts, TEST_FUNCTIONS);
}

export function range(expr: Expr, startMs: number, endMs: number, stepMs: number, pool: readonly StoredSeries[], opts: EvalOptions = DEFAULT_EVAL_OPTIONS): Matrix {
  return evaluateRange(expr, startMs, endMs, stepMs, selectData(expr, pool), opts, TEST_FUNCTIONS);
}

export function showLabels(labels: Labels): string {
  const name = labels.get('__name__') ?? '';
  const rest = [...labels.keys()]
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels.get(k))}`);
  return `${name}{${rest.join(', ')}}`;
}

function canonical(text: string): string {
  return showLabels(labelsOf(text));
}

export function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** The vector's samples as `labels -> value`, checked against `expected` (values within 1e-9, NaN = NaN). */
export function expectVector(value: Value, expected: Record<string, number>, ordered = false): void {
  if (value.type !== 'vector') throw new Error(`expected a vector, got ${value.type}`);
  const actual = value.samples.map((s) => [showLabels(s.labels), s.v] as const);
  const wanted = Object.entries(expected).map(([k, v]) => [canonical(k), v] as const);
  const sort = (xs: (readonly [string, number])[]): (readonly [string, number])[] => (ordered ? xs : [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const a = sort(actual);
  const w = sort(wanted);
  const same = a.length === w.length && a.every(([k, v], i) => k === w[i]?.[0] && almostEqual(v, w[i]?.[1] ?? NaN));
  if (!same) expect(a).toEqual(w);
}

export function expectScalar(value: Value, expected: number): void {
  if (value.type !== 'scalar') throw new Error(`expected a scalar, got ${value.type}`);
  if (!almostEqual(value.v, expected)) expect(value.v).toBe(expected);
}

/** A matrix as `labels -> [[t, v]...]`. */
export function matrixOf(value: Value): Record<string, [number, number][]> {
  if (value.type !== 'matrix') throw new Error(`expected a matrix, got ${value.type}`);
  const out: Record<string, [number, number][]> = Object.create(null) as Record<string, [number, number][]>;
  for (const s of value.series) out[showLabels(s.labels)] = s.points.map((p) => [p.t, p.v]);
  return out;
}
