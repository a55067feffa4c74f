import type { Formula } from './ast';
import { parseFormula } from './formula-parser';
import type { EventInput, TimePointInput } from './log-parser';
import { createMonitor, type Monitor, type MonitorOptions } from './monitor';
import type { Signature } from './signature';
import type { Value } from './values';

/**
 * Where a replay starts loading, in the stored trace (time points 0 .. untilTp-1): the time point `back` time
 * points before the first one whose timestamp is >= `fromTs` (untilTp when there is none), or time point 0 when
 * `fromTs` is null. `back` is 0 unless an unbounded PREVIOUS needs the time point before a timestamp bound
 * (PREVIOUS looks at the neighbouring time point whatever its distance).
 */
export interface ReplayBound {
  readonly fromTs: number | null;
  readonly back: number;
}

/** A predicate with its constant arguments (null where the formula has a variable) and where its events start. */
export interface ReplayPredicate extends ReplayBound {
  readonly pred: string;
  readonly mask: readonly (Value | null)[];
}

/**
 * What a monitor started at a time point must reload (issue 15, "Policy change"): relative to the timestamp
 * `lastTs` of the last time point already stored, where the time points to feed start (empty ones included) and,
 * per predicate and constant-argument mask, where that entry's events start. Everything before is outside the
 * formula's extended relative interval: it cannot change a verdict of a time point from the start on.
 */
export interface ReplayPlan {
  readonly timePointsFromTs: number | null;
  /** See ReplayBound.back. */
  readonly timePointsBack: number;
  readonly predicates: readonly ReplayPredicate[];
}

/**
 * The time points a subformula must be evaluated right at, as an over-approximation of a suffix of the trace:
 * every one from P(T, k) (`k` time points before the first with a timestamp >= T; a negative k is after it),
 * and, when `L` is known, none with a timestamp below L. T null: the whole trace.
 */
interface Position {
  readonly T: number | null;
  readonly k: number;
  readonly L: number | null;
}

const ALL: Position = { T: null, k: 0, L: null };

/** A lower bound of the timestamps of the position's time points, or null when none is known. */
function lower(p: Position): number | null {
  if (p.T === null) return null;
  const fromT = p.k <= 0 ? p.T : null;
  if (p.L === null) return fromT;
  return fromT === null ? p.L : Math.max(p.L, fromT);
}

/** Both sets: the earlier start and the smaller known bound. */
function union(a: Position, b: Position): Position {
  if (a.T === null || b.T === null) return ALL;
  const la = lower(a);
  const lb = lower(b);
  return { T: Math.min(a.T, b.T), k: Math.max(a.k, b.k), L: la === null || lb === null ? null : Math.min(la, lb) };
}

/** A past operator's child: the time points with a timestamp in [ts - hi, ts] for each time point ts of `p`. */
function past(p: Position, hi: number | null): Position {
  const l = lower(p);
  if (hi === null || l === null) return ALL;
  const from = Math.max(0, l - hi);
  return { T: from, k: 0, L: from };
}

/** PREVIOUS's child: the time point before each of `p`'s, and only when the gap is at most `hi`. */
function previous(p: Position, hi: number | null): Position {
  if (p.T === null) return ALL;
  const k = p.k + 1;
  const l = lower(p);
  const candidates = [k <= 0 ? p.T : null, hi !== null && l !== null ? Math.max(0, l - hi) : null].filter((x): x is number => x !== null);
  return { T: p.T, k, L: candidates.length === 0 ? null : Math.max(...candidates) };
}

/** A future operator's child: time points from each of `p`'s on, with a timestamp at least `lo` later. */
function future(p: Position, lo: number): Position {
  if (p.T === null) return ALL;
  const l = lower(p);
  return { T: p.T, k: p.k, L: l === null ? null : l + lo };
}

function boundOf(p: Position): ReplayBound {
  if (p.T === null) return { fromTs: null, back: 0 };
  const l = lower(p);
  if (l !== null) return { fromTs: Math.max(0, l), back: 0 };
  return { fromTs: p.T, back: Math.max(0, p.k) };
}

/**
 * The replay plan of a formula for a monitor that starts at the time point after the stored one with timestamp
 * `lastTs`: the extended relative interval of the formula (Basin et al.; per predicate and constant mask as in
 * the MonPoly wrapper thesis), made absolute. Each subformula's time points are tracked as a suffix of the
 * trace: a past operator [a,b] moves it back by b seconds, a future one keeps it (its window is still to come),
 * PREVIOUS moves it back by one time point, and by at most b seconds when bounded; an unbounded past operator
 * needs everything. The root is evaluated from the time point after lastTs's, so a PREVIOUS at the root looks at
 * the time point with timestamp lastTs itself.
 */
