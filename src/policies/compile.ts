import type { Formula, Term } from './ast';
import { PolicyNotMonitorableError } from './errors';
import { freeVariables, termVariables } from './free-variables';
import { AggregationNode } from './engine/aggregation';
import { AndNode, AssignNode, ConstNode, ExistsNode, FilterNode, NotNode, OrNode, PredNode, type AtomArgument } from './engine/first-order';
import { AlwaysNode, NextNode, UntilNode } from './engine/future';
import type { EvalNode } from './engine/node';
import { HistoricallyNode, PrevNode, SinceNode } from './engine/past';
import { EMPTY, fromTuples, positive, sameVariables, subset, UNIT } from './engine/relation';
import { compare, compileTerm } from './terms';
import { display } from './typing';
import type { Tuple, Value, ValueType } from './values';

const names = (vs: readonly string[]): string => (vs.length === 0 ? 'none' : vs.map(display).join(', '));

/** A formula made of comparisons only (no atom, no temporal operator) with variables: a test on bound values. */
function isConstraint(f: Formula): boolean {
  const pure = (g: Formula): boolean =>
    g.kind === 'cmp' ||
    g.kind === 'bool' ||
    (g.kind === 'not' && pure(g.arg)) ||
    ((g.kind === 'and' || g.kind === 'or') && pure(g.left) && pure(g.right));
  return pure(f) && freeVariables(f).length > 0;
}

/**
 * Turns a normalized formula into a tree of evaluation nodes, refusing what is outside the monitorable fragment
 * with the reason (as MonPoly does): unbounded future operators, negations whose variables no positive
 * conjunct binds, OR sides over different variables, comparisons with unbound variables.
 */
