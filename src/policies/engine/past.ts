import { inInterval, type Interval } from '../ast';
import { tupleKey, type Tuple } from '../values';
import type { EvalNode } from './node';
import { QueuedNode } from './queued';
import { contains, EMPTY, indexesOf, loadRel, loadTuple, positive, project, saveRel, saveTuple, universe, unlessUnchanged, type Rel } from './relation';

/** `PREVIOUS I φ`: φ one time point back, if the timestamp gap is in I; false at time point 0. */
export class PrevNode extends QueuedNode {
  readonly vars: readonly string[];
  readonly finite: boolean;
  private output = 0;
  private previousTs = 0;

  constructor(
    child: EvalNode,
    private readonly interval: Interval,
  ) {
    super(null, child);
    this.vars = child.vars;
    this.finite = child.finite;
  }

  protected drain(): Rel[] {
    const out: Rel[] = [];
    for (;;) {
      if (this.output === 0) {
        if (this.stamps.length === 0) break;
        out.push(EMPTY);
        this.previousTs = this.stamps.shift() as number;
        this.output = 1;
        continue;
      }
      // rights[0] is φ at time point output-1, stamps[0] the timestamp of time point output
      if (this.rights.length === 0 || this.stamps.length === 0) break;
      const body = this.rights.shift() as Rel;
      const ts = this.stamps.shift() as number;
      out.push(inInterval(ts - this.previousTs, this.interval) ? body : EMPTY);
      this.previousTs = ts;
      this.output++;
    }
    return out;
  }

  protected override saveOwn(): unknown {
    return [this.output, this.previousTs];
  }

  protected override loadOwn(state: unknown): void {
    [this.output, this.previousTs] = state as [number, number];
  }
}

interface Alive {
  readonly tuple: Tuple;
  /** Timestamps of ψ-witnesses still valid (φ held since), ascending; only the newest old-enough one is kept. */
  occurrences: number[];
}

/**
 * `φ SINCE I ψ` (and `ONCE I ψ` with no φ). Per tuple of ψ, the timestamps of its witnesses for which φ has held
 * at every later time point: witnesses too old for I are dropped, and of those already old enough only the newest
 * is kept, so the state is bounded by I's width (and is one timestamp per tuple for an unbounded I).
 */
export class SinceNode extends QueuedNode {
  readonly vars: readonly string[];
  readonly finite = true;
  private alive = new Map<string, Alive>();
  private readonly leftAt: number[];
  private previous: Rel | null = null;

  constructor(
    left: EvalNode | null,
    right: EvalNode,
    private readonly interval: Interval,
  ) {
    super(left, right);
    this.vars = right.vars;
    this.leftAt = left === null ? [] : indexesOf(right.vars, left.vars);
  }

  protected drain(): Rel[] {
    const out: Rel[] = [];
    while (this.known > 0) {
      const l = this.left === null ? null : (this.lefts.shift() as Rel);
      out.push(this.advance(l, this.rights.shift() as Rel, this.stamps.shift() as number));
    }
    return out;
  }

  private advance(l: Rel | null, r: Rel, ts: number): Rel {
    if (l !== null) {
      for (const [k, a] of this.alive) if (!contains(l, project(a.tuple, this.leftAt))) this.alive.delete(k);
    }
    for (const [k, t] of r.rows) {
      const a = this.alive.get(k);
      if (a === undefined) this.alive.set(k, { tuple: t, occurrences: [ts] });
      else if (a.occurrences[a.occurrences.length - 1] !== ts) a.occurrences.push(ts);
    }
    const { lo, hi } = this.interval;
    const rows = new Map<string, Tuple>();
    for (const [k, a] of this.alive) {
      const occ = a.occurrences;
      if (hi !== null) {
        let drop = 0;
        while (drop < occ.length && ts - (occ[drop] as number) > hi) drop++;
        if (drop > 0) occ.splice(0, drop);
      }
      let older = 0;
      while (older + 1 < occ.length && ts - (occ[older + 1] as number) >= lo) older++;
      if (older > 0) occ.splice(0, older);
      if (occ.length === 0) {
        this.alive.delete(k);
        continue;
      }
      if (ts - (occ[0] as number) >= lo) rows.set(k, a.tuple);
    }
    return (this.previous = unlessUnchanged(this.previous, positive(rows)));
  }

