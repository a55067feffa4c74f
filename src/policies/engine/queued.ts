import type { Database, EvalNode } from './node';
import { loadRel, saveRel, type Rel } from './relation';

/**
 * A temporal node's inputs: its children's answers (`lefts` for φ of SINCE/UNTIL, `rights` for the body or ψ)
 * and the timestamps of the time points it has not answered yet, queued until it can answer them in order.
 */
export abstract class QueuedNode implements EvalNode {
  abstract readonly vars: readonly string[];
  abstract readonly finite: boolean;
  protected lefts: Rel[] = [];
  protected rights: Rel[] = [];
  protected stamps: number[] = [];
  protected ended = false;

  constructor(
    protected readonly left: EvalNode | null,
    protected readonly right: EvalNode,
  ) {}

  get children(): readonly EvalNode[] {
    return this.left === null ? [this.right] : [this.left, this.right];
  }

  step(ts: number, db: Database): Rel[] {
    if (this.left !== null) this.lefts.push(...this.left.step(ts, db));
    this.rights.push(...this.right.step(ts, db));
    this.stamps.push(ts);
    return this.drain();
  }

  end(): Rel[] {
    if (this.left !== null) this.lefts.push(...this.left.end());
    this.rights.push(...this.right.end());
    this.ended = true;
    return this.drain();
  }

  /** How many queued time points (from the oldest) have answers from every child. */
  protected get known(): number {
    return this.left === null ? this.rights.length : Math.min(this.lefts.length, this.rights.length);
  }

  /** Answers what can be answered now, in time-point order, consuming the queues. */
  protected abstract drain(): Rel[];

  /** The node's state beyond its queues. */
  protected saveOwn(): unknown {
    return null;
  }

  protected loadOwn(_state: unknown): void {}

  save(): unknown {
    return { l: this.lefts.map(saveRel), r: this.rights.map(saveRel), s: this.stamps, e: this.ended, o: this.saveOwn() };
  }

  load(state: unknown): void {
    const s = state as { l: unknown[]; r: unknown[]; s: number[]; e: boolean; o: unknown };
    this.lefts = s.l.map(loadRel);
    this.rights = s.r.map(loadRel);
    this.stamps = [...s.s];
    this.ended = s.e;
    this.loadOwn(s.o);
  }
}
