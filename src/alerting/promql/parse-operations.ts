/**
 * Operators, aggregations and function calls, from the lezer tree to the AST, with Prometheus 2.42's
 * static checks (promql/parser/parse.go checkAST) and its messages.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Aggregate, AggregateOp, Binary, BinaryOp, Call, Expr, NumberLiteral, VectorMatching } from './ast';
import { FUNCTION_SIGNATURES } from './functions/signatures';
import { parseNumberToken } from './literals';
import { applyUnary, kid, kids, notSupported, type ParseContext } from './parse-context';
import { fail } from './parse-failure';
import { unsignedToken, unsupportedFunctionMessage } from './syntax-errors';
import { typeOf } from './value-type';

const BINARY_OPS: ReadonlyMap<string, BinaryOp> = new Map([
  ['Pow', '^'],
  ['Mul', '*'],
  ['Div', '/'],
  ['Mod', '%'],
  ['Atan2', 'atan2'],
  ['Add', '+'],
  ['Sub', '-'],
  ['Eql', '=='],
  ['Neq', '!='],
  ['Gtr', '>'],
  ['Lss', '<'],
  ['Gte', '>='],
  ['Lte', '<='],
  ['And', 'and'],
  ['Or', 'or'],
  ['Unless', 'unless'],
]);
const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);

const AGGREGATE_OPS: ReadonlyMap<string, AggregateOp> = new Map([
  ['Sum', 'sum'],
  ['Avg', 'avg'],
  ['Min', 'min'],
  ['Max', 'max'],
  ['Count', 'count'],
  ['Stddev', 'stddev'],
  ['Stdvar', 'stdvar'],
  ['Topk', 'topk'],
  ['Bottomk', 'bottomk'],
  ['Quantile', 'quantile'],
  ['CountValues', 'count_values'],
  ['Group', 'group'],
]);

/** A number literal, its sign included (Prometheus folds `-1` into the literal). */
export function numberLiteral(ctx: ParseContext, node: SyntaxNode): NumberLiteral {
  const { token, pos } = unsignedToken(ctx.text, node.from, node.to);
  const value = parseNumberToken(token);
  if (value === undefined) fail(pos, `unexpected duration ${JSON.stringify(token)}`);
  const negative = ctx.src(node).startsWith('-');
  return { type: 'NumberLiteral', value: negative ? -value : value };
}

export function unary(ctx: ParseContext, node: SyntaxNode): Expr {
  const op = ctx.src(kid(node, 0)) === '-' ? '-' : '+';
  return applyUnary(ctx, op, ctx.expr(kid(node, 1)), node.from);
}

export function groupingLabels(ctx: ParseContext, node: SyntaxNode): string[] {
  return kids(node).map((label) => {
    if (label.name !== 'LabelName') notSupported(label.from, 'a quoted label name');
    return ctx.src(label);
  });
}

interface Modifiers {
  returnBool: boolean;
  matching?: VectorMatching;
}

function binaryModifiers(ctx: ParseContext, nodes: readonly SyntaxNode[]): Modifiers {
  let returnBool = false;
  let matching: VectorMatching | undefined;
  for (const node of nodes) {
    if (node.name === 'BoolModifier') returnBool = true;
    else if (node.name === 'FillModifier') notSupported(node.from, 'the fill modifier');
    else if (node.name === 'MatchingModifierClause') {
      const parts = kids(node);
      const group = parts.find((p) => p.name === 'GroupLeft' || p.name === 'GroupRight');
      const lists = parts.filter((p) => p.name === 'GroupingLabels');
      matching = {
        kind: parts[0]?.name === 'On' ? 'on' : 'ignoring',
        labels: lists[0] === undefined ? [] : groupingLabels(ctx, lists[0]),
        card: group === undefined ? 'one-to-one' : group.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many',
        include: lists[1] === undefined ? [] : groupingLabels(ctx, lists[1]),
      };
    }
  }
  return matching === undefined ? { returnBool } : { returnBool, matching };
}

/** `convertRhs`: how to read the right operand (a postfix modifier written after it applies to it). */
export function binary(ctx: ParseContext, node: SyntaxNode, convertRhs = (rhsNode: SyntaxNode): Expr => ctx.expr(rhsNode)): Expr {
  const parts = kids(node);
  const lhsNode = parts[0];
  const opNode = parts[1];
  const rhsNode = parts[parts.length - 1];
  if (lhsNode === undefined || opNode === undefined || rhsNode === undefined || parts.length < 3) fail(node.to, 'unexpected end of input');
  const op = BINARY_OPS.get(opNode.name);
  if (op === undefined) notSupported(opNode.from, `the operator ${JSON.stringify(ctx.src(opNode))}`);
  // lezer reads `-2 ^ 2` as (-2) ^ 2; in PromQL unary minus binds less tightly than ^: -(2 ^ 2).
  const signedBase = op === '^' && lhsNode.name === 'NumberDurationLiteral' && /^[-+]/.test(ctx.src(lhsNode));
  let lhs = ctx.expr(lhsNode);
  if (signedBase && lhs.type === 'NumberLiteral') lhs = ctx.at({ type: 'NumberLiteral', value: Math.abs(lhs.value) }, unsignedToken(ctx.text, lhsNode.from, lhsNode.to).pos);
  const rhs = ctx.at(convertRhs(rhsNode), rhsNode.from);
  const { returnBool, matching } = binaryModifiers(ctx, parts.slice(2, -1));
  const checked = checkBinary(ctx, node, opNode.from, { op, lhs, rhs, returnBool, matching });
  if (!signedBase) return checked;
  const sign = ctx.src(lhsNode).startsWith('-') ? '-' : '+';
  return { type: 'Unary', op: sign, expr: checked };
}

