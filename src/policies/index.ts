/** The MFOTL engine: MonPoly's languages and an incremental monitor, pure (no I/O). */
export type { Formula, Interval, Term } from './ast';
export { PolicyEventError, PolicyNotMonitorableError, PolicySyntaxError, PolicyTypeError, type SourcePosition } from './errors';
export { parseFormula } from './formula-parser';
export { parseLog, type EventInput, type ParsedTimePoint, type TimePointInput } from './log-parser';
export { createMonitor, restoreMonitor, type Monitor, type MonitorOptions, type MonitorSnapshot } from './monitor';
export { runLog, type RunLogOptions } from './run-log';
export { parseSignature, type PredicateSignature, type Signature } from './signature';
export { formatVerdict, type Verdict } from './verdict-format';
export type { Tuple, Value, ValueType } from './values';
export { relativeIntervals, type PredicateInterval, type RelativeInterval } from './relative-intervals';
export {
  matchesMask,
  planReplay,
  resolveBound,
  selectReplay,
  startMonitorFromReplay,
  type LoadedTimePoint,
  type ReplayBound,
  type ReplayPlan,
  type ReplayPredicate,
} from './replay';
