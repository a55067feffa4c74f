/**
 * Selectors. Instant vector selector at step t (Prometheus 2.42, vectorSelectorSingle): per series, the
 * latest sample with ref - lookback <= ts <= ref where ref = (@ time, or t) - offset; both ends inclusive
 * in 2.42 (Prometheus 3 made the start exclusive). The sample takes the step's timestamp. Prometheus also
 * ends a series early at a stale marker (NaN with bits 0x7ff0000000000002); MyMONIT never stores stale
 * markers, so only the lookback applies. Each series keeps a cursor that only moves forward with the steps.
 */
import type { MatrixSelector, VectorSelector } from '../ast';
import type { Point } from '../values';
import { atTimeMs, emptySteps, stepTime } from './context';
import type { EvalContext, Grid, RangeData, StepVectors } from './context';

/** `actualTimestamps`: samples keep their own time (timestamp(selector), as Prometheus special-cases it). */
export function evalVectorSelector(ctx: EvalContext, node: VectorSelector, grid: Grid, actualTimestamps = false): StepVectors {
  const steps = emptySteps(grid);
  const at = atTimeMs(ctx, node.at);
  const lookback = ctx.opts.lookbackMs;
  for (const series of ctx.seriesOf(node)) {
    const points = series.points;
    let last: Point | undefined;
    let next = 0;
    for (let i = 0; i < grid.steps; i++) {
      const t = stepTime(grid, i);
      const ref = (at ?? t) - node.offsetMs;
      for (let p = points[next]; p !== undefined && p.t <= ref; p = points[next]) {
        last = p;
        next++;
      }
      if (last === undefined || last.t < ref - lookback) continue;
      steps[i]?.push({ labels: series.labels, t: actualTimestamps ? last.t : t, v: last.v });
    }
  }
  return steps;
}

export function matrixSelectorRange(ctx: EvalContext, node: MatrixSelector): RangeData {
  const fixedEndMs = atTimeMs(ctx, node.vector.at);
  return {
    series: ctx.seriesOf(node.vector),
    rangeMs: node.rangeMs,
    offsetMs: node.vector.offsetMs,
    ...(fixedEndMs === undefined ? {} : { fixedEndMs }),
  };
}

/** The points of one series inside successive windows whose bounds never move backwards. */
export class WindowCursor {
  private lo = 0;
  private hi = 0;

  constructor(private readonly points: readonly Point[]) {}

  window(startMs: number, endMs: number): readonly Point[] {
    const points = this.points;
    while (this.lo < points.length && (points[this.lo]?.t ?? Infinity) < startMs) this.lo++;
    if (this.hi < this.lo) this.hi = this.lo;
    while (this.hi < points.length && (points[this.hi]?.t ?? Infinity) <= endMs) this.hi++;
    return this.lo === this.hi ? [] : points.slice(this.lo, this.hi);
  }
}
