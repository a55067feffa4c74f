import type { Formula, Term } from './ast';
import { freeVariables } from './free-variables';

/**
 * Gives every bound variable (EXISTS, FORALL, the non-grouped variables of an aggregation) a name of its own,
 * so that later passes can type and index variables by name alone. Fresh names contain '#', which no source
 * variable can.
 */
export function renameBound(f: Formula): Formula {
  let counter = 0;
  const fresh = (v: string): string => `${v}#${++counter}`;
  const term = (t: Term, scope: ReadonlyMap<string, string>): Term => {
    switch (t.kind) {
      case 'var':
        return { ...t, name: scope.get(t.name) ?? t.name };
      case 'const':
        return t;
      case 'unary':
        return { ...t, arg: term(t.arg, scope) };
      case 'binary':
        return { ...t, left: term(t.left, scope), right: term(t.right, scope) };
    }
  };
  const walk = (g: Formula, scope: ReadonlyMap<string, string>): Formula => {
    const name = (v: string): string => scope.get(v) ?? v;
    switch (g.kind) {
      case 'pred':
        return { ...g, args: g.args.map((a) => term(a, scope)) };
      case 'bool':
        return g;
      case 'cmp':
        return { ...g, left: term(g.left, scope), right: term(g.right, scope) };
      case 'not':
      case 'temporal':
        return { ...g, arg: walk(g.arg, scope) };
      case 'and':
      case 'or':
      case 'implies':
      case 'equiv':
      case 'since':
      case 'until':
        return { ...g, left: walk(g.left, scope), right: walk(g.right, scope) };
      case 'exists':
      case 'forall': {
        const inner = new Map(scope);
        const vars = g.vars.map((v) => {
          const n = fresh(v);
          inner.set(v, n);
          return n;
        });
        return { ...g, vars, arg: walk(g.arg, inner) };
      }
      case 'aggregation': {
        const inner = new Map(scope);
        for (const v of freeVariables(g.arg)) if (!g.groupBy.includes(v)) inner.set(v, fresh(v));
        return {
          ...g,
          result: name(g.result),
          variable: inner.get(g.variable) ?? name(g.variable),
          groupBy: g.groupBy.map(name),
          arg: walk(g.arg, inner),
        };
      }
    }
  };
  return walk(f, new Map());
}

/**
 * Rewrites the sugar into the core the monitor evaluates: IMPLIES and EQUIV into OR/AND/NOT, FORALL into
 * NOT EXISTS NOT, double negations away, NOT over OR into AND of negations (so `NOT (A IMPLIES B)` becomes
 * `A AND NOT B`), and a temporal operator over a negation into the negation of its dual.
 */
export function normalize(f: Formula): Formula {
  switch (f.kind) {
    case 'pred':
    case 'bool':
    case 'cmp':
      return f;
    case 'not':
      return negate(normalize(f.arg));
    case 'and':
    case 'or':
      return { ...f, left: normalize(f.left), right: normalize(f.right) };
    case 'implies':
      return { kind: 'or', left: negate(normalize(f.left)), right: normalize(f.right), pos: f.pos };
    case 'equiv': {
      const forward: Formula = { kind: 'implies', left: f.left, right: f.right, pos: f.pos };
      const backward: Formula = { kind: 'implies', left: f.right, right: f.left, pos: f.pos };
      return { kind: 'and', left: normalize(forward), right: normalize(backward), pos: f.pos };
    }
    case 'exists': {
      const arg = normalize(f.arg);
      const free = freeVariables(arg);
      const vars = f.vars.filter((v) => free.includes(v));
      return vars.length === 0 ? arg : { ...f, vars, arg };
    }
    case 'forall':
      return negate(normalize({ kind: 'exists', vars: f.vars, arg: { kind: 'not', arg: f.arg, pos: f.pos }, pos: f.pos }));
    case 'temporal': {
      const arg = normalize(f.arg);
      if (arg.kind === 'not') {
        const dual = DUALS[f.op];
        if (dual !== undefined) return negate({ ...f, op: dual, arg: arg.arg });
      }
      return { ...f, arg };
    }
    case 'since':
    case 'until':
      return { ...f, left: normalize(f.left), right: normalize(f.right) };
    case 'aggregation':
      return { ...f, arg: normalize(f.arg) };
  }
}

const DUALS: Readonly<Partial<Record<string, 'ONCE' | 'EVENTUALLY' | 'HISTORICALLY' | 'ALWAYS'>>> = {
  ONCE: 'HISTORICALLY',
  HISTORICALLY: 'ONCE',
  EVENTUALLY: 'ALWAYS',
  ALWAYS: 'EVENTUALLY',
};

function negate(f: Formula): Formula {
  switch (f.kind) {
    case 'not':
      return f.arg;
    case 'bool':
      return { ...f, value: !f.value };
    case 'or':
      return { kind: 'and', left: negate(f.left), right: negate(f.right), pos: f.pos };
    case 'pred':
    case 'cmp':
    case 'and':
    case 'implies':
    case 'equiv':
    case 'exists':
    case 'forall':
    case 'temporal':
    case 'since':
    case 'until':
    case 'aggregation':
      return { kind: 'not', arg: f, pos: f.pos };
  }
}
