/**
 * What the tree-to-AST conversion shares: the query text, the start of every converted node (for error
 * positions) and the small helpers over lezer nodes.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Expr, Unary, ValueType } from './ast';
import { fail } from './parse-failure';
import { documentedType, typeOf } from './value-type';

export class ParseContext {
  private readonly starts = new Map<Expr, number>();

  constructor(
    readonly text: string,
    readonly convert: (node: SyntaxNode) => Expr,
    /** false for `match[]` series selectors: Prometheus's ParseMetricSelector skips that check (the API makes its own). */
    readonly requireNonEmptyMatcher = true,
  ) {}

  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** Converts and remembers where the expression starts. */
  expr(node: SyntaxNode): Expr {
    const expr = this.convert(node);
    this.starts.set(expr, node.from);
    return expr;
  }

  at<E extends Expr>(expr: E, pos: number): E {
    this.starts.set(expr, pos);
    return expr;
  }

  startOf(expr: Expr): number {
    return this.starts.get(expr) ?? 0;
  }

  /** Prometheus's expectType: the same message, at the argument's position. */
  expectType(expr: Expr, want: ValueType, context: string): void {
    const got = typeOf(expr);
    if (got !== want) {
      fail(this.startOf(expr), `expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`);
    }
  }
}

/** The named children of a node, comments left out. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
  return out;
}

export function kid(node: SyntaxNode, index: number): SyntaxNode {
  const child = kids(node)[index];
  if (child === undefined) fail(node.to, 'unexpected end of input');
  return child;
}

export function notSupported(pos: number, construct: string): never {
  fail(pos, `${construct} is not supported`);
}

/**
 * Applies a unary operator as Prometheus does: folded into a number literal, refused on a string or range
 * vector, at `pos`.
 */
export function applyUnary(ctx: ParseContext, op: Unary['op'], inner: Expr, pos: number): Expr {
  if (inner.type === 'NumberLiteral') return ctx.at({ type: 'NumberLiteral', value: op === '-' ? -inner.value : inner.value }, pos);
  const type = typeOf(inner);
  if (type !== 'scalar' && type !== 'vector') {
    fail(pos, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documentedType(type))}`);
  }
  return ctx.at({ type: 'Unary', op, expr: inner }, pos);
}

/**
 * A postfix construct (range, subquery, offset, @) binds tighter than every operator in PromQL, but lezer
 * reads `a + b offset 5m` as `(a + b) offset 5m` and `-foo[5m:]` as `(-foo)[5m:]`: apply it to the
 * rightmost operand instead, down the unparenthesized operators.
 */
export function underOperators(ctx: ParseContext, inner: Expr, apply: (operand: Expr) => Expr): Expr {
  if (inner.type === 'Unary') return applyUnary(ctx, inner.op, underOperators(ctx, inner.expr, apply), ctx.startOf(inner));
  if (inner.type === 'Binary') {
    const rhs = underOperators(ctx, inner.rhs, apply);
    const type = typeOf(rhs);
    // The other checks of the operator cannot change: the postfix keeps an operand's type or makes it a range vector.
    if (type !== 'scalar' && type !== 'vector') fail(ctx.startOf(rhs), 'binary expression must contain only scalar and instant vector types');
    return ctx.at({ ...inner, rhs }, ctx.startOf(inner));
  }
  return ctx.at(apply(inner), ctx.startOf(inner));
}
