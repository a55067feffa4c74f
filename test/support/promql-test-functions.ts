/**
 * A few PromQL functions for the evaluator's tests, standing in for the real library
 * (src/alerting/promql/functions/index.ts). Only what the tests need, written like Prometheus 2.42's.
 */
import type { FunctionArgument, FunctionImpl, FunctionInput, RangeArgument } from '../../src/alerting/promql/functions/function-api';
import type { Labels, Scalar, Vector, VectorSample } from '../../src/alerting/promql/values';

function dropName(labels: Labels): Labels {
  const out = new Map(labels);
  out.delete('__name__');
  return out;
}

function vectorArg(a: FunctionArgument | undefined): readonly VectorSample[] {
  if (a?.type !== 'vector') throw new Error('expected a vector argument');
  return a.samples;
}

function scalarArg(a: FunctionArgument | undefined): number {
  if (a?.type !== 'scalar') throw new Error('expected a scalar argument');
  return a.v;
}

function rangeArg(a: FunctionArgument | undefined): RangeArgument {
  if (a?.type !== 'range') throw new Error('expected a range argument');
  return a;
}

const vector = (samples: VectorSample[]): Vector => ({ type: 'vector', samples });

function overTime(f: (values: number[]) => number, keepName = false): FunctionImpl {
  return ({ args, timeMs }: FunctionInput) =>
    vector(
      rangeArg(args[0]).series.map((s) => ({
        labels: keepName ? s.labels : dropName(s.labels),
        t: timeMs,
        v: f(s.points.map((p) => p.v)),
      })),
    );
}

export const TEST_FUNCTIONS: ReadonlyMap<string, FunctionImpl> = new Map<string, FunctionImpl>([
  ['abs', ({ args, timeMs }) => vector(vectorArg(args[0]).map((s) => ({ labels: dropName(s.labels), t: timeMs, v: Math.abs(s.v) })))],
  ['time', ({ timeMs }): Scalar => ({ type: 'scalar', t: timeMs, v: timeMs / 1000 })],
  ['vector', ({ args, timeMs }) => vector([{ labels: new Map(), t: timeMs, v: scalarArg(args[0]) }])],
  [
    'scalar',
    ({ args, timeMs }): Scalar => {
      const samples = vectorArg(args[0]);
      return { type: 'scalar', t: timeMs, v: samples.length === 1 ? (samples[0]?.v ?? NaN) : NaN };
    },
  ],
  ['timestamp', ({ args, timeMs }) => vector(vectorArg(args[0]).map((s) => ({ labels: dropName(s.labels), t: timeMs, v: s.t / 1000 })))],
  ['sort', ({ args }) => vector([...vectorArg(args[0])].sort((a, b) => a.v - b.v))],
  ['sum_over_time', overTime((vs) => vs.reduce((a, b) => a + b, 0))],
  ['count_over_time', overTime((vs) => vs.length)],
  ['max_over_time', overTime((vs) => vs.reduce((a, b) => (b > a || Number.isNaN(a) ? b : a)))],
  ['last_over_time', overTime((vs) => vs[vs.length - 1] ?? NaN, true)],
  [
    'absent_over_time',
    ({ args, timeMs }) => (rangeArg(args[0]).series.length > 0 ? vector([]) : vector([{ labels: new Map(), t: timeMs, v: 1 }])),
  ],
  [
    'quantile_over_time',
    ({ args, timeMs }) => {
      const q = scalarArg(args[0]);
      return vector(rangeArg(args[1]).series.map((s) => ({ labels: dropName(s.labels), t: timeMs, v: q * 1000 + s.points.length })));
    },
  ],
]);
