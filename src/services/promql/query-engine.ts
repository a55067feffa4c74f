import { parsePromql, typeOf } from '../../alerting/promql/parse';
import { selections } from '../../alerting/promql/plan';
import { evaluateInstant, evaluateRange } from '../../alerting/promql/evaluate';
import { FUNCTIONS } from '../../alerting/promql/functions';
import type { Expr, LabelMatcher, VectorSelector } from '../../alerting/promql/ast';
import {
  DEFAULT_EVAL_OPTIONS,
  PromqlError,
  type EvalOptions,
  type PromqlEngine,
  type SelectedData,
  type SeriesSource,
} from '../../alerting/promql/engine-api';
import type { Matrix, StoredSeries, Value } from '../../alerting/promql/values';

/** A stack overflow in the recursive evaluation is the expression's nesting: an execution error, not a crash. */
function tooDeep<T>(evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw new PromqlError('execution', 'expression nested too deeply to evaluate');
    throw error;
  }
}

/**
 * The PromQL engine: parse, plan what each selector reads, read it through the caller's (scoped)
 * source, evaluate over plain data. Only the read is I/O; parsing and evaluation are the pure core.
 */
export class QueryEngine implements PromqlEngine {
  async instant(query: string, timeMs: number, source: SeriesSource, options?: Partial<EvalOptions>): Promise<Value> {
    const opts = { ...DEFAULT_EVAL_OPTIONS, ...options };
    const expr = parsePromql(query);
    const data = await read(expr, timeMs, timeMs, source, opts);
    return tooDeep(() => evaluateInstant(expr, timeMs, data, opts, FUNCTIONS));
  }

  async range(
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    source: SeriesSource,
    options?: Partial<EvalOptions>,
  ): Promise<Matrix> {
    const opts = { ...DEFAULT_EVAL_OPTIONS, ...options };
    const expr = parsePromql(query);
    const type = typeOf(expr);
    if (type !== 'scalar' && type !== 'vector') {
      throw new PromqlError('bad_data', `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`);
    }
    const data = await read(expr, startMs, endMs, source, opts);
    return tooDeep(() => evaluateRange(expr, startMs, endMs, stepMs, data, opts, FUNCTIONS));
  }

  parseSelector(text: string): readonly LabelMatcher[] {
    const expr = parsePromql(text, 'selector');
    if (expr.type !== 'VectorSelector') throw new PromqlError('bad_data', 'match[] must be a series selector');
    return expr.matchers;
  }

  check(query: string): PromqlError | undefined {
    try {
      parsePromql(query);
      return undefined;
    } catch (error) {
      if (error instanceof PromqlError) return error;
      throw error;
    }
  }
}

async function read(expr: Expr, startMs: number, endMs: number, source: SeriesSource, opts: EvalOptions): Promise<SelectedData> {
  const plan = selections(expr, startMs, endMs, opts);
  const data = new Map<VectorSelector, readonly StoredSeries[]>();
  // Sequential: one query's selectors share one pool connection's worth of work; parallel reads would let
  // a single query occupy the whole pool.
  for (const [selector, selection] of plan) data.set(selector, await source.select(selection));
  return data;
}
