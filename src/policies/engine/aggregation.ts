import type { AggregationOperator } from '../ast';
import { compareValues, tupleKey, type Tuple, type Value, type ValueType } from '../values';
import type { Database, EvalNode } from './node';
import { indexesOf, positive, type Rel } from './relation';

/**
 * `r <- OP x; g1,g2 φ`: for each group, OP over the multiset of x's values across φ's satisfying tuples (a set of
 * valuations of all of φ's free variables). Without group-by variables an empty φ still yields OP's zero.
 */
export class AggregationNode implements EvalNode {
  readonly vars: readonly string[];
  readonly finite = true;
  private readonly groupAt: number[];
  private readonly valueAt: number;

  constructor(
    private readonly child: EvalNode,
    private readonly op: AggregationOperator,
    result: string,
    variable: string,
    groupBy: readonly string[],
    private readonly valueType: ValueType,
  ) {
    this.vars = [result, ...groupBy];
    this.groupAt = indexesOf(child.vars, groupBy);
    this.valueAt = child.vars.indexOf(variable);
  }

  get children(): readonly EvalNode[] {
    return [this.child];
  }

  private memo: { input: Rel; out: Rel } | null = null;

  step(ts: number, db: Database): Rel[] {
    return this.child.step(ts, db).map((r) => this.cached(r));
  }

  end(): Rel[] {
    return this.child.end().map((r) => this.cached(r));
  }

  private cached(input: Rel): Rel {
    if (this.memo === null || this.memo.input !== input) this.memo = { input, out: this.aggregate(input) };
    return this.memo.out;
  }

  private aggregate(r: Rel): Rel {
    const groups = new Map<string, { group: Value[]; values: Value[] }>();
    for (const t of r.rows.values()) {
      const group = this.groupAt.map((i) => t[i] as Value);
      const k = tupleKey(group);
      let g = groups.get(k);
      if (g === undefined) groups.set(k, (g = { group, values: [] }));
      g.values.push(t[this.valueAt] as Value);
    }
    const rows = new Map<string, Tuple>();
    if (groups.size === 0 && this.groupAt.length === 0) {
      const zero: Tuple = [this.valueType === 'string' && (this.op === 'MIN' || this.op === 'MAX') ? '' : 0];
      rows.set(tupleKey(zero), zero);
    }
    for (const { group, values } of groups.values()) {
      const result = this.compute(values);
      // A float SUM or AVG past the largest float is no value (as a term's overflow, src/policies/terms.ts): JSON cannot hold inf.
      if (typeof result === 'number' && !Number.isFinite(result)) continue;
      const out = [result, ...group];
      rows.set(tupleKey(out), out);
    }
    return positive(rows);
  }

  private compute(values: Value[]): Value {
    switch (this.op) {
      case 'CNT':
        return values.length;
      case 'SUM':
        return sum(values);
      case 'AVG':
        return sum(values) / values.length;
      case 'MIN':
        return values.reduce((a, b) => (compareValues(b, a) < 0 ? b : a));
      case 'MAX':
        return values.reduce((a, b) => (compareValues(b, a) > 0 ? b : a));
      case 'MED': {
        const sorted = [...(values as number[])].sort((a, b) => a - b);
        const n = sorted.length;
        const hi = sorted[Math.floor(n / 2)] as number;
        return n % 2 === 1 ? hi : ((sorted[n / 2 - 1] as number) + hi) / 2;
      }
    }
  }

  save(): unknown {
    return null;
  }

  load(): void {}
}

function sum(values: Value[]): number {
  let s = 0;
  for (const v of values) s += v as number;
  return s;
}
