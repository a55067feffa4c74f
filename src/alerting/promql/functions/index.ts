/** The PromQL function library: one implementation per function of FUNCTION_SIGNATURES. */
import { absent, absentOverTime } from './absent';
import type { FunctionImpl } from './function-api';
import { histogramQuantile } from './histogram';
import { labelJoin, labelReplace } from './labels';
import { abs, ceil, clamp, clampMax, clampMin, floor, round } from './math';
import { scalar, time, timestamp, vector } from './misc';
import {
  avgOverTime,
  countOverTime,
  lastOverTime,
  maxOverTime,
  minOverTime,
  presentOverTime,
  quantileOverTime,
  stddevOverTime,
  stdvarOverTime,
  sumOverTime,
} from './over-time';
import { changes, delta, idelta, increase, irate, rate, resets } from './range';
import { deriv, predictLinear } from './regression';
import { sort, sortDesc } from './sort';

export { dropMetricName } from './label-set';
export { formatGoFloat } from './go-float';

export const FUNCTIONS: ReadonlyMap<string, FunctionImpl> = new Map<string, FunctionImpl>([
  ['abs', abs],
  ['absent', absent],
  ['absent_over_time', absentOverTime],
  ['avg_over_time', avgOverTime],
  ['ceil', ceil],
  ['changes', changes],
  ['clamp', clamp],
  ['clamp_max', clampMax],
  ['clamp_min', clampMin],
  ['count_over_time', countOverTime],
  ['delta', delta],
  ['deriv', deriv],
  ['floor', floor],
  ['histogram_quantile', histogramQuantile],
  ['idelta', idelta],
  ['increase', increase],
  ['irate', irate],
  ['label_join', labelJoin],
  ['label_replace', labelReplace],
  ['last_over_time', lastOverTime],
  ['max_over_time', maxOverTime],
  ['min_over_time', minOverTime],
  ['predict_linear', predictLinear],
  ['present_over_time', presentOverTime],
  ['quantile_over_time', quantileOverTime],
  ['rate', rate],
  ['resets', resets],
  ['round', round],
  ['scalar', scalar],
  ['sort', sort],
  ['sort_desc', sortDesc],
  ['stddev_over_time', stddevOverTime],
  ['stdvar_over_time', stdvarOverTime],
  ['sum_over_time', sumOverTime],
  ['time', time],
  ['timestamp', timestamp],
  ['vector', vector],
]);
