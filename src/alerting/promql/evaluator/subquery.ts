/**
 * Subqueries (Prometheus 2.42 engine.go, case *parser.SubqueryExpr): the inner expression is evaluated
 * once over its own grid, from the first multiple of the step at or after (start - offset - range) to
 * (end - offset), where start and end are the outer grid's (or both the `@` time). The result is then
 * windowed per outer step exactly like a matrix selector.
 */
import type { Subquery } from '../ast';
import type { Labels, MatrixSeries, Point } from '../values';
import { atTimeMs, internalError, makeGrid, stepTime } from './context';
import type { EvalContext, EvalResult, Grid, RangeData } from './context';
import { EMPTY_LABELS, labelsKey } from './labels';

/** Go's `step * (x / step)` (division truncating toward zero), moved up a step when below x: ceil to a multiple. */
export function alignUp(x: number, step: number): number {
  const base = x - (x % step);
  return base < x ? base + step : base;
}

/** A scalar or vector result over a grid as series (first-seen order), points at the step times. */
export function resultToSeries(result: EvalResult, grid: Grid): MatrixSeries[] {
  if (result.kind === 'scalar') {
    const points: Point[] = [];
    for (let i = 0; i < grid.steps; i++) points.push({ t: stepTime(grid, i), v: result.values[i] ?? NaN });
    return points.length === 0 ? [] : [{ labels: EMPTY_LABELS, points }];
  }
  if (result.kind !== 'vector') throw internalError(`cannot turn a ${result.kind} into series`);
  // Label sets are mostly the same objects from step to step: look them up by identity first.
  const byIdentity = new Map<Labels, { labels: Labels; points: Point[] }>();
  const byKey = new Map<string, { labels: Labels; points: Point[] }>();
  result.steps.forEach((samples, i) => {
    const t = stepTime(grid, i);
    for (const s of samples) {
      let series = byIdentity.get(s.labels);
      if (series === undefined) {
        const key = labelsKey(s.labels);
        series = byKey.get(key);
        if (series === undefined) {
          series = { labels: s.labels, points: [] };
          byKey.set(key, series);
        }
        byIdentity.set(s.labels, series);
      }
      series.points.push({ t, v: s.v });
    }
  });
  return [...byKey.values()];
}

export function subqueryRange(ctx: EvalContext, node: Subquery, grid: Grid): RangeData {
  const stepMs = node.stepMs ?? ctx.opts.defaultSubqueryStepMs;
  const at = atTimeMs(ctx, node.at);
  const outerStart = at ?? grid.startMs;
  const outerEnd = at ?? grid.endMs;
  const endMs = outerEnd - node.offsetMs;
  const startMs = alignUp(outerStart - node.offsetMs - node.rangeMs, stepMs);
  const base = { rangeMs: node.rangeMs, offsetMs: node.offsetMs, ...(at === undefined ? {} : { fixedEndMs: at }) };
  if (grid.steps === 0 || startMs > endMs) return { ...base, series: [] };
  const inner = makeGrid(startMs, endMs, stepMs);
  return { ...base, series: resultToSeries(ctx.evaluate(node.expr, inner), inner) };
}
