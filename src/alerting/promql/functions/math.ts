/** abs, ceil, floor, round and the clamps: value functions that drop the metric name. */
import type { Vector } from '../values';
import { scalarArg, vectorArg } from './args';
import type { FunctionImpl, FunctionInput } from './function-api';
import { dropMetricName } from './label-set';

function mapValues(input: FunctionInput, f: (v: number) => number): Vector {
  return {
    type: 'vector',
    samples: vectorArg(input, 0).map((s) => ({ labels: dropMetricName(s.labels), t: input.timeMs, v: f(s.v) })),
  };
}

export const abs: FunctionImpl = (input) => mapValues(input, Math.abs);
export const ceil: FunctionImpl = (input) => mapValues(input, Math.ceil);
export const floor: FunctionImpl = (input) => mapValues(input, Math.floor);

export const round: FunctionImpl = (input) => {
  const toNearest = input.args.length >= 2 ? scalarArg(input, 1) : 1;
  // Prometheus divides by the inverse: it causes fewer floating point accuracy issues. Ties round up.
  const toNearestInverse = 1.0 / toNearest;
  return mapValues(input, (v) => Math.floor(v * toNearestInverse + 0.5) / toNearestInverse);
};

export const clamp: FunctionImpl = (input) => {
  const min = scalarArg(input, 1);
  const max = scalarArg(input, 2);
  if (max < min) {
    return { type: 'vector', samples: [] };
  }
  return mapValues(input, (v) => Math.max(min, Math.min(max, v)));
};

export const clampMax: FunctionImpl = (input) => {
  const max = scalarArg(input, 1);
  return mapValues(input, (v) => Math.min(max, v));
};

export const clampMin: FunctionImpl = (input) => {
  const min = scalarArg(input, 1);
  return mapValues(input, (v) => Math.max(min, v));
};
