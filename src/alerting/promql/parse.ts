/**
 * PromQL text to MyMONIT's AST: @prometheus-io/lezer-promql (the grammar of Prometheus's own UI) gives
 * the syntax tree; this converts it and applies Prometheus 2.42's static checks. The grammar is newer and
 * more lenient than 2.42, so everything it accepts beyond 2.42 or beyond MyMONIT's functions is refused
 * here, naming the construct. Every error is a PromqlError 'bad_data' `line:col: parse error: ...`.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import type { Expr } from './ast';
import { unquoteString } from './literals';
import { kid, kids, notSupported, ParseContext } from './parse-context';
import { fail, ParseFailure, toPromqlError } from './parse-failure';
import { aggregate, binary, call, numberLiteral, unary } from './parse-operations';
import { matrixSelector, offset, stepInvariant, subquery, vectorSelector } from './parse-selectors';
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
 * The text lezer reads: Go reads `0X1F` as hex and `5.` as 5, the grammar only `0x1f` and `5.0`. Same
 * length, so positions hold; values are read from the original text.
 */
function forGrammar(text: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote !== undefined) {
      if (ch === '\\' && quote !== '`') {
        out += ch + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === quote || (ch === '\n' && quote !== '`')) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
    } else if (ch === '#') {
      quote = '\n';
    } else if (ch === 'X' && text[i - 1] === '0' && !/[\w:.]/.test(text[i - 2] ?? '') && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      out += 'x';
      continue;
    } else if (ch === '.' && /(^|[^\w:.])\d+$/.test(text.slice(0, i)) && !/[\deE]/.test(text[i + 1] ?? '')) {
      out += ' ';
      continue;
    }
    out += ch;
  }
  return out;
}

/** Parses a PromQL expression; bad_data with Prometheus's `line:col: parse error: ...` when it is not one. */
export function parsePromql(text: string): Expr {
  try {
    if (/^(\s|#[^\n]*)*$/.test(text)) fail(0, 'no expression found in input');
    const tree = parser.parse(forGrammar(text));
    const problem = firstProblem(tree, text);
    if (problem !== undefined) throw problem;
    const ctx: ParseContext = new ParseContext(text, (node) => convert(ctx, node));
    return ctx.expr(kid(tree.topNode, 0));
  } catch (err) {
    if (err instanceof ParseFailure) throw toPromqlError(text, err);
    throw err;
  }
}
