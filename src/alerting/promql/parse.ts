/**
 * PromQL text to MyMONIT's AST: @prometheus-io/lezer-promql (the grammar of Prometheus's own UI) gives
 * the syntax tree; this converts it and applies Prometheus 2.42's static checks. The grammar is newer and
 * more lenient than 2.42, so everything it accepts beyond 2.42 or beyond MyMONIT's functions is refused
 * here, naming the construct. Every error is a PromqlError 'bad_data' `line:col: parse error: ...`.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Expr } from './ast';
import { unquoteString } from './literals';
import { kid, kids, notSupported, ParseContext } from './parse-context';
import { fail, ParseFailure, toPromqlError } from './parse-failure';
import { aggregate, binary, call, numberLiteral, unary } from './parse-operations';
import { matrixSelector, offset, stepInvariant, subquery, vectorSelector } from './parse-selectors';
import { parseTree } from './grammar';
import { firstProblem } from './syntax-errors';

export { typeOf } from './value-type';

function convert(ctx: ParseContext, node: SyntaxNode): Expr {
  switch (node.name) {
    case 'ParenExpr':
      return { type: 'Paren', expr: ctx.expr(kid(node, 0)) };
    case 'StringLiteral':
      return { type: 'StringLiteral', value: unquoteString(ctx.src(node)) };
    case 'NumberDurationLiteral':
      return numberLiteral(ctx, node);
    case 'UnaryExpr':
      return unary(ctx, node);
    case 'VectorSelector':
      return vectorSelector(ctx, node);
    case 'MatrixSelector':
      return matrixSelector(ctx, node);
    case 'SubqueryExpr':
      return subquery(ctx, node);
    case 'OffsetExpr':
      return offset(ctx, node);
    case 'StepInvariantExpr':
      return stepInvariant(ctx, node);
    case 'BinaryExpr':
      return binary(ctx, node);
    case 'AggregateExpr':
      return aggregate(ctx, node);
    case 'FunctionCall':
      return call(ctx, node);
    case 'AnchoredExpr':
    case 'SmoothedExpr': {
      const modifier = kids(node).at(-1) ?? node;
      return notSupported(modifier.from, `the ${JSON.stringify(ctx.src(modifier))} modifier`);
    }
    default:
      return fail(node.from, `unexpected ${node.name}`);
  }
}

/**
 * Parses a PromQL expression; bad_data with Prometheus's `line:col: parse error: ...` when it is not one.
 * `selector`: a series selector of the HTTP API's `match[]` (like Prometheus's ParseMetricSelector: no
 * non-empty-matcher check, the API checks that itself with its own message).
 */
export function parsePromql(text: string, mode: 'expression' | 'selector' = 'expression'): Expr {
  try {
    if (/^(\s|#[^\n]*)*$/.test(text)) fail(0, 'no expression found in input');
    const tree = parseTree(text);
    const problem = firstProblem(tree, text);
    if (problem !== undefined) throw problem;
    const ctx: ParseContext = new ParseContext(text, (node) => convert(ctx, node), mode === 'expression');
    return ctx.expr(kid(tree.topNode, 0));
  } catch (err) {
    if (err instanceof ParseFailure) throw toPromqlError(text, err);
    // The call stack ran out in a recursive walk: the query's fault (its nesting), not the server's.
    if (err instanceof RangeError) throw toPromqlError(text, new ParseFailure(0, 'expression nested too deeply'));
    throw err;
  }
}
