/**
 * Selectors and their modifiers, from the lezer tree to the AST, with Prometheus 2.42's checks: vector
 * selectors and their matchers, ranges, subqueries, `offset` and `@`, durations (literals only: no
 * duration arithmetic, which came after 2.42).
 */
import type { SyntaxNode } from '@lezer/common';
import type { AtModifier, Expr, LabelMatcher, MatchType, MatrixSelector, Subquery, VectorSelector } from './ast';
import { parseDuration } from './duration';
import { PromqlError } from './engine-api';
import { isDurationToken, parseNumberToken, unquoteString } from './literals';
import { compileMatcher } from './matchers';
import { applyUnary, kid, kids, notSupported, type ParseContext, underOperators } from './parse-context';
import { binary } from './parse-operations';
import { fail } from './parse-failure';
import { unsignedToken } from './syntax-errors';
import { typeOf } from './value-type';

const MATCH_OPS: ReadonlyMap<string, MatchType> = new Map([
  ['EqlSingle', '='],
  ['Neq', '!='],
  ['EqlRegex', '=~'],
  ['NeqRegex', '!~'],
]);

function matcher(ctx: ParseContext, node: SyntaxNode): LabelMatcher {
  if (node.name !== 'UnquotedLabelMatcher') notSupported(node.from, 'a quoted label name');
  const [nameNode, opNode, valueNode] = kids(node);
  const opName = opNode?.firstChild?.name ?? '';
  const type = MATCH_OPS.get(opName);
  if (nameNode === undefined || valueNode === undefined || type === undefined) fail(node.from, 'unexpected label matcher');
  const m: LabelMatcher = { name: ctx.src(nameNode), type, value: unquoteString(ctx.src(valueNode)) };
  try {
    compileMatcher(m); // an invalid regex is a parse error, at the matcher
  } catch (err) {
    if (err instanceof PromqlError) fail(node.from, err.message);
    throw err;
  }
  return m;
}

export function vectorSelector(ctx: ParseContext, node: SyntaxNode): VectorSelector {
  let name: string | undefined;
  const written: LabelMatcher[] = [];
  for (const child of kids(node)) {
    if (child.name === 'Identifier') name = ctx.src(child);
    else if (child.name === 'LabelMatchers') written.push(...kids(child).map((m) => matcher(ctx, m)));
  }
  if (name !== undefined) {
    const other = written.find((m) => m.name === '__name__');
    if (other !== undefined) fail(node.from, `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(other.value)}`);
    return { type: 'VectorSelector', matchers: [{ name: '__name__', type: '=', value: name }, ...written], offsetMs: 0 };
  }
  // Without one, a typo would silently select every series.
  if (ctx.requireNonEmptyMatcher && !written.some((m) => !compileMatcher(m)(''))) fail(node.from, 'vector selector must contain at least one non-empty matcher');
  return { type: 'VectorSelector', matchers: written, offsetMs: 0 };
}

/**
 * A duration literal of a range, subquery step or offset: Prometheus 2.42 accepts only a literal like
 * `5m` or `1h30m` there, greater than 0.
 */
function durationLiteral(ctx: ParseContext, node: SyntaxNode, context: string): number {
  const children = kids(node);
  const literal = children[0];
  if (children.length !== 1 || literal?.name !== 'NumberDurationLiteralInDurationContext') {
    notSupported(node.from, `duration expression ${JSON.stringify(ctx.src(node))} (only a duration literal like 5m is allowed)`);
  }
  const { token, pos } = unsignedToken(ctx.text, literal.from, literal.to);
  if (!isDurationToken(token)) {
    if (context === 'range') fail(pos, 'missing unit character in duration');
    const kind = parseNumberToken(token) === undefined ? 'token' : 'number';
    fail(pos, `unexpected ${kind} ${JSON.stringify(token)} in ${context}, expected duration`);
  }
  let ms: number;
  try {
    ms = parseDuration(token);
  } catch (err) {
    if (err instanceof PromqlError) fail(pos, err.message);
    throw err;
  }
  if (ms === 0) fail(pos, 'duration must be greater than 0');
  return ms;
}

function bracketAfter(ctx: ParseContext, inner: SyntaxNode): number {
  const at = ctx.text.indexOf('[', inner.to);
  return at < 0 ? inner.to : at;
}

export function matrixSelector(ctx: ParseContext, node: SyntaxNode): Expr {
  const innerNode = kid(node, 0);
  const bracket = bracketAfter(ctx, innerNode);
  return postfix(ctx, innerNode, (inner): MatrixSelector => {
    if (inner.type !== 'VectorSelector') fail(bracket, 'ranges only allowed for vector selectors');
    if (inner.offsetMs !== 0) fail(bracket, 'no offset modifiers allowed before range');
    if (inner.at !== undefined) fail(bracket, 'no @ modifiers allowed before range');
    return { type: 'MatrixSelector', vector: inner, rangeMs: durationLiteral(ctx, kid(node, 1), 'range') };
  });
}

