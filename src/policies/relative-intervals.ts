import type { Formula, Interval } from './ast';
import type { Value } from './values';

/** Timestamp offsets relative to the time point being evaluated, closed; null is -∞ (lo) or +∞ (hi). */
export interface RelativeInterval {
  readonly lo: number | null;
  readonly hi: number | null;
}

/** A predicate with its constant arguments (null where the formula has a variable). */
export interface PredicateInterval {
  readonly pred: string;
  readonly mask: readonly (Value | null)[];
  readonly interval: RelativeInterval;
}

/**
 * Where a formula looks, relative to the time point it is evaluated at (Basin et al., "Scalable offline
 * monitoring", and the extension per predicate and constant-argument mask of the MonPoly wrapper thesis):
 * `formula` bounds the timestamps of the time points it needs (empty ones included), each predicate entry the
 * timestamps at which that predicate, with those constants, is evaluated. A predicate's interval is where the
 * atom is evaluated, not widened by the enclosing operators' own windows: those widen `formula` only.
 */
export function relativeIntervals(f: Formula): { formula: RelativeInterval; predicates: PredicateInterval[] } {
  const predicates = new Map<string, PredicateInterval>();
  const walk = (g: Formula, shift: RelativeInterval): RelativeInterval => {
    switch (g.kind) {
      case 'pred': {
        const mask = g.args.map((a) => (a.kind === 'const' ? a.value : null));
        const key = JSON.stringify([g.name, mask]);
        const known = predicates.get(key);
        predicates.set(key, { pred: g.name, mask, interval: known === undefined ? shift : hull(known.interval, shift) });
        return ZERO;
      }
      case 'bool':
      case 'cmp':
        return ZERO;
      case 'not':
      case 'exists':
      case 'forall':
      case 'aggregation':
        return walk(g.arg, shift);
      case 'and':
      case 'or':
      case 'implies':
      case 'equiv':
        return hull(walk(g.left, shift), walk(g.right, shift));
      case 'temporal': {
        const past = g.op === 'PREVIOUS' || g.op === 'ONCE' || g.op === 'HISTORICALLY';
        const window = past ? pastWindow(g.interval) : futureWindow(g.interval);
        return hull(own(g.interval, past), plus(window, walk(g.arg, plus(shift, window))));
      }
      case 'since':
      case 'until': {
        const past = g.kind === 'since';
        const window = past ? pastWindow(g.interval) : futureWindow(g.interval);
        const span = own(g.interval, past);
        const left = plus(span, walk(g.left, plus(shift, span)));
        const right = plus(window, walk(g.right, plus(shift, window)));
        return hull(span, hull(left, right));
      }
    }
  };
  const formula = walk(f, ZERO);
  return { formula, predicates: [...predicates.values()] };
}

const ZERO: RelativeInterval = { lo: 0, hi: 0 };

function pastWindow(i: Interval): RelativeInterval {
  return { lo: i.hi === null ? null : -i.hi, hi: -i.lo };
}

function futureWindow(i: Interval): RelativeInterval {
  return { lo: i.lo, hi: i.hi };
}

/** The time points an operator ranges over: back to -b for a past one, up to +b for a future one. */
function own(i: Interval, past: boolean): RelativeInterval {
  return past ? { lo: i.hi === null ? null : -i.hi, hi: 0 } : { lo: 0, hi: i.hi };
}

function hull(a: RelativeInterval, b: RelativeInterval): RelativeInterval {
  return {
    lo: a.lo === null || b.lo === null ? null : Math.min(a.lo, b.lo),
    hi: a.hi === null || b.hi === null ? null : Math.max(a.hi, b.hi),
  };
}

function plus(a: RelativeInterval, b: RelativeInterval): RelativeInterval {
  return {
    lo: a.lo === null || b.lo === null ? null : a.lo + b.lo,
    hi: a.hi === null || b.hi === null ? null : a.hi + b.hi,
  };
}
