import { tupleKey, type Tuple, type Value } from '../values';
import { BinaryNode, type Database, type EvalNode } from './node';
import { complement, contains, EMPTY, indexesOf, positive, project, relation, subset, universe, type Rel } from './relation';

/** An argument of an atom: a column of the answer (the variable's index) or a constant to match. */
export type AtomArgument = { readonly kind: 'var'; readonly index: number } | { readonly kind: 'const'; readonly value: Value };

/** A node without children or state: its answer at a time point depends on that time point only. */
abstract class LeafNode implements EvalNode {
  abstract readonly vars: readonly string[];
  readonly finite = true;
  readonly children: readonly EvalNode[] = [];

  abstract step(ts: number, db: Database): Rel[];

  end(): Rel[] {
    return [];
  }

  save(): unknown {
    return null;
  }

  load(): void {}
}

/** `p(x, 3, x)`: the events of p that match the constants and repeated variables, as tuples over the variables. */
export class PredNode extends LeafNode {
  constructor(
    readonly name: string,
    private readonly args: readonly AtomArgument[],
    readonly vars: readonly string[],
  ) {
    super();
  }

  step(_ts: number, db: Database): Rel[] {
    const events = db.get(this.name);
    if (events === undefined) return [EMPTY];
    const rows = new Map<string, Tuple>();
    const simple = this.args.every((a, i) => a.kind === 'var' && a.index === i) && this.args.length === this.vars.length;
    for (const event of events) {
      if (simple) {
        rows.set(tupleKey(event), event);
        continue;
      }
      const out = new Array<Value | undefined>(this.vars.length);
      let matches = true;
      for (let i = 0; i < this.args.length && matches; i++) {
        const arg = this.args[i] as AtomArgument;
        const value = event[i] as Value;
        if (arg.kind === 'const') matches = arg.value === value;
        else if (out[arg.index] === undefined) out[arg.index] = value;
        else matches = out[arg.index] === value;
      }
      if (matches) rows.set(tupleKey(out as Value[]), out as Value[]);
    }
    return [positive(rows)];
  }
}

/** A subformula whose value never changes: TRUE, FALSE, a closed comparison, `x = 3`. */
export class ConstNode extends LeafNode {
  constructor(
    private readonly value: Rel,
    readonly vars: readonly string[],
  ) {
    super();
  }

  step(): Rel[] {
    return [this.value];
  }
}

/** A node with one child whose answers it maps one to one. */
abstract class MapNode implements EvalNode {
  abstract readonly vars: readonly string[];
  abstract readonly finite: boolean;

  constructor(protected readonly child: EvalNode) {}

  get children(): readonly EvalNode[] {
    return [this.child];
  }

  private memo: { input: Rel; out: Rel } | null = null;

  protected abstract map(r: Rel): Rel;

  step(ts: number, db: Database): Rel[] {
    return this.child.step(ts, db).map((r) => this.cached(r));
  }

  end(): Rel[] {
    return this.child.end().map((r) => this.cached(r));
  }

  /** The same input (by identity) as last time gives the same answer without recomputing. */
  private cached(input: Rel): Rel {
    if (this.memo === null || this.memo.input !== input) this.memo = { input, out: this.map(input) };
    return this.memo.out;
  }

  save(): unknown {
    return null;
  }

  load(): void {}
}

export class NotNode extends MapNode {
  readonly vars: readonly string[];
  readonly finite: boolean;

  constructor(child: EvalNode) {
    super(child);
    this.vars = child.vars;
    this.finite = child.vars.length === 0;
  }

  protected map(r: Rel): Rel {
    return complement(r, this.vars.length);
  }
}

/** `∃ xs. φ`: projection; the complement of a finite set projected along an infinite domain is everything. */
export class ExistsNode extends MapNode {
  readonly vars: readonly string[];
  readonly finite: boolean;
  private readonly keep: number[];

  constructor(child: EvalNode, bound: readonly string[]) {
    super(child);
    this.vars = child.vars.filter((v) => !bound.includes(v));
    this.keep = indexesOf(child.vars, this.vars);
    this.finite = child.finite || this.vars.length === 0;
  }

  protected map(r: Rel): Rel {
    if (this.keep.length === this.child.vars.length) return r;
    if (r.neg) return universe(this.vars.length);
    const rows = new Map<string, Tuple>();
    for (const t of r.rows.values()) {
      const p = project(t, this.keep);
      rows.set(tupleKey(p), p);
    }
    return positive(rows);
  }
}

/** `φ AND c` where c is a comparison over φ's variables: keeps φ's tuples that satisfy c. */
export class FilterNode extends MapNode {
  readonly vars: readonly string[];
  readonly finite = true;

  constructor(
    child: EvalNode,
    private readonly test: (t: Tuple) => boolean,
  ) {
    super(child);
    this.vars = child.vars;
  }

  protected map(r: Rel): Rel {
    const rows = new Map<string, Tuple>();
    for (const [k, t] of r.rows) if (this.test(t)) rows.set(k, t);
    return positive(rows);
  }
}

