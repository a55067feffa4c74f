/**
 * What every part of the evaluator shares. Like Prometheus's engine, every node is evaluated over a whole
 * grid of steps at once (an instant query is a grid of one step), so a selector walks each series once.
 */
import type { AtModifier, Expr, VectorSelector } from '../ast';
import { PromqlError } from '../engine-api';
import type { EvalOptions, SelectedData } from '../engine-api';
import type { FunctionImpl } from '../functions/function-api';
import type { MatrixSeries, StoredSeries, VectorSample } from '../values';

export interface Grid {
  readonly startMs: number;
  readonly endMs: number;
  readonly intervalMs: number;
  readonly steps: number;
}

export function makeGrid(startMs: number, endMs: number, intervalMs: number): Grid {
  const steps = endMs < startMs ? 0 : Math.floor((endMs - startMs) / intervalMs) + 1;
  return { startMs, endMs, intervalMs, steps };
}

export function stepTime(grid: Grid, step: number): number {
  return grid.startMs + step * grid.intervalMs;
}

/** One vector per step. */
export type StepVectors = VectorSample[][];

export function emptySteps(grid: Grid): StepVectors {
  const steps: StepVectors = [];
  for (let i = 0; i < grid.steps; i++) steps.push([]);
  return steps;
}

/**
 * A range vector (matrix selector or subquery) before windowing: at step time t the window is
 * [end - rangeMs, end] with end = (fixedEndMs ?? t) - offsetMs, both ends inclusive as in Prometheus 2.42.
 */
export interface RangeData {
  readonly series: readonly MatrixSeries[];
  readonly rangeMs: number;
  readonly offsetMs: number;
  /** The `@` time, when there is one. */
  readonly fixedEndMs?: number;
}

export function windowEnd(range: RangeData, t: number): number {
  return (range.fixedEndMs ?? t) - range.offsetMs;
}

export type EvalResult =
  | { readonly kind: 'scalar'; readonly values: Float64Array }
  | { readonly kind: 'vector'; readonly steps: StepVectors }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'range'; readonly range: RangeData };

export interface EvalContext {
  readonly data: SelectedData;
  readonly opts: EvalOptions;
  readonly functions: ReadonlyMap<string, FunctionImpl>;
  /** The query's own start and end: what `@ start()` and `@ end()` mean, at every depth. */
  readonly queryStartMs: number;
  readonly queryEndMs: number;
  readonly evaluate: (expr: Expr, grid: Grid) => EvalResult;
  /** The selector's series, sorted by labels like Prometheus's storage returns them. */
  readonly seriesOf: (node: VectorSelector) => readonly StoredSeries[];
}

export function atTimeMs(ctx: EvalContext, at: AtModifier | undefined): number | undefined {
  if (at === undefined) return undefined;
  if (at.kind === 'time') return at.ms;
  return at.kind === 'start' ? ctx.queryStartMs : ctx.queryEndMs;
}

export function executionError(message: string): PromqlError {
  return new PromqlError('execution', message);
}

export function internalError(message: string): PromqlError {
  return new PromqlError('internal', message);
}

export const DUPLICATE_LABELSET = 'vector cannot contain metrics with the same labelset';

export function unwrapParens(expr: Expr): Expr {
  let e = expr;
  while (e.type === 'Paren') e = e.expr;
  return e;
}
