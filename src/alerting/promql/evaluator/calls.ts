/**
 * Function calls (Prometheus 2.42 engine.go, case *parser.Call). A function with a range-vector argument
 * is called per series and per step with that series' window, skipping empty windows; like 2.42 its
 * result keeps the series' labels without `__name__` (with it for last_over_time), and two series that
 * end up with the same labels anywhere in the range are an error. absent_over_time is called once per
 * step with every non-empty window. Other functions are called once per step with the evaluated arguments.
 */
import type { Call, Expr } from '../ast';
import { PromqlError } from '../engine-api';
import type { FunctionArgument, FunctionImpl, RangeArgument } from '../functions/function-api';
import { FUNCTION_SIGNATURES } from '../functions/signatures';
import type { MatrixSeries } from '../values';
import { checkUnique } from './binary';
import { DUPLICATE_LABELSET, emptySteps, executionError, internalError, stepTime, unwrapParens, windowEnd } from './context';
import type { EvalContext, EvalResult, Grid, RangeData, StepVectors } from './context';
import { dropMetricName, labelsKey } from './labels';
import { evalVectorSelector, matrixSelectorRange, WindowCursor } from './selectors';
import { subqueryRange } from './subquery';

type ArgAt = (step: number, t: number) => FunctionArgument;

function argumentAt(result: EvalResult): ArgAt {
  switch (result.kind) {
    case 'scalar':
      return (i, t) => ({ type: 'scalar', t, v: result.values[i] ?? NaN });
    case 'string':
      return (_i, t) => ({ type: 'string', t, v: result.value });
    case 'vector':
      return (i) => ({ type: 'vector', samples: result.steps[i] ?? [] });
    case 'range':
      throw internalError('a range vector where an instant value was expected');
  }
}

function lookup(ctx: EvalContext, name: string): FunctionImpl {
  const impl = ctx.functions.get(name);
  if (impl === undefined) throw new PromqlError('bad_data', `unknown function with name ${JSON.stringify(name)}`);
  return impl;
}

function callEachStep(node: Call, impl: FunctionImpl, grid: Grid, args: readonly ArgAt[]): EvalResult {
  const scalar = FUNCTION_SIGNATURES.get(node.func)?.returnType === 'scalar';
  const values = new Float64Array(grid.steps);
  const steps = emptySteps(grid);
  for (let i = 0; i < grid.steps; i++) {
    const t = stepTime(grid, i);
    const result = impl({ args: args.map((a) => a(i, t)), argExprs: node.args, timeMs: t });
    if (scalar) {
      if (result.type !== 'scalar') throw internalError(`${node.func} returned a ${result.type}, not a scalar`);
      values[i] = result.v;
    } else {
      if (result.type !== 'vector') throw internalError(`${node.func} returned a ${result.type}, not a vector`);
      checkUnique(result.samples);
      steps[i] = result.samples.map((s) => (s.t === t ? s : { labels: s.labels, t, v: s.v }));
    }
  }
  return scalar ? { kind: 'scalar', values } : { kind: 'vector', steps };
}

function isRangeExpr(expr: Expr): boolean {
  const e = unwrapParens(expr);
  return e.type === 'MatrixSelector' || e.type === 'Subquery';
}

function rangeOf(ctx: EvalContext, expr: Expr, grid: Grid): RangeData {
  const e = unwrapParens(expr);
  if (e.type === 'MatrixSelector') return matrixSelectorRange(ctx, e);
  if (e.type === 'Subquery') return subqueryRange(ctx, e, grid);
  throw internalError('not a range vector');
}

function rangeArgument(startMs: number, endMs: number, series: readonly MatrixSeries[]): RangeArgument {
  return { type: 'range', rangeStartMs: startMs, rangeEndMs: endMs, series };
}

function callAbsentOverTime(node: Call, impl: FunctionImpl, grid: Grid, range: RangeData, matrixIndex: number, others: readonly (ArgAt | undefined)[]): StepVectors {
  const steps = emptySteps(grid);
  const cursors = range.series.map((s) => new WindowCursor(s.points));
  for (let i = 0; i < grid.steps; i++) {
    const t = stepTime(grid, i);
    const end = windowEnd(range, t);
    const start = end - range.rangeMs;
    const present: MatrixSeries[] = [];
    range.series.forEach((s, si) => {
      const points = cursors[si]?.window(start, end) ?? [];
      if (points.length > 0) present.push({ labels: s.labels, points });
    });
    const args = others.map((a, j) => (j === matrixIndex || a === undefined ? rangeArgument(start, end, present) : a(i, t)));
    const result = impl({ args, argExprs: node.args, timeMs: t });
    if (result.type !== 'vector') throw internalError(`${node.func} returned a ${result.type}`);
    steps[i] = result.samples.map((s) => ({ labels: s.labels, t, v: s.v }));
  }
  return steps;
}

function callPerSeries(node: Call, impl: FunctionImpl, grid: Grid, range: RangeData, matrixIndex: number, others: readonly (ArgAt | undefined)[]): StepVectors {
  const steps = emptySteps(grid);
  const keepName = node.func === 'last_over_time';
  const owners = new Map<string, number>();
  range.series.forEach((series, si) => {
    const cursor = new WindowCursor(series.points);
    const labels = keepName ? series.labels : dropMetricName(series.labels);
    let produced = false;
    for (let i = 0; i < grid.steps; i++) {
      const t = stepTime(grid, i);
      const end = windowEnd(range, t);
      const start = end - range.rangeMs;
      const points = cursor.window(start, end);
      if (points.length === 0) continue;
      const window = rangeArgument(start, end, [{ labels: series.labels, points }]);
      const args = others.map((a, j) => (j === matrixIndex || a === undefined ? window : a(i, t)));
      const result = impl({ args, argExprs: node.args, timeMs: t });
      if (result.type !== 'vector') throw internalError(`${node.func} returned a ${result.type}`);
      const first = result.samples[0];
      if (first === undefined) continue;
      produced = true;
      steps[i]?.push({ labels, t, v: first.v });
    }
    if (produced) {
      const key = labelsKey(labels);
      if (owners.has(key)) throw executionError(DUPLICATE_LABELSET);
      owners.set(key, si);
    }
  });
  return steps;
}

export function evalCall(ctx: EvalContext, node: Call, grid: Grid): EvalResult {
  const impl = lookup(ctx, node.func);
  const first = node.args[0] === undefined ? undefined : unwrapParens(node.args[0]);
  if (node.func === 'timestamp' && first?.type === 'VectorSelector') {
    // The one function that sees the samples' own timestamps rather than the step's.
    const steps = evalVectorSelector(ctx, first, grid, true);
    return callEachStep(node, impl, grid, [(i) => ({ type: 'vector', samples: steps[i] ?? [] })]);
  }
  const matrixIndex = node.args.findIndex(isRangeExpr);
  if (matrixIndex < 0) return callEachStep(node, impl, grid, node.args.map((a) => argumentAt(ctx.evaluate(a, grid))));
  const matrixArg = node.args[matrixIndex];
  if (matrixArg === undefined) throw internalError('missing range argument');
  const others = node.args.map((a, j) => (j === matrixIndex ? undefined : argumentAt(ctx.evaluate(a, grid))));
  const range = rangeOf(ctx, matrixArg, grid);
  const steps = node.func === 'absent_over_time' ? callAbsentOverTime(node, impl, grid, range, matrixIndex, others) : callPerSeries(node, impl, grid, range, matrixIndex, others);
  return { kind: 'vector', steps };
}

