/**
 * The functions MyMONIT supports, with their argument and return types as Prometheus 2.42 declares them
 * (promql/parser/functions.go). The parser refuses any other function with `bad_data` naming it.
 */
import type { ValueType } from '../ast';
import type { FunctionSignature } from './function-api';

function sig(name: string, argTypes: ValueType[], returnType: ValueType, optionalArgs = 0, variadic = false): FunctionSignature {
  return { name, argTypes, optionalArgs, variadic, returnType };
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

export const FUNCTION_SIGNATURES: ReadonlyMap<string, FunctionSignature> = new Map(
  [
    sig('abs', [V], V),
    sig('absent', [V], V),
    sig('absent_over_time', [M], V),
    sig('avg_over_time', [M], V),
    sig('ceil', [V], V),
    sig('changes', [M], V),
    sig('clamp', [V, S, S], V),
    sig('clamp_max', [V, S], V),
    sig('clamp_min', [V, S], V),
    sig('count_over_time', [M], V),
    sig('delta', [M], V),
    sig('deriv', [M], V),
    sig('floor', [V], V),
    sig('histogram_quantile', [S, V], V),
    sig('idelta', [M], V),
    sig('increase', [M], V),
    sig('irate', [M], V),
    sig('label_join', [V, STR, STR, STR], V, 0, true),
    sig('label_replace', [V, STR, STR, STR, STR], V),
    sig('last_over_time', [M], V),
    sig('max_over_time', [M], V),
    sig('min_over_time', [M], V),
    sig('predict_linear', [M, S], V),
    sig('present_over_time', [M], V),
    sig('quantile_over_time', [S, M], V),
    sig('rate', [M], V),
    sig('resets', [M], V),
    sig('round', [V, S], V, 1),
    sig('scalar', [V], S),
    sig('sort', [V], V),
    sig('sort_desc', [V], V),
    sig('stddev_over_time', [M], V),
    sig('stdvar_over_time', [M], V),
    sig('sum_over_time', [M], V),
    sig('time', [], S),
    sig('timestamp', [V], V),
    sig('vector', [S], V),
  ].map((s) => [s.name, s]),
);
