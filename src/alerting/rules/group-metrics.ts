/**
 * Which metric names a rule group's expressions can read, so that committed measures trigger only the
 * groups that select them. `undefined`: some selector has no `__name__ = "..."` matcher (a regex on the
 * name, or no name), so any metric may matter.
 */
import type { Expr } from '../promql/ast';
import { parsePromql } from '../promql/parse';
import type { RuleGroup } from './rule';

export function groupMetricNames(group: RuleGroup): ReadonlySet<string> | undefined {
  const names = new Set<string>();
  for (const rule of group.rules) {
    let expr: Expr;
    try {
      expr = parsePromql(rule.expr);
    } catch {
      return undefined;
    }
    if (!collect(expr, names)) return undefined;
  }
  return names;
}

/** Adds the metric names of every selector; false when one selector's name is not fixed. */
function collect(expr: Expr, names: Set<string>): boolean {
  switch (expr.type) {
    case 'VectorSelector': {
      const name = expr.matchers.find((m) => m.name === '__name__' && m.type === '=');
      if (name === undefined) return false;
      names.add(name.value);
      return true;
    }
    case 'MatrixSelector':
      return collect(expr.vector, names);
    case 'Subquery':
    case 'Paren':
    case 'Unary':
      return collect(expr.expr, names);
    case 'Binary':
      return collect(expr.lhs, names) && collect(expr.rhs, names);
    case 'Aggregate':
      return collect(expr.expr, names) && (expr.param === undefined || collect(expr.param, names));
    case 'Call':
      return expr.args.every((arg) => collect(arg, names));
    case 'NumberLiteral':
    case 'StringLiteral':
      return true;
  }
}
