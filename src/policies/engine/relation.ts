import { tupleKey, type Tuple, type Value } from '../values';

/**
 * The value of a subformula at one time point: a finite set of tuples (`neg` false) or the complement of one
 * (`neg` true), which is how a negation with free variables travels until an AND or SINCE filters by it.
 * A relation with no columns is always positive: `{()}` is true, `{}` is false. Relations are never mutated once built.
 */
export interface Rel {
  readonly neg: boolean;
  readonly rows: ReadonlyMap<string, Tuple>;
}

const NO_ROWS: ReadonlyMap<string, Tuple> = new Map();
const UNIT_KEY = tupleKey([]);

export const EMPTY: Rel = { neg: false, rows: NO_ROWS };
export const UNIT: Rel = { neg: false, rows: new Map([[UNIT_KEY, []]]) };

export function positive(rows: ReadonlyMap<string, Tuple>): Rel {
  return rows.size === 0 ? EMPTY : { neg: false, rows };
}

/** Builds a relation over `arity` columns, turning a closed complement into true or false. */
export function relation(neg: boolean, rows: ReadonlyMap<string, Tuple>, arity: number): Rel {
  if (arity === 0 && neg) return rows.has(UNIT_KEY) ? EMPTY : UNIT;
  return neg ? { neg, rows } : positive(rows);
}

export function universe(arity: number): Rel {
  return relation(true, NO_ROWS, arity);
}

export function complement(r: Rel, arity: number): Rel {
  return relation(!r.neg, r.rows, arity);
}

export function contains(r: Rel, t: Tuple): boolean {
  return r.rows.has(tupleKey(t)) !== r.neg;
}

/** The previous answer when it has the same tuples: downstream nodes then reuse their own previous answers. */
export function unlessUnchanged(previous: Rel | null, next: Rel): Rel {
  if (previous === null || previous.neg !== next.neg || previous.rows.size !== next.rows.size) return next;
  for (const k of next.rows.keys()) if (!previous.rows.has(k)) return next;
  return previous;
}

export function project(t: Tuple, indexes: readonly number[]): Value[] {
  const out = new Array<Value>(indexes.length);
  for (let i = 0; i < indexes.length; i++) out[i] = t[indexes[i] as number] as Value;
  return out;
}

export function fromTuples(tuples: Iterable<Tuple>): Map<string, Tuple> {
  const rows = new Map<string, Tuple>();
  for (const t of tuples) rows.set(tupleKey(t), t);
  return rows;
}

/** `indexes[i]`: where variable `to[i]` sits in `from`, or -1. */
export function indexesOf(from: readonly string[], to: readonly string[]): number[] {
  return to.map((v) => from.indexOf(v));
}

export function subset(a: readonly string[], b: readonly string[]): boolean {
  return a.every((v) => b.includes(v));
}

export function sameVariables(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && subset(a, b);
}

/** The JSON form of a relation inside a snapshot: non-finite floats (from arithmetic) kept as tagged strings. */
export interface SavedRel {
  readonly n: boolean;
  readonly r: unknown[][];
}

export function saveTuple(t: Tuple): unknown[] {
  return t.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? { f: String(v) } : v));
}

export function loadTuple(raw: unknown): Tuple {
  if (!Array.isArray(raw)) throw new Error('snapshot: a tuple is not an array');
  return raw.map((v: unknown) => {
    if (typeof v === 'number' || typeof v === 'string') return v;
    if (typeof v === 'object' && v !== null && 'f' in v) return Number((v as { f: unknown }).f);
    throw new Error('snapshot: a value is neither a number nor a string');
  });
}

export function saveRel(r: Rel): SavedRel {
  return { n: r.neg, r: [...r.rows.values()].map(saveTuple) };
}

export function loadRel(raw: unknown): Rel {
  const s = raw as SavedRel;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.r)) throw new Error('snapshot: malformed relation');
  const rows = fromTuples(s.r.map(loadTuple));
  return s.n ? { neg: true, rows } : positive(rows);
}
