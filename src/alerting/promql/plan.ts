/**
 * What each vector selector must read to evaluate an expression over [startMs, endMs], as Prometheus
 * 2.42's engine computes it (promql/engine.go getTimeRangesForSelector and subqueryTimes): the lookback
 * for instant selectors, the range for matrix selectors, offsets, `@`, and every enclosing subquery's
 * range and offset. Errs on the generous side (one extra subquery step): reading more is harmless.
 */
import type { AtModifier, Expr, Subquery, VectorSelector } from './ast';
import type { EvalOptions, Selection } from './engine-api';

interface QueryWindow {
  readonly startMs: number;
  readonly endMs: number;
}

function atMs(at: AtModifier, query: QueryWindow): number {
  switch (at.kind) {
    case 'time':
      return at.ms;
    case 'start':
      return query.startMs;
    case 'end':
      return query.endMs;
  }
}

/** Prometheus's subqueryTimes, plus the steps: an `@` on a subquery resets what the outer ones added. */
function subqueryShift(path: readonly Subquery[], query: QueryWindow, opts: EvalOptions) {
  let offsetMs = 0;
  let rangeMs = 0;
  let fixedMs: number | undefined;
  for (const sq of path) {
    const stepMs = sq.stepMs ?? opts.defaultSubqueryStepMs;
    if (sq.at !== undefined) {
      offsetMs = sq.offsetMs;
      rangeMs = sq.rangeMs + stepMs;
      fixedMs = atMs(sq.at, query);
    } else {
      offsetMs += sq.offsetMs;
      rangeMs += sq.rangeMs + stepMs;
    }
  }
  return { offsetMs, rangeMs, fixedMs };
}

function selectionFor(vs: VectorSelector, path: readonly Subquery[], evalRangeMs: number, query: QueryWindow, opts: EvalOptions): Selection {
  const sub = subqueryShift(path, query, opts);
  let startMs = sub.fixedMs ?? query.startMs;
  let endMs = sub.fixedMs ?? query.endMs;
  if (vs.at !== undefined) {
    startMs = endMs = atMs(vs.at, query);
  } else {
    startMs -= sub.offsetMs + sub.rangeMs;
    endMs -= sub.offsetMs;
  }
  startMs -= evalRangeMs === 0 ? opts.lookbackMs : evalRangeMs;
  return { matchers: vs.matchers, startMs: startMs - vs.offsetMs, endMs: endMs - vs.offsetMs };
}

/** For each VectorSelector node of `expr` (by identity), the samples the evaluator needs. */
export function selections(expr: Expr, startMs: number, endMs: number, opts: EvalOptions): Map<VectorSelector, Selection> {
  const query: QueryWindow = { startMs, endMs };
  const out = new Map<VectorSelector, Selection>();
  const visit = (e: Expr, path: readonly Subquery[], evalRangeMs: number): void => {
    switch (e.type) {
      case 'VectorSelector':
        out.set(e, selectionFor(e, path, evalRangeMs, query, opts));
        return;
      case 'MatrixSelector':
        visit(e.vector, path, e.rangeMs);
        return;
      case 'Subquery':
        visit(e.expr, [...path, e], 0);
        return;
      case 'Paren':
      case 'Unary':
        visit(e.expr, path, 0);
        return;
      case 'Binary':
        visit(e.lhs, path, 0);
        visit(e.rhs, path, 0);
        return;
      case 'Aggregate':
        if (e.param !== undefined) visit(e.param, path, 0);
        visit(e.expr, path, 0);
        return;
      case 'Call':
        e.args.forEach((arg) => visit(arg, path, 0));
        return;
      case 'NumberLiteral':
      case 'StringLiteral':
        return;
    }
  };
  visit(expr, [], 0);
  return out;
}
