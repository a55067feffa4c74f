/**
 * The PromQL evaluator: pure, over the data the planner's selections read. Prometheus 2.42's semantics
 * (promql/engine.go): an instant query is a range evaluation of one step; a range query evaluates every
 * step start, start + step, ... <= end.
 */
import type { Expr } from './ast';
import { PromqlError } from './engine-api';
import type { EvalOptions, SelectedData } from './engine-api';
import type { FunctionImpl } from './functions/function-api';
import type { Matrix, MatrixSeries, Point, Value } from './values';
import { makeGrid, windowEnd } from './evaluator/context';
import { createContext } from './evaluator/core';
import { compareLabels } from './evaluator/labels';
import { WindowCursor } from './evaluator/selectors';
import { resultToSeries } from './evaluator/subquery';
import { typeOf as exprType } from './value-type';

export { formatGoFloat } from './evaluator/go-math';
export { typeOf as exprType } from './value-type';

export function evaluateInstant(expr: Expr, timeMs: number, data: SelectedData, opts: EvalOptions, functions: ReadonlyMap<string, FunctionImpl>): Value {
  const ctx = createContext(data, opts, functions, timeMs, timeMs);
  const result = ctx.evaluate(expr, makeGrid(timeMs, timeMs, 1));
  switch (result.kind) {
    case 'scalar':
      return { type: 'scalar', t: timeMs, v: result.values[0] ?? NaN };
    case 'string':
      return { type: 'string', t: timeMs, v: result.value };
    case 'vector':
      return { type: 'vector', samples: (result.steps[0] ?? []).map((s) => ({ labels: s.labels, t: timeMs, v: s.v })) };
    case 'range': {
      const range = result.range;
      const end = windowEnd(range, timeMs);
      const series: MatrixSeries[] = [];
      for (const s of range.series) {
        const points: readonly Point[] = new WindowCursor(s.points).window(end - range.rangeMs, end);
        if (points.length > 0) series.push({ labels: s.labels, points });
      }
      return { type: 'matrix', series };
    }
  }
}

const DOCUMENTED_TYPE = { scalar: 'scalar', string: 'string', vector: 'instant vector', matrix: 'range vector' } as const;

export function evaluateRange(
  expr: Expr,
  startMs: number,
  endMs: number,
  stepMs: number,
  data: SelectedData,
  opts: EvalOptions,
  functions: ReadonlyMap<string, FunctionImpl>,
): Matrix {
  const type = exprType(expr);
  if (type !== 'vector' && type !== 'scalar') {
    throw new PromqlError('bad_data', `invalid expression type "${DOCUMENTED_TYPE[type]}" for range query, must be Scalar or instant Vector`);
  }
  if (!(stepMs > 0)) throw new PromqlError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (endMs < startMs) throw new PromqlError('bad_data', 'end timestamp must not be before start time');
  const ctx = createContext(data, opts, functions, startMs, endMs);
  const grid = makeGrid(startMs, endMs, stepMs);
  const series = resultToSeries(ctx.evaluate(expr, grid), grid);
  return { type: 'matrix', series: series.sort((a, b) => compareLabels(a.labels, b.labels)) };
}
