/** scalar, vector, time and timestamp. */
import type { Scalar, Vector } from '../values';
import { scalarArg, vectorArg } from './args';
import type { FunctionImpl } from './function-api';
import { dropMetricName } from './label-set';

/** The only sample's value, or NaN when the vector does not have exactly one sample. */
export const scalar: FunctionImpl = (input): Scalar => {
  const samples = vectorArg(input, 0);
  const only = samples.length === 1 ? samples[0] : undefined;
  return { type: 'scalar', t: input.timeMs, v: only === undefined ? NaN : only.v };
};

export const vector: FunctionImpl = (input): Vector => ({
  type: 'vector',
  samples: [{ labels: new Map(), t: input.timeMs, v: scalarArg(input, 0) }],
});

export const time: FunctionImpl = (input): Scalar => ({ type: 'scalar', t: input.timeMs, v: input.timeMs / 1000 });

/**
 * Each sample's own timestamp in seconds. The evaluator must hand a selector argument's samples over with
 * the time of the stored point (as Prometheus does), and other arguments' samples with the step's time.
 */
export const timestamp: FunctionImpl = (input): Vector => ({
  type: 'vector',
  samples: vectorArg(input, 0).map((s) => ({ labels: dropMetricName(s.labels), t: input.timeMs, v: s.t / 1000 })),
});
