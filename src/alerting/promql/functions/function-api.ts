/**
 * The contract between the evaluator and the function library. The evaluator evaluates the arguments
 * (a range-vector argument becomes a RangeArgument) and calls the function once per evaluation step.
 */
import type { Expr, ValueType } from '../ast';
import type { MatrixSeries, Scalar, StringValue, Value, Vector } from '../values';

/**
 * A range-vector argument at one step: per series, the points with rangeStartMs <= t <= rangeEndMs
 * (both ends inclusive, Prometheus 2.42's window). For `foo[5m] offset 1m` at step t:
 * rangeEndMs = t - 1m, rangeStartMs = rangeEndMs - 5m (with `@`, relative to the `@` time instead).
 * Series with no point in the window are left out. Labels still include `__name__`.
 */
export interface RangeArgument {
  readonly type: 'range';
  readonly rangeStartMs: number;
  readonly rangeEndMs: number;
  readonly series: readonly MatrixSeries[];
}

export type FunctionArgument = Exclude<Value, { type: 'matrix' }> | RangeArgument;

export interface FunctionInput {
  readonly args: readonly FunctionArgument[];
  /** The arguments' syntax (absent() and absent_over_time() build their labels from the selector's matchers). */
  readonly argExprs: readonly Expr[];
  /** The evaluation time of this step, in ms. */
  readonly timeMs: number;
}

/** Results carry timestamp `timeMs`; functions that drop the metric name do it themselves. */
export type FunctionImpl = (input: FunctionInput) => Vector | Scalar | StringValue;

export interface FunctionSignature {
  readonly name: string;
  readonly argTypes: readonly ValueType[];
  /** How many of the trailing argTypes may be left out (e.g. round's to_nearest: 1). */
  readonly optionalArgs: number;
  /** The last argument type repeats without bound (label_join's source labels). */
  readonly variadic: boolean;
  readonly returnType: ValueType;
}
