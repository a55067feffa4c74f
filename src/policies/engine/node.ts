import type { Tuple } from '../values';
import { loadRel, saveRel, type Rel } from './relation';

/** The events of one time point, by predicate. */
export type Database = ReadonlyMap<string, readonly Tuple[]>;

/**
 * One subformula under evaluation. Every node sees every time point in order (`step`) and answers the
 * relations of the time points it has completed since, in order: a past subformula answers at once, a future
 * one once its window has closed. `end` says no time point will follow (MonPoly's end of log).
 */
export interface EvalNode {
  /** The columns of the answered relations. */
  readonly vars: readonly string[];
  /** True when every answer is a finite (positive) relation; false when it may be a complement. */
  readonly finite: boolean;
  readonly children: readonly EvalNode[];
  step(ts: number, db: Database): Rel[];
  end(): Rel[];
  /** The node's own state (children save theirs), as plain JSON. */
  save(): unknown;
  load(state: unknown): void;
}

/** Two children's answers wait in queues until both have answered the same time point. */
export abstract class BinaryNode implements EvalNode {
  abstract readonly vars: readonly string[];
  abstract readonly finite: boolean;
  protected leftQueue: Rel[] = [];
  protected rightQueue: Rel[] = [];
  /** The last inputs and answer: the same inputs (by identity) give the same answer without recomputing. */
  private memo: { l: Rel; r: Rel; out: Rel } | null = null;

  constructor(
    protected readonly left: EvalNode,
    protected readonly right: EvalNode,
  ) {}

  get children(): readonly EvalNode[] {
    return [this.left, this.right];
  }

  protected abstract combine(l: Rel, r: Rel): Rel;

  step(ts: number, db: Database): Rel[] {
    this.leftQueue.push(...this.left.step(ts, db));
    this.rightQueue.push(...this.right.step(ts, db));
    return this.drain();
  }

  end(): Rel[] {
    this.leftQueue.push(...this.left.end());
    this.rightQueue.push(...this.right.end());
    return this.drain();
  }

  private drain(): Rel[] {
    const out: Rel[] = [];
    while (this.leftQueue.length > 0 && this.rightQueue.length > 0) {
      const l = this.leftQueue.shift() as Rel;
      const r = this.rightQueue.shift() as Rel;
      if (this.memo === null || this.memo.l !== l || this.memo.r !== r) this.memo = { l, r, out: this.combine(l, r) };
      out.push(this.memo.out);
    }
    return out;
  }

  save(): unknown {
    return { l: this.leftQueue.map(saveRel), r: this.rightQueue.map(saveRel) };
  }

  load(state: unknown): void {
    const s = state as { l: unknown[]; r: unknown[] };
    this.leftQueue = s.l.map(loadRel);
    this.rightQueue = s.r.map(loadRel);
  }
}
