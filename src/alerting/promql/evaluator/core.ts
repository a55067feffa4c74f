/** The recursive evaluator: one EvalResult per node, over a grid of steps. */
import type { Expr, Unary, VectorSelector } from '../ast';
import type { EvalOptions, SelectedData } from '../engine-api';
import type { FunctionImpl } from '../functions/function-api';
import type { StoredSeries } from '../values';
import { evalAggregate } from './aggregate';
import { evalBinary } from './binary';
import { evalCall } from './calls';
import { DUPLICATE_LABELSET, executionError, internalError } from './context';
import type { EvalContext, EvalResult, Grid } from './context';
import { compareLabels, dropMetricName, labelsKey } from './labels';
import { evalVectorSelector, matrixSelectorRange } from './selectors';
import { subqueryRange } from './subquery';

/** Unary minus drops `__name__`; like 2.42 it fails when two series anywhere in the range then collide. */
function evalUnary(ctx: EvalContext, node: Unary, grid: Grid): EvalResult {
  const inner = ctx.evaluate(node.expr, grid);
  if (node.op === '+') return inner;
  if (inner.kind === 'scalar') return { kind: 'scalar', values: inner.values.map((v) => -v) };
  if (inner.kind !== 'vector') throw internalError(`unary minus on ${inner.kind}`);
  // Input series are distinct label sets: two that lose their name to the same labels collide.
  const owners = new Map<string, string>();
  const steps = inner.steps.map((samples) =>
    samples.map((s) => {
      const labels = dropMetricName(s.labels);
      const key = labelsKey(labels);
      const from = labelsKey(s.labels);
      const owner = owners.get(key);
      if (owner !== undefined && owner !== from) throw executionError(DUPLICATE_LABELSET);
      owners.set(key, from);
      return { labels, t: s.t, v: -s.v };
    }),
  );
  return { kind: 'vector', steps };
}

function evalNode(ctx: EvalContext, expr: Expr, grid: Grid): EvalResult {
  switch (expr.type) {
    case 'NumberLiteral':
      return { kind: 'scalar', values: new Float64Array(grid.steps).fill(expr.value) };
    case 'StringLiteral':
      return { kind: 'string', value: expr.value };
    case 'Paren':
      return ctx.evaluate(expr.expr, grid);
    case 'Unary':
      return evalUnary(ctx, expr, grid);
    case 'VectorSelector':
      return { kind: 'vector', steps: evalVectorSelector(ctx, expr, grid) };
    case 'MatrixSelector':
      return { kind: 'range', range: matrixSelectorRange(ctx, expr) };
    case 'Subquery':
      return { kind: 'range', range: subqueryRange(ctx, expr, grid) };
    case 'Binary':
      return evalBinary(ctx, expr, grid);
    case 'Aggregate':
      return evalAggregate(ctx, expr, grid);
    case 'Call':
      return evalCall(ctx, expr, grid);
    default:
      throw internalError('unknown expression node');
  }
}

export function createContext(
  data: SelectedData,
  opts: EvalOptions,
  functions: ReadonlyMap<string, FunctionImpl>,
  queryStartMs: number,
  queryEndMs: number,
): EvalContext {
  const sorted = new Map<VectorSelector, readonly StoredSeries[]>();
  const ctx: EvalContext = {
    data,
    opts,
    functions,
    queryStartMs,
    queryEndMs,
    evaluate: (expr, grid) => evalNode(ctx, expr, grid),
    seriesOf: (node) => {
      let series = sorted.get(node);
      if (series === undefined) {
        const selected = data.get(node);
        if (selected === undefined) throw internalError('a selector was not planned: no data was read for it');
        series = [...selected].sort((a, b) => compareLabels(a.labels, b.labels));
        sorted.set(node, series);
      }
      return series;
    },
  };
  return ctx;
}