export function subquery(ctx: ParseContext, node: SyntaxNode): Expr {
  const [innerNode, rangeNode, stepNode] = kids(node);
  if (innerNode === undefined || rangeNode === undefined) fail(node.to, 'unexpected end of input');
  return postfix(ctx, innerNode, (inner): Subquery => {
    const rangeMs = durationLiteral(ctx, rangeNode, 'subquery selector');
    const stepMs = stepNode === undefined ? undefined : durationLiteral(ctx, stepNode, 'subquery selector');
    const type = typeOf(inner);
    if (type !== 'vector') fail(ctx.startOf(inner), `subquery is only allowed on instant vector, got ${type} instead`);
    return { type: 'Subquery', expr: inner, rangeMs, ...(stepMs === undefined ? {} : { stepMs }), offsetMs: 0 };
  });
}

/**
 * Applies a range, subquery, offset or @ to the expression lezer put before it. These bind tighter than
 * every operator in PromQL, but lezer reads `a + b offset 5m` as `(a + b) offset 5m` and `-foo[5m:]` as
 * `(-foo)[5m:]`: the modifier goes to the rightmost operand instead, before the operator's checks. A
 * signed literal there (`-1 offset 1m`) is `-(1 offset 1m)`: errors point at the number.
 */
function postfix(ctx: ParseContext, node: SyntaxNode, apply: (operand: Expr) => Expr): Expr {
  if (node.name === 'BinaryExpr') return binary(ctx, node, (rhsNode) => postfix(ctx, rhsNode, apply));
  if (node.name === 'UnaryExpr') {
    const op = ctx.src(kid(node, 0)) === '-' ? '-' : '+';
    return applyUnary(ctx, op, postfix(ctx, kid(node, 1), apply), node.from);
  }
  if (node.name === 'NumberDurationLiteral') {
    return apply(ctx.at(ctx.expr(node), unsignedToken(ctx.text, node.from, node.to).pos));
  }
  return underOperators(ctx, ctx.expr(node), apply);
}

type Modifiable = VectorSelector | MatrixSelector | Subquery;

function modifiable(ctx: ParseContext, inner: Expr, what: string): Modifiable {
  if (inner.type === 'VectorSelector' || inner.type === 'MatrixSelector' || inner.type === 'Subquery') return inner;
  fail(ctx.startOf(inner), `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
}

function offsetDuration(ctx: ParseContext, node: SyntaxNode): number {
  const children = kids(node);
  const first = children[0];
  if (first?.name === 'UnaryOp') {
    const operand = children[1];
    if (ctx.src(first) !== '-' || operand === undefined) fail(first.from, `unexpected "${ctx.src(first)}" in offset, expected duration`);
    const operandFirst = kids(operand)[0];
    if (operandFirst?.name === 'UnaryOp') fail(operandFirst.from, `unexpected "${ctx.src(operandFirst)}" in offset, expected duration`);
    return -durationLiteral(ctx, operand, 'offset');
  }
  return durationLiteral(ctx, node, 'offset');
}

export function offset(ctx: ParseContext, node: SyntaxNode): Expr {
  const innerNode = kid(node, 0);
  const durationNode = kids(node).find((c) => c.name === 'OffsetDurationExpr');
  if (durationNode === undefined) fail(node.to, 'unexpected end of input in offset, expected duration');
  return postfix(ctx, innerNode, (inner) => {
    const target = modifiable(ctx, inner, 'offset');
    const offsetMs = offsetDuration(ctx, durationNode);
    const current = target.type === 'MatrixSelector' ? target.vector.offsetMs : target.offsetMs;
    if (current !== 0) fail(ctx.startOf(inner), 'offset may not be set multiple times');
    const result = target.type === 'MatrixSelector' ? { ...target, vector: { ...target.vector, offsetMs } } : { ...target, offsetMs };
    return ctx.at(result, ctx.startOf(inner));
  });
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function atModifier(ctx: ParseContext, node: SyntaxNode, targetPos: number): AtModifier {
  if (node.name === 'AtModifierPreprocessors') return { kind: node.firstChild?.name === 'AtEnd' ? 'end' : 'start' };
  const raw = ctx.src(node);
  const { token, pos } = unsignedToken(ctx.text, node.from, node.to);
  if (isDurationToken(token)) fail(pos, `unexpected duration ${JSON.stringify(token)} in @, expected timestamp`);
  const unsigned = parseNumberToken(token) ?? NaN;
  const seconds = raw.trimStart().startsWith('-') ? -unsigned : unsigned;
  if (!Number.isFinite(seconds) || Math.abs(seconds) >= 2 ** 63) {
    fail(targetPos, `timestamp out of bounds for @ modifier: ${seconds.toFixed(6)}`);
  }
  return { kind: 'time', ms: roundHalfAwayFromZero(seconds * 1000) };
}

export function stepInvariant(ctx: ParseContext, node: SyntaxNode): Expr {
  const innerNode = kid(node, 0);
  const timeNode = kids(node).find((c) => c.name === 'NumberDurationLiteral' || c.name === 'AtModifierPreprocessors');
  if (timeNode === undefined) fail(node.to, 'unexpected end of input in @, expected timestamp');
  return postfix(ctx, innerNode, (inner) => {
    const target = modifiable(ctx, inner, '@');
    const at = atModifier(ctx, timeNode, ctx.startOf(inner));
    const current = target.type === 'MatrixSelector' ? target.vector.at : target.at;
    if (current !== undefined) fail(ctx.startOf(inner), '@ <timestamp> may not be set multiple times');
    const result = target.type === 'MatrixSelector' ? { ...target, vector: { ...target.vector, at } } : { ...target, at };
    return ctx.at(result, ctx.startOf(inner));
  });
}
