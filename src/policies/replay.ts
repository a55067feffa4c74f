import type { Formula } from './ast';
import type { Monitor, MonitorOptions } from './monitor';
import type { Signature } from './signature';
import type { TimePointInput } from './log-parser';
import type { Value } from './values';

/**
 * What a monitor started at a time point must reload (issue 15, "Policy change"): relative to the timestamp
 * `lastTs` of the last time point already stored, the lower bound of the time points to load (null: all) and,
 * per predicate and constant-argument mask, the lower bound of that entry's events (null: all).
 * TO BE IMPLEMENTED (helper P2).
 */
export interface ReplayPlan {
  readonly timePointsFromTs: number | null;
  readonly predicates: readonly { readonly pred: string; readonly mask: readonly (Value | null)[]; readonly fromTs: number | null }[];
}

export function planReplay(_formula: string | Formula, _options: MonitorOptions, _lastTs: number): ReplayPlan {
  throw new Error('planReplay: not implemented yet');
}

/**
 * A monitor of `formula` that continues a trace whose time points from `firstTp` on were stored: it is fed the
 * loaded time points (numbered from `firstTp`) without answering their verdicts, and answers from time point
 * `startTp` on, numbered as in the whole trace.
 * TO BE IMPLEMENTED (helper P2).
 */
export function startMonitorFromReplay(
  _signature: Signature,
  _formula: string | Formula,
  _options: MonitorOptions,
  _loaded: readonly (TimePointInput & { readonly tp: number })[],
  _startTp: number,
): Monitor {
  throw new Error('startMonitorFromReplay: not implemented yet');
}