export function planReplay(formula: string | Formula, options: MonitorOptions, lastTs: number): ReplayPlan {
  if (!Number.isSafeInteger(lastTs) || lastTs < 0) throw new RangeError(`lastTs ${String(lastTs)} is not a non-negative integer`);
  void options; // negate adds a NOT: it changes no time point a subformula looks at
  const parsed = typeof formula === 'string' ? parseFormula(formula) : formula;
  const predicates = new Map<string, { pred: string; mask: (Value | null)[]; at: Position }>();
  // The root: every time point after the last stored one; they follow the first with timestamp lastTs (k = -1).
  let fed: Position = { T: lastTs, k: -1, L: lastTs };
  const walk = (g: Formula, at: Position): void => {
    fed = union(fed, at);
    switch (g.kind) {
      case 'pred': {
        const mask = g.args.map((a) => (a.kind === 'const' ? a.value : null));
        const key = JSON.stringify([g.name, mask]);
        const known = predicates.get(key);
        predicates.set(key, { pred: g.name, mask, at: known === undefined ? at : union(known.at, at) });
        return;
      }
      case 'bool':
      case 'cmp':
        return;
      case 'not':
      case 'exists':
      case 'forall':
      case 'aggregation':
        return walk(g.arg, at);
      case 'and':
      case 'or':
      case 'implies':
      case 'equiv':
        walk(g.left, at);
        return walk(g.right, at);
      case 'temporal':
        switch (g.op) {
          case 'PREVIOUS':
            return walk(g.arg, previous(at, g.interval.hi));
          case 'ONCE':
          case 'HISTORICALLY':
            return walk(g.arg, past(at, g.interval.hi));
          case 'NEXT':
          case 'EVENTUALLY':
          case 'ALWAYS':
            return walk(g.arg, future(at, g.interval.lo));
        }
        return;
      case 'since':
        walk(g.left, past(at, g.interval.hi));
        return walk(g.right, past(at, g.interval.hi));
      case 'until':
        walk(g.left, future(at, 0));
        return walk(g.right, future(at, g.interval.lo));
    }
  };
  walk(parsed, fed);
  const timePoints = boundOf(fed);
  return {
    timePointsFromTs: timePoints.fromTs,
    timePointsBack: timePoints.back,
    predicates: [...predicates.values()].map((p) => ({ pred: p.pred, mask: p.mask, ...boundOf(p.at) })),
  };
}

/** The first time point of `trace` (indexes 0 .. untilTp-1) a bound designates; `tsAt(tp)` gives timestamps. */
export function resolveBound(bound: ReplayBound, untilTp: number, firstAtOrAfter: (ts: number) => number): number {
  if (bound.fromTs === null) return 0;
  return Math.max(0, Math.min(untilTp, firstAtOrAfter(bound.fromTs)) - bound.back);
}

/** Whether an event's arguments have the mask's constants (null: any value). */
export function matchesMask(args: readonly Value[], mask: readonly (Value | null)[]): boolean {
  // An event of another arity (stored under an older signature) is kept: the new monitor refuses it and the change
  // is a 400, as for another type; dropped here, the change was accepted with those events silently left out.
  return mask.length !== args.length || mask.every((m, i) => m === null || m === args[i]);
}

export type LoadedTimePoint = TimePointInput & { readonly tp: number };

/**
 * The replay of a stored trace in memory, exactly as the database reader loads it: the time points from the
 * plan's bound up to untilTp (exclusive), each with its events (in order) that match an entry of the plan whose
 * bound the time point has reached. `trace[i]` is time point i.
 */
export function selectReplay(
  plan: ReplayPlan,
  trace: readonly TimePointInput[],
  untilTp: number,
): { timePoints: LoadedTimePoint[]; replayedEvents: number; storedEvents: number } {
  const firstAtOrAfter = (ts: number): number => {
    let lo = 0;
    let hi = untilTp;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((trace[mid] as TimePointInput).ts >= ts) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const from = resolveBound({ fromTs: plan.timePointsFromTs, back: plan.timePointsBack }, untilTp, firstAtOrAfter);
  const entries = plan.predicates.map((p) => ({ ...p, fromTp: Math.max(from, resolveBound(p, untilTp, firstAtOrAfter)) }));
  let replayedEvents = 0;
  let storedEvents = 0;
  const timePoints: LoadedTimePoint[] = [];
  for (let tp = 0; tp < untilTp; tp++) {
    const point = trace[tp] as TimePointInput;
    storedEvents += point.events.length;
    if (tp < from) continue;
    const events: EventInput[] = point.events.filter((e) => entries.some((p) => p.pred === e.pred && tp >= p.fromTp && matchesMask(e.args, p.mask)));
    replayedEvents += events.length;
    timePoints.push({ tp, ts: point.ts, events });
  }
  return { timePoints, replayedEvents, storedEvents };
}

/**
 * A monitor of `formula` that continues a trace whose time points from `loaded[0].tp` on were stored: it is fed
 * the loaded time points (consecutive, numbered as in the whole trace) without answering their verdicts, and
 * answers from time point `startTp` on, numbered as in the whole trace. Verdicts of time points before startTp
 * that were still waiting for their future window are never answered (they belonged to the previous monitor).
 */
export function startMonitorFromReplay(
  signature: Signature,
  formula: string | Formula,
  options: MonitorOptions,
  loaded: readonly LoadedTimePoint[],
  startTp: number,
): Monitor {
  const first = loaded[0]?.tp ?? startTp;
  loaded.forEach((p, i) => {
    if (p.tp !== first + i) throw new RangeError(`the loaded time points are not consecutive: ${p.tp} follows ${first + i - 1}`);
  });
  if (first + loaded.length !== startTp) throw new RangeError(`the loaded time points end at ${first + loaded.length}, not at the start ${startTp}`);
  const monitor = createMonitor(signature, formula, { ...options, firstTimePoint: first, answerFrom: startTp });
  const silent = monitor.pushAll(loaded.map((p) => ({ ts: p.ts, events: p.events })));
  if (silent.length !== 0) throw new Error('a replayed time point was answered');
  return monitor;
}