  protected override saveOwn(): unknown {
    return [...this.alive.values()].map((a) => [saveTuple(a.tuple), a.occurrences]);
  }

  protected override loadOwn(state: unknown): void {
    this.alive = new Map(
      (state as [unknown, number[]][]).map(([t, occ]) => {
        const tuple = loadTuple(t);
        return [tupleKey(tuple), { tuple, occurrences: [...occ] }];
      }),
    );
  }
}

/**
 * `HISTORICALLY I φ`: φ at every time point whose timestamp lies in I back from now (vacuously true, i.e. every
 * tuple, when there is none). For each tuple of the newest time point in the window, the index where its run of
 * consecutive presence began: it holds when that run covers the oldest time point of the window.
 */
export class HistoricallyNode extends QueuedNode {
  readonly vars: readonly string[];
  readonly finite: boolean;
  private count = 0;
  /** Time points not yet old enough to be in the window (ts(now) - ts < lo). */
  private pending: { idx: number; ts: number; rel: Rel }[] = [];
  /** Time points in the window, oldest first (only the oldest is needed when I is unbounded). */
  private window: { idx: number; ts: number }[] = [];
  private runs = new Map<string, { tuple: Tuple; start: number }>();
  private previous: Rel | null = null;

  constructor(
    child: EvalNode,
    private readonly interval: Interval,
  ) {
    super(null, child);
    this.vars = child.vars;
    this.finite = child.vars.length === 0;
  }

  protected drain(): Rel[] {
    const out: Rel[] = [];
    while (this.rights.length > 0) out.push(this.advance(this.rights.shift() as Rel, this.stamps.shift() as number));
    return out;
  }

  private advance(rel: Rel, ts: number): Rel {
    const { lo, hi } = this.interval;
    this.pending.push({ idx: this.count++, ts, rel });
    while (this.pending.length > 0 && ts - (this.pending[0] as { ts: number }).ts >= lo) {
      const p = this.pending.shift() as { idx: number; ts: number; rel: Rel };
      const runs = new Map<string, { tuple: Tuple; start: number }>();
      for (const [k, t] of p.rel.rows) runs.set(k, { tuple: t, start: this.runs.get(k)?.start ?? p.idx });
      this.runs = runs;
      if (hi !== null || this.window.length === 0) this.window.push({ idx: p.idx, ts: p.ts });
    }
    if (hi !== null) while (this.window.length > 0 && ts - (this.window[0] as { ts: number }).ts > hi) this.window.shift();
    const oldest = this.window[0];
    if (oldest === undefined) return universe(this.vars.length);
    const rows = new Map<string, Tuple>();
    for (const [k, r] of this.runs) if (r.start <= oldest.idx) rows.set(k, r.tuple);
    return (this.previous = unlessUnchanged(this.previous, positive(rows)));
  }

  protected override saveOwn(): unknown {
    return {
      c: this.count,
      p: this.pending.map((p) => [p.idx, p.ts, saveRel(p.rel)]),
      w: this.window.map((w) => [w.idx, w.ts]),
      r: [...this.runs.values()].map((r) => [saveTuple(r.tuple), r.start]),
    };
  }

  protected override loadOwn(state: unknown): void {
    const s = state as { c: number; p: [number, number, unknown][]; w: [number, number][]; r: [unknown, number][] };
    this.count = s.c;
    this.pending = s.p.map(([idx, ts, rel]) => ({ idx, ts, rel: loadRel(rel) }));
    this.window = s.w.map(([idx, ts]) => ({ idx, ts }));
    this.runs = new Map(
      s.r.map(([t, start]) => {
        const tuple = loadTuple(t);
        return [tupleKey(tuple), { tuple, start }];
      }),
    );
  }
}
