import { inInterval, type Interval } from '../ast';
import type { Tuple } from '../values';
import type { EvalNode } from './node';
import { QueuedNode } from './queued';
import { contains, EMPTY, fromTuples, indexesOf, positive, project, relation, universe, type Rel } from './relation';

/** Common shape of future nodes: the oldest unanswered time point is answered once its window has closed. */
abstract class FutureNode extends QueuedNode {
  constructor(
    left: EvalNode | null,
    right: EvalNode,
    protected readonly interval: Interval,
  ) {
    super(left, right);
  }

  /** The oldest waiting time point can be answered: a known time point lies beyond its window, or the log ended. */
  protected windowClosed(): boolean {
    if (this.known === 0) return false;
    if (this.ended) return true;
    // Timestamps do not decrease: the newest known one decides.
    return (this.stamps[this.known - 1] as number) - (this.stamps[0] as number) > (this.interval.hi as number);
  }

  protected abstract answerOldest(): Rel;

  protected drain(): Rel[] {
    const out: Rel[] = [];
    while (this.windowClosed()) {
      out.push(this.answerOldest());
      if (this.left !== null) this.lefts.shift();
      this.rights.shift();
      this.stamps.shift();
    }
    return out;
  }
}

/** `NEXT I φ`: φ at the next time point, if the gap is in I; false at the last time point of a finished log. */
export class NextNode extends FutureNode {
  readonly vars: readonly string[];
  readonly finite: boolean;

  constructor(child: EvalNode, interval: Interval) {
    super(null, child, interval);
    this.vars = child.vars;
    this.finite = child.finite;
  }

  protected override windowClosed(): boolean {
    return this.known >= 2 || (this.ended && this.known === 1);
  }

  protected answerOldest(): Rel {
    if (this.known < 2) return EMPTY;
    const gap = (this.stamps[1] as number) - (this.stamps[0] as number);
    return inInterval(gap, this.interval) ? (this.rights[1] as Rel) : EMPTY;
  }
}

/**
 * `φ UNTIL I ψ` (and `EVENTUALLY I ψ` with no φ): answered once the window [ts+a, ts+b] is closed, by walking
 * it forward and keeping the tuples for which φ held at every time point before the ψ-witness.
 */
export class UntilNode extends FutureNode {
  readonly vars: readonly string[];
  readonly finite = true;
  private readonly leftAt: number[];

  constructor(left: EvalNode | null, right: EvalNode, interval: Interval) {
    super(left, right, interval);
    this.vars = right.vars;
    this.leftAt = left === null ? [] : indexesOf(right.vars, left.vars);
  }

  protected answerOldest(): Rel {
    const first = this.stamps[0] as number;
    const rows = new Map<string, Tuple>();
    const arity = this.leftAt.length;
    let held: Rel = universe(arity);
    for (let m = 0; m < this.known; m++) {
      const gap = (this.stamps[m] as number) - first;
      if (gap > (this.interval.hi as number)) break;
      if (gap >= this.interval.lo) {
        for (const [k, t] of (this.rights[m] as Rel).rows) if (!rows.has(k) && contains(held, project(t, this.leftAt))) rows.set(k, t);
      }
      if (this.left !== null) held = meet(held, this.lefts[m] as Rel, arity);
      if (!held.neg && held.rows.size === 0) break;
    }
    return positive(rows);
  }
}

/** `ALWAYS I φ`: φ at every time point of the window (every tuple when the window holds none). */
export class AlwaysNode extends FutureNode {
  readonly vars: readonly string[];
  readonly finite: boolean;

  constructor(child: EvalNode, interval: Interval) {
    super(null, child, interval);
    this.vars = child.vars;
    this.finite = child.vars.length === 0;
  }

  protected answerOldest(): Rel {
    const first = this.stamps[0] as number;
    let result: Rel = universe(this.vars.length);
    for (let m = 0; m < this.known; m++) {
      const gap = (this.stamps[m] as number) - first;
      if (gap > (this.interval.hi as number)) break;
      if (gap >= this.interval.lo) result = meet(result, this.rights[m] as Rel, this.vars.length);
    }
    return result;
  }
}

/** Intersection of two relations over the same columns, complements included. */
function meet(a: Rel, b: Rel, arity: number): Rel {
  if (a.neg && b.neg) return relation(true, new Map([...a.rows, ...b.rows]), arity);
  if (!a.neg && !b.neg) return positive(fromTuples([...a.rows].filter(([k]) => b.rows.has(k)).map(([, t]) => t)));
  const [p, c] = a.neg ? [b, a] : [a, b];
  return positive(new Map([...p.rows].filter(([k]) => !c.rows.has(k))));
}