export function compile(f: Formula, types: ReadonlyMap<string, ValueType>): EvalNode {
  const refuse = (g: Formula, reason: string): never => {
    throw new PolicyNotMonitorableError(g.pos, reason);
  };
  const constraintTest = (g: Formula, columns: readonly string[]): ((t: Tuple) => boolean) => {
    if (g.kind === 'cmp') {
      const l = compileTerm(g.left, columns, types);
      const r = compileTerm(g.right, columns, types);
      const op = g.op;
      return (t) => {
        const a = l(t);
        const b = r(t);
        return a !== undefined && b !== undefined && compare(op, a, b);
      };
    }
    if (g.kind === 'bool') {
      const v = g.value;
      return () => v;
    }
    if (g.kind === 'not') {
      const inner = constraintTest(g.arg, columns);
      return (t) => !inner(t);
    }
    if (g.kind === 'and' || g.kind === 'or') {
      const l = constraintTest(g.left, columns);
      const r = constraintTest(g.right, columns);
      return g.kind === 'and' ? (t) => l(t) && r(t) : (t) => l(t) || r(t);
    }
    throw new Error(`${g.kind} is not a comparison`);
  };
  const groundValue = (t: Term): Value | undefined => compileTerm(t, [], types)([]);

  const walk = (g: Formula): EvalNode => {
    switch (g.kind) {
      case 'pred': {
        const vars: string[] = [];
        const args: AtomArgument[] = g.args.map((a) => {
          if (a.kind === 'var') {
            if (!vars.includes(a.name)) vars.push(a.name);
            return { kind: 'var', index: vars.indexOf(a.name) };
          }
          if (termVariables(a).length > 0) refuse(g, `an argument of ${g.name} is a computed term over variables; bind the variable and compare it instead`);
          const value = groundValue(a);
          if (value === undefined) return refuse(g, `an argument of ${g.name} has no value (division by zero?)`);
          return { kind: 'const', value };
        });
        return new PredNode(g.name, args, vars);
      }
      case 'bool':
        return new ConstNode(g.value ? UNIT : EMPTY, []);
      case 'cmp': {
        const vars = freeVariables(g);
        if (vars.length === 0) return new ConstNode(constraintTest(g, [])([]) ? UNIT : EMPTY, []);
        if (g.op === '=' && vars.length === 1) {
          const [v, other] = g.left.kind === 'var' ? [g.left, g.right] : [g.right, g.left];
          if (v.kind === 'var' && termVariables(other).length === 0) {
            const value = groundValue(other);
            return new ConstNode(value === undefined ? EMPTY : positive(fromTuples([[value]])), [v.name]);
          }
        }
        return refuse(g, `the comparison needs its variables (${names(vars)}) bound by a positive atom in a conjunct on its left, e.g. p(x) AND x < 3`);
      }
      case 'not': {
        if (isConstraint(g.arg)) {
          return refuse(g, `the negated comparison needs its variables (${names(freeVariables(g.arg))}) bound by a positive atom in a conjunct on its left`);
        }
        return new NotNode(walk(g.arg));
      }
      case 'and':
        return conjunction(g.left, g.right, g);
      case 'or': {
        if (isConstraint(g)) return refuse(g, 'a disjunction of comparisons needs its variables bound by a positive atom in a conjunct on its left');
        const l = walk(g.left);
        const r = walk(g.right);
        if (!sameVariables(l.vars, r.vars)) {
          refuse(g, `the two sides of OR must have the same free variables (left: ${names(l.vars)}; right: ${names(r.vars)})`);
        }
        return new OrNode(l, r);
      }
      case 'exists':
        return new ExistsNode(walk(g.arg), g.vars);
      case 'temporal': {
        const body = walk(g.arg);
        const future = g.op === 'NEXT' || g.op === 'EVENTUALLY' || g.op === 'ALWAYS';
        if (future && g.op !== 'NEXT' && g.interval.hi === null) {
          refuse(g, `unbounded future operator: ${g.op} needs a finite upper bound, e.g. ${g.op}[0,10]`);
        }
        if ((g.op === 'ONCE' || g.op === 'EVENTUALLY' || g.op === 'HISTORICALLY' || g.op === 'ALWAYS') && !body.finite) {
          refuse(g, `the body of ${g.op} has free variables (${names(body.vars)}) that no positive atom binds (a negation or an unbounded set)`);
        }
        switch (g.op) {
          case 'PREVIOUS':
            return new PrevNode(body, g.interval);
          case 'NEXT':
            return new NextNode(body, g.interval);
          case 'ONCE':
            return new SinceNode(null, body, g.interval);
          case 'EVENTUALLY':
            return new UntilNode(null, body, g.interval);
          case 'HISTORICALLY':
            return new HistoricallyNode(body, g.interval);
          case 'ALWAYS':
            return new AlwaysNode(body, g.interval);
        }
        break;
      }
      case 'since':
      case 'until': {
        const op = g.kind === 'since' ? 'SINCE' : 'UNTIL';
        if (g.kind === 'until' && g.interval.hi === null) refuse(g, 'unbounded future operator: UNTIL needs a finite upper bound, e.g. UNTIL[0,10]');
        const l = walk(g.left);
        const r = walk(g.right);
        if (!r.finite) refuse(g, `the right side of ${op} has free variables (${names(r.vars)}) that no positive atom binds`);
        if (!subset(l.vars, r.vars)) {
          refuse(g, `the free variables of the left side of ${op} (${names(l.vars)}) must be among those of the right side (${names(r.vars)})`);
        }
        return g.kind === 'since' ? new SinceNode(l, r, g.interval) : new UntilNode(l, r, g.interval);
      }
      case 'aggregation': {
        const body = walk(g.arg);
        if (!body.finite) refuse(g, `the aggregated formula has free variables (${names(body.vars)}) that no positive atom binds`);
        if (!body.vars.includes(g.variable)) refuse(g, `the aggregation variable ${display(g.variable)} is not a free variable of the aggregated formula`);
        for (const v of g.groupBy) if (!body.vars.includes(v)) refuse(g, `the group-by variable ${display(v)} is not a free variable of the aggregated formula`);
        if (g.groupBy.includes(g.result)) refuse(g, `the result variable ${display(g.result)} is also a group-by variable`);
        return new AggregationNode(body, g.op, g.result, g.variable, g.groupBy, types.get(g.variable) ?? 'int');
      }
      case 'implies':
      case 'equiv':
      case 'forall':
        throw new Error(`${g.kind} survived normalization`);
    }
    throw new Error('unreachable');
  };

  const conjunction = (left: Formula, right: Formula, g: Formula): EvalNode => {
    if (isConstraint(right)) {
      const l = walk(left);
      const needed = freeVariables(right);
      if (l.finite && subset(needed, l.vars)) return new FilterNode(l, constraintTest(right, l.vars));
      if (l.finite && right.kind === 'cmp' && right.op === '=') {
        for (const [v, other] of [
          [right.left, right.right],
          [right.right, right.left],
        ] as const) {
          if (v.kind === 'var' && !l.vars.includes(v.name) && subset(termVariables(other), l.vars)) {
            return new AssignNode(l, v.name, compileTerm(other, l.vars, types));
          }
        }
      }
      return refuse(right, `the comparison needs its variables (${names(needed.filter((v) => !l.vars.includes(v)))}) bound by a positive atom in a conjunct on its left`);
    }
    if (isConstraint(left)) {
      return refuse(left, `the comparison needs its variables (${names(freeVariables(left))}) bound by a positive atom in a conjunct on its left (write the atom first)`);
    }
    const l = walk(left);
    const r = walk(right);
    const ok =
      (l.finite && r.finite) ||
      (l.finite && subset(r.vars, l.vars)) ||
      (r.finite && subset(l.vars, r.vars)) ||
      sameVariables(l.vars, r.vars);
    if (!ok) {
      const [neg, pos] = l.finite ? [r, l] : [l, r];
      refuse(g, `the free variables of the negated or unbounded side of AND (${names(neg.vars)}) must be among those of the other side (${names(pos.vars)})`);
    }
    return new AndNode(l, r);
  };

  const root = walk(f);
  if (!root.finite) {
    refuse(f, `the formula's free variables (${names(root.vars)}) are not all bound by a positive atom, so the set of satisfying values may be infinite (for A IMPLIES B, monitor the violations with negate)`);
  }
  return root;
}