/** `φ AND x = t` where t is computed from φ's variables: each tuple is extended with x's value. */
export class AssignNode extends MapNode {
  readonly vars: readonly string[];
  readonly finite = true;

  constructor(
    child: EvalNode,
    variable: string,
    private readonly compute: (t: Tuple) => Value | undefined,
  ) {
    super(child);
    this.vars = [...child.vars, variable];
  }

  protected map(r: Rel): Rel {
    const rows = new Map<string, Tuple>();
    for (const t of r.rows.values()) {
      const v = this.compute(t);
      if (v === undefined) continue;
      const out = [...t, v];
      rows.set(tupleKey(out), out);
    }
    return positive(rows);
  }
}

/**
 * Conjunction. Finite with finite: natural join. A finite side filters by the other side when the other's
 * variables are among its own (`φ AND NOT ψ`). Two complements over the same variables: complement of the union.
 */
export class AndNode extends BinaryNode {
  readonly vars: readonly string[];
  readonly finite: boolean;
  private readonly rightInLeft: number[] | null;
  private readonly leftInRight: number[] | null;
  private readonly fromRight: number[];
  private readonly common: { l: number[]; r: number[] };
  private readonly rightExtra: number[];

  constructor(left: EvalNode, right: EvalNode) {
    super(left, right);
    this.vars = [...left.vars, ...right.vars.filter((v) => !left.vars.includes(v))];
    this.finite = left.finite || right.finite;
    this.rightInLeft = subset(right.vars, left.vars) ? indexesOf(left.vars, right.vars) : null;
    this.leftInRight = subset(left.vars, right.vars) ? indexesOf(right.vars, left.vars) : null;
    this.fromRight = indexesOf(right.vars, this.vars);
    const shared = left.vars.filter((v) => right.vars.includes(v));
    this.common = { l: indexesOf(left.vars, shared), r: indexesOf(right.vars, shared) };
    this.rightExtra = indexesOf(right.vars, right.vars.filter((v) => !left.vars.includes(v)));
  }

  protected combine(l: Rel, r: Rel): Rel {
    if (!l.neg && this.rightInLeft !== null) return this.filter(l, r, this.rightInLeft, null);
    if (!r.neg && this.leftInRight !== null) return this.filter(r, l, this.leftInRight, this.fromRight);
    if (!l.neg && !r.neg) return this.join(l, r);
    if (l.neg && r.neg) {
      const rows = new Map(l.rows);
      for (const t of r.rows.values()) {
        const u = project(t, this.fromRight);
        rows.set(tupleKey(u), u);
      }
      return relation(true, rows, this.vars.length);
    }
    throw new Error('AND of a complement whose variables are not among the other side (rejected at compile time)');
  }

  private filter(keep: Rel, by: Rel, at: readonly number[], reorder: readonly number[] | null): Rel {
    const rows = new Map<string, Tuple>();
    for (const [k, t] of keep.rows) {
      if (!contains(by, project(t, at))) continue;
      if (reorder === null) rows.set(k, t);
      else {
        const u = project(t, reorder);
        rows.set(tupleKey(u), u);
      }
    }
    return positive(rows);
  }

  private join(l: Rel, r: Rel): Rel {
    const index = new Map<string, Tuple[]>();
    for (const t of r.rows.values()) {
      const k = tupleKey(project(t, this.common.r));
      const bucket = index.get(k);
      if (bucket === undefined) index.set(k, [t]);
      else bucket.push(t);
    }
    const rows = new Map<string, Tuple>();
    for (const t of l.rows.values()) {
      const matches = index.get(tupleKey(project(t, this.common.l)));
      if (matches === undefined) continue;
      for (const m of matches) {
        const u = [...t, ...project(m, this.rightExtra)];
        rows.set(tupleKey(u), u);
      }
    }
    return positive(rows);
  }
}

/** Disjunction of two sides over the same variables (the right side's columns reordered to the left's). */
export class OrNode extends BinaryNode {
  readonly vars: readonly string[];
  readonly finite: boolean;
  private readonly reorder: number[];

  constructor(left: EvalNode, right: EvalNode) {
    super(left, right);
    this.vars = left.vars;
    this.finite = left.finite && right.finite;
    this.reorder = indexesOf(right.vars, left.vars);
  }

  protected combine(l: Rel, rr: Rel): Rel {
    const rRows = new Map<string, Tuple>();
    for (const t of rr.rows.values()) {
      const u = project(t, this.reorder);
      rRows.set(tupleKey(u), u);
    }
    const n = this.vars.length;
    if (!l.neg && !rr.neg) return positive(new Map([...l.rows, ...rRows]));
    if (l.neg && rr.neg) return relation(true, new Map([...l.rows].filter(([k]) => rRows.has(k))), n);
    const [p, c] = l.neg ? [rRows, l.rows] : [l.rows, rRows];
    return relation(true, new Map([...c].filter(([k]) => !p.has(k))), n);
  }
}
