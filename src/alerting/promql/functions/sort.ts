/**
 * sort and sort_desc, as Prometheus 2.42 writes them: Go's unstable sort.Sort over a reversed heap order,
 * which puts NaN last in both. The evaluator keeps this order only for instant queries, as Prometheus.
 */
import type { Vector, VectorSample } from '../values';
import { vectorArg } from './args';
import type { FunctionImpl, FunctionInput } from './function-api';
import { goSortArray } from './go-sort';

function sorted(input: FunctionInput, heapLess: (a: number, b: number) => boolean): Vector {
  const samples: VectorSample[] = vectorArg(input, 0).map((s) => ({ labels: s.labels, t: input.timeMs, v: s.v }));
  // sort.Reverse(heap): less(a, b) is the heap's less(b, a).
  goSortArray(samples, (a, b) => heapLess(b.v, a.v));
  return { type: 'vector', samples };
}

// vectorByReverseValueHeap.Less
export const sort: FunctionImpl = (input) => sorted(input, (a, b) => Number.isNaN(a) || a > b);
// vectorByValueHeap.Less
export const sortDesc: FunctionImpl = (input) => sorted(input, (a, b) => Number.isNaN(a) || a < b);
