import type { Formula, Interval, Term } from '../../../src/policies/ast';
import { freeVariables } from '../../../src/policies/free-variables';
import { parseFormula, type TimePointInput } from '../../../src/policies';
import { compareValues, type Value } from '../../../src/policies/values';

/**
 * MFOTL by its definition, for tests: every time point, every valuation of the free variables over the trace's
 * values, the formula's constants and a few values that occur nowhere (standing for the infinite rest of the
 * domain). Slow on purpose, and independent of the monitor's normalisation and algorithms. The trace is finite
 * (MonPoly's end of log): future operators see only the time points that exist. No aggregations.
 */
export interface NaiveResult {
  /** Per time point, the satisfying tuples (columns in order of first appearance). */
  readonly satisfied: Value[][][];
  /** A satisfying tuple used a value outside the trace: the formula depends on the domain. */
  readonly domainDependent: boolean;
}

export const FRESH: readonly number[] = [1_000_001, 1_000_002];

export function naiveEvaluate(text: string, trace: readonly TimePointInput[], negate: boolean): NaiveResult {
  const parsed = parseFormula(text);
  const f: Formula = negate ? { kind: 'not', arg: parsed, pos: parsed.pos } : parsed;
  const domainSet = new Set<Value>(FRESH);
  for (const tp of trace) for (const e of tp.events) for (const a of e.args) domainSet.add(a);
  collectConstants(f, domainSet);
  // Values computed by `y = x + 1` from the trace's values are not fresh either.
  for (const v of [...domainSet]) if (typeof v === 'number' && !FRESH.includes(v)) domainSet.add(v + 1);
  const domain = [...domainSet];
  const vars = freeVariables(f);
  const satisfied: Value[][][] = [];
  let domainDependent = false;
  for (let i = 0; i < trace.length; i++) {
    const rows: Value[][] = [];
    for (const tuple of assignments(domain, vars.length)) {
      const env = new Map<string, Value>(vars.map((v, k) => [v, tuple[k] as Value]));
      if (sat(f, i, env, trace, domain)) {
        rows.push(tuple);
        if (tuple.some((v) => FRESH.includes(v as number))) domainDependent = true;
      }
    }
    satisfied.push(rows);
  }
  return { satisfied, domainDependent };
}

function* assignments(domain: readonly Value[], n: number): Generator<Value[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (const rest of assignments(domain, n - 1)) for (const v of domain) yield [...rest, v];
}

function collectConstants(f: Formula, out: Set<Value>): void {
  const term = (t: Term): void => {
    if (t.kind === 'const') out.add(t.value);
    if (t.kind === 'unary') term(t.arg);
    if (t.kind === 'binary') {
      term(t.left);
      term(t.right);
    }
  };
  switch (f.kind) {
    case 'pred':
      f.args.forEach(term);
      return;
    case 'cmp':
      term(f.left);
      term(f.right);
      return;
    case 'bool':
      return;
    case 'not':
    case 'temporal':
    case 'exists':
    case 'forall':
    case 'aggregation':
      return collectConstants(f.arg, out);
    case 'and':
    case 'or':
    case 'implies':
    case 'equiv':
    case 'since':
    case 'until':
      collectConstants(f.left, out);
      collectConstants(f.right, out);
  }
}

function value(t: Term, env: ReadonlyMap<string, Value>): Value | undefined {
  switch (t.kind) {
    case 'var': {
      const v = env.get(t.name);
      if (v === undefined) throw new Error(`unbound ${t.name}`);
      return v;
    }
    case 'const':
      return t.value;
    case 'unary': {
      const v = value(t.arg, env);
      if (v === undefined) return undefined;
      if (t.op === 'neg') return -(v as number);
      throw new Error(`naive evaluator: ${t.op} not supported`);
    }
    case 'binary': {
      const a = value(t.left, env) as number | undefined;
      const b = value(t.right, env) as number | undefined;
      if (a === undefined || b === undefined) return undefined;
      switch (t.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? undefined : Math.trunc(a / b);
        case 'MOD':
          return b === 0 ? undefined : a % b;
      }
    }
  }
}

const within = (d: number, I: Interval): boolean => d >= I.lo && (I.hi === null || d <= I.hi);

function sat(f: Formula, i: number, env: ReadonlyMap<string, Value>, trace: readonly TimePointInput[], domain: readonly Value[]): boolean {
  const s = (g: Formula, j: number, e: ReadonlyMap<string, Value> = env): boolean => sat(g, j, e, trace, domain);
  const ts = (j: number): number => (trace[j] as TimePointInput).ts;
  switch (f.kind) {
    case 'pred':
      return (trace[i] as TimePointInput).events.some(
        (e) => e.pred === f.name && e.args.length === f.args.length && f.args.every((a, k) => value(a, env) === e.args[k]),
      );
    case 'bool':
      return f.value;
    case 'cmp': {
      const a = value(f.left, env);
      const b = value(f.right, env);
      if (a === undefined || b === undefined) return false;
      const c = compareValues(a, b);
      return f.op === '=' ? c === 0 : f.op === '<' ? c < 0 : c <= 0;
    }
    case 'not':
      return !s(f.arg, i);
    case 'and':
      return s(f.left, i) && s(f.right, i);
    case 'or':
      return s(f.left, i) || s(f.right, i);
    case 'implies':
      return !s(f.left, i) || s(f.right, i);
    case 'equiv':
      return s(f.left, i) === s(f.right, i);
    case 'exists':
    case 'forall': {
      const all = [...assignments(domain, f.vars.length)];
      const holds = (tuple: Value[]): boolean => {
        const inner = new Map(env);
        f.vars.forEach((v, k) => inner.set(v, tuple[k] as Value));
        return s(f.arg, i, inner);
      };
      return f.kind === 'exists' ? all.some(holds) : all.every(holds);
    }
    case 'temporal': {
      const I = f.interval;
      switch (f.op) {
        case 'PREVIOUS':
          return i > 0 && within(ts(i) - ts(i - 1), I) && s(f.arg, i - 1);
        case 'NEXT':
          return i + 1 < trace.length && within(ts(i + 1) - ts(i), I) && s(f.arg, i + 1);
        case 'ONCE':
        case 'HISTORICALLY': {
          const window = [...Array(i + 1).keys()].filter((j) => within(ts(i) - ts(j), I));
          return f.op === 'ONCE' ? window.some((j) => s(f.arg, j)) : window.every((j) => s(f.arg, j));
        }
        case 'EVENTUALLY':
        case 'ALWAYS': {
          const window = [...Array(trace.length).keys()].filter((j) => j >= i && within(ts(j) - ts(i), I));
          return f.op === 'EVENTUALLY' ? window.some((j) => s(f.arg, j)) : window.every((j) => s(f.arg, j));
        }
      }
      break;
    }
    case 'since':
      for (let j = i; j >= 0; j--) {
        if (within(ts(i) - ts(j), f.interval) && s(f.right, j)) {
          let held = true;
          for (let k = j + 1; k <= i && held; k++) held = s(f.left, k);
          if (held) return true;
        }
      }
      return false;
    case 'until':
      for (let j = i; j < trace.length; j++) {
        if (within(ts(j) - ts(i), f.interval) && s(f.right, j)) {
          let held = true;
          for (let k = i; k < j && held; k++) held = s(f.left, k);
          if (held) return true;
        }
      }
      return false;
    case 'aggregation':
      throw new Error('naive evaluator: aggregations are not supported');
  }
  return false;
}