interface BinaryParts {
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  matching: VectorMatching | undefined;
}

/** Prometheus's checkAST for a BinaryExpr, in its order. */
function checkBinary(ctx: ParseContext, node: SyntaxNode, opPos: number, parts: BinaryParts): Binary {
  const { op, lhs, rhs, returnBool } = parts;
  let matching = parts.matching;
  const lt = typeOf(lhs);
  const rt = typeOf(rhs);
  const isSet = SET_OPS.has(op);
  if (returnBool && !COMPARISONS.has(op)) fail(opPos, 'bool modifier can only be used on comparison operators');
  if (COMPARISONS.has(op) && !returnBool && lt === 'scalar' && rt === 'scalar') fail(opPos, 'comparisons between scalars must use BOOL modifier');
  if (isSet && matching?.card === 'one-to-one') matching = { ...matching, card: 'many-to-many' };
  if (matching?.kind === 'on') {
    const both = matching.labels.find((l) => matching?.include.includes(l));
    if (both !== undefined) fail(opPos, `label ${JSON.stringify(both)} must not occur in ON and GROUP clause at once`);
  }
  if (lt !== 'scalar' && lt !== 'vector') fail(ctx.startOf(lhs), 'binary expression must contain only scalar and instant vector types');
  if (rt !== 'scalar' && rt !== 'vector') fail(ctx.startOf(rhs), 'binary expression must contain only scalar and instant vector types');
  if (lt !== 'vector' || rt !== 'vector') {
    if (matching !== undefined && matching.labels.length > 0) fail(node.from, 'vector matching only allowed between instant vectors');
    matching = undefined;
  } else if (isSet && matching !== undefined && matching.card !== 'many-to-many') {
    fail(node.from, `no grouping allowed for ${JSON.stringify(op)} operation`);
  }
  if ((lt === 'scalar' || rt === 'scalar') && isSet) fail(node.from, `set operator ${JSON.stringify(op)} not allowed in binary scalar expression`);
  const base = { type: 'Binary' as const, op, lhs, rhs, returnBool };
  return matching === undefined ? base : { ...base, matching };
}

export function aggregate(ctx: ParseContext, node: SyntaxNode): Aggregate {
  const parts = kids(node);
  const opNode = parts[0]?.firstChild;
  const op = AGGREGATE_OPS.get(opNode?.name ?? '');
  if (opNode === undefined || opNode === null || op === undefined) notSupported(node.from, `the aggregation ${JSON.stringify(ctx.src(parts[0] ?? node))}`);
  const modifier = parts.find((p) => p.name === 'AggregateModifier');
  const body = parts.find((p) => p.name === 'FunctionCallBody');
  if (body === undefined) fail(node.to, 'unexpected end of input in aggregation');
  const args = kids(body).map((arg) => ctx.expr(arg));
  if (args.length === 0) fail(node.from, 'no arguments for aggregate expression provided');
  const withParam = op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values';
  const wanted = withParam ? 2 : 1;
  if (args.length !== wanted) {
    fail(node.from, `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`);
  }
  const expr = args[wanted - 1] as Expr;
  ctx.expectType(expr, 'vector', 'aggregation expression');
  const param = withParam ? args[0] : undefined;
  if (param !== undefined) ctx.expectType(param, op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
  const labelsNode = modifier === undefined ? undefined : kids(modifier)[1];
  const grouping = labelsNode === undefined ? [] : groupingLabels(ctx, labelsNode);
  const without = modifier?.firstChild?.name === 'Without';
  return { type: 'Aggregate', op, expr, ...(param === undefined ? {} : { param }), grouping, without };
}

export function call(ctx: ParseContext, node: SyntaxNode): Call {
  const name = ctx.src(kid(node, 0));
  const sig = FUNCTION_SIGNATURES.get(name);
  if (sig === undefined) fail(node.from, unsupportedFunctionMessage(name));
  const args = kids(kid(node, 1)).map((arg) => ctx.expr(arg));
  const nargs = sig.argTypes.length;
  const quoted = JSON.stringify(name);
  if (!sig.variadic && sig.optionalArgs === 0) {
    if (args.length !== nargs) fail(node.from, `expected ${nargs} argument(s) in call to ${quoted}, got ${args.length}`);
  } else {
    // Like Prometheus's Variadic, the repeated last argument may also be absent (label_join with no sources).
    const min = nargs - sig.optionalArgs - (sig.variadic ? 1 : 0);
    if (args.length < min) fail(node.from, `expected at least ${min} argument(s) in call to ${quoted}, got ${args.length}`);
    if (!sig.variadic && args.length > nargs) fail(node.from, `expected at most ${nargs} argument(s) in call to ${quoted}, got ${args.length}`);
  }
  args.forEach((arg, i) => {
    const want = sig.argTypes[Math.min(i, nargs - 1)];
    if (want !== undefined) ctx.expectType(arg, want, `call to function ${quoted}`);
  });
  return { type: 'Call', func: name, args };
}
