/**
 * Finds what Prometheus 2.42 would report first in a query that lezer-promql parsed: a lexical error (a
 * bad string escape, an unterminated string, a malformed number) or a syntax error (an error node of the
 * error-tolerant lezer tree), whichever comes first, described the way Prometheus's lexer would.
 */
import type { SyntaxNodeRef, Tree } from '@lezer/common';
import { PromqlError } from './engine-api';
import { KEYWORDS, PROMETHEUS_2_42_FUNCTIONS } from './function-names';
import { FUNCTION_SIGNATURES } from './functions/signatures';
import { parseTree } from './grammar';
import { isDurationToken, LiteralError, parseNumberToken, unquoteString } from './literals';
import { compileRegex } from './matchers';
import { ParseFailure } from './parse-failure';

const NUMBER_NODES: ReadonlySet<string> = new Set(['NumberDurationLiteral', 'NumberDurationLiteralInDurationContext']);

/** The number or duration token of a (possibly signed) literal node, and where it starts. */
export function unsignedToken(text: string, from: number, to: number): { token: string; pos: number } {
  const raw = text.slice(from, to).replace(/^[-+]/, ' ');
  const match = /\S+$/.exec(raw);
  const token = match?.[0] ?? raw;
  return { token, pos: to - token.length };
}

/** An invalid regex in a complete matcher: Prometheus reports it before any later syntax error. */
function regexProblem(node: SyntaxNodeRef, text: string): ParseFailure | undefined {
  const op = node.node.getChild('MatchOp')?.firstChild?.name;
  const value = node.node.getChild('StringLiteral');
  if ((op !== 'EqlRegex' && op !== 'NeqRegex') || value === null) return undefined;
  try {
    compileRegex(unquoteString(text.slice(value.from, value.to)));
  } catch (err) {
    if (err instanceof PromqlError) return new ParseFailure(node.from, err.message);
    if (err instanceof LiteralError) return undefined; // reported at the string itself
    throw err;
  }
  return undefined;
}

/** `[5]`: Prometheus's lexer wants a unit right after the bracket. */
function missingUnit(node: SyntaxNodeRef, text: string): ParseFailure | undefined {
  const { token, pos } = unsignedToken(text, node.from, node.to);
  const before = text.slice(0, node.from).trimEnd();
  const glued = /\w/.test(text[node.to] ?? ''); // `[1.5m]`: one bad token for Go's lexer
  if (!before.endsWith('[') || glued || isDurationToken(token) || parseNumberToken(token) === undefined) return undefined;
  return new ParseFailure(pos, 'missing unit character in duration');
}

function lexicalProblem(name: string, text: string, from: number, to: number): ParseFailure | undefined {
  if (name === 'StringLiteral') {
    try {
      unquoteString(text.slice(from, to));
    } catch (err) {
      if (err instanceof LiteralError) return new ParseFailure(from + err.offset, err.message);
      throw err;
    }
    return undefined;
  }
  if (NUMBER_NODES.has(name)) {
    const { token, pos } = unsignedToken(text, from, to);
    if (token.trim() === '' || isDurationToken(token)) return undefined;
    const value = parseNumberToken(token);
    if (value === undefined) return new ParseFailure(pos, `bad number or duration syntax: ${JSON.stringify(token)}`);
    if (!Number.isFinite(value) && !/^(inf|nan)$/i.test(token)) {
      return new ParseFailure(pos, `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(token)}: value out of range`);
    }
  }
  return undefined;
}

/** The first problem of the tree, or undefined when the tree is a clean parse. */
export function firstProblem(tree: Tree, text: string, depth = 0): ParseFailure | undefined {
  let best: ParseFailure | undefined;
  const consider = (candidate: ParseFailure | undefined): void => {
    if (candidate !== undefined && (best === undefined || candidate.pos < best.pos)) best = candidate;
  };
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) {
        consider(new ParseFailure(node.from, '')); // described below, once the earliest is known
        return;
      }
      consider(lexicalProblem(node.name, text, node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher') consider(regexProblem(node, text));
      if (node.name === 'NumberDurationLiteralInDurationContext') consider(missingUnit(node, text));
    },
  });
  if (best === undefined || best.message !== '') return best;
  return describeSyntaxError(text, best.pos, depth);
}

const OPERATOR_WORDS: ReadonlySet<string> = new Set(['atan2', 'and', 'or', 'unless']);

const OPERATORS = ['==', '!=', '>=', '<=', '=~', '!~', '>', '<', '=', '+', '-', '*', '/', '%', '^', '@', ',', ':', '(', ')', '[', ']', '{', '}'];

function skipBlank(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '#') return i;
    while (i < text.length && text[i] !== '\n') i++;
  }
}

/** Describes the token at `pos` as Prometheus's parser names it in "unexpected ..." messages. */
export function describeSyntaxError(text: string, pos: number, depth = 0): ParseFailure {
  const at = skipBlank(text, pos);
  if (at >= text.length) return new ParseFailure(at, 'unexpected end of input');
  const call = unknownCall(text, at, depth);
  if (call !== undefined) return call;
  const special = bracketOrNumberProblem(text, at);
  if (special !== undefined) return special;
  const rest = text.slice(at);
  const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest)?.[0];
  if (word !== undefined) {
    const lower = word.toLowerCase();
    return new ParseFailure(at, KEYWORDS.has(lower) ? `unexpected <${lower}>` : `unexpected identifier ${JSON.stringify(word)}`);
  }
  const duration = /^(\d+(ms|[ywdhms]))+(?![A-Za-z0-9_])/.exec(rest)?.[0];
  if (duration !== undefined) return new ParseFailure(at, `unexpected duration ${JSON.stringify(duration)}`);
  const num = /^(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(rest)?.[0];
  if (num !== undefined) return new ParseFailure(at, `unexpected number ${JSON.stringify(num)}`);
  const quote = rest[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    return new ParseFailure(at, `unexpected string ${rest.split('\n')[0] ?? ''}`);
  }
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op !== undefined) return new ParseFailure(at, `unexpected ${JSON.stringify(op)}`);
  return new ParseFailure(at, `unexpected character: '${String.fromCodePoint(rest.codePointAt(0) ?? 0)}'`);
}

/** Where Prometheus's lexer, not its parser, reports: stray closers, trailing commas, `1.5m`. */
function bracketOrNumberProblem(text: string, at: number): ParseFailure | undefined {
  const ch = text[at];
  if (ch === ')') {
    const before = text.slice(0, at).trimEnd();
    if (before.endsWith(',')) return new ParseFailure(before.length - 1, 'trailing commas not allowed in function call args');
    const opened = (before.match(/\(/g) ?? []).length - (before.match(/\)/g) ?? []).length;
    if (opened <= 0) return new ParseFailure(at + 1, "unexpected right parenthesis ')'");
  }
  if (ch === ']') return new ParseFailure(at, "unexpected right bracket ']'");
  if (ch === '}') return new ParseFailure(at, "unexpected character: '}'");
  // `1.5m`, `1d1w`: one token for Prometheus's lexer, two for the grammar's.
  if (/\w/.test(ch ?? '') && /[\w.]/.test(text[at - 1] ?? '')) {
    const start = /[\w.]+$/.exec(text.slice(0, at))?.index ?? at;
    const token = /^[\w.]+/.exec(text.slice(start))?.[0] ?? '';
    if (/^[0-9.]/.test(token)) {
      return new ParseFailure(start, token.includes('.') ? `bad number or duration syntax: ${JSON.stringify(token)}` : `not a valid duration string: ${JSON.stringify(token)}`);
    }
  }
  return undefined;
}

/**
 * `name(` where the grammar knows no function `name`. Prometheus names the function only once the call's
 * arguments have parsed: read it again with a known function of the same length in its place (the name
 * padded with blanks, so positions hold) and report what comes first.
 */
function unknownCall(text: string, at: number, depth: number): ParseFailure | undefined {
  const failure = unknownCallName(text, at);
  if (failure === undefined || failure.message.startsWith('unexpected <op:') || depth > 8) return failure;
  const width = at - failure.pos;
  if (width < 2) return failure;
  const known = width === 2 ? 'ln' : 'abs';
  // A call the grammar refuses even with a known name: not a question of the name.
  if (text.slice(failure.pos, at).trim() === known) return new ParseFailure(at, 'unexpected "("');
  const replaced = `${text.slice(0, failure.pos)}${known.padEnd(width)}${text.slice(at)}`;
  const tree = parseTree(replaced);
  const inner = firstProblem(tree, replaced, depth + 1);
  if (inner === undefined) return failure;
  let callEnd = text.length;
  tree.iterate({
    enter: (node) => {
      if (node.name === 'FunctionCall' && node.from === failure.pos) callEnd = node.to;
      return callEnd === text.length;
    },
  });
  const closed = replaced[callEnd - 1] === ')';
  return inner.pos < callEnd || (!closed && inner.pos === callEnd) ? inner : failure;
}

/** `name(` where the grammar knows no function `name`: Prometheus names the function. */
function unknownCallName(text: string, at: number): ParseFailure | undefined {
  if (text[at] !== '(') return undefined;
  const match = /([A-Za-z_:][A-Za-z0-9_:]*)\s*$/.exec(text.slice(0, at));
  const name = match?.[1];
  if (match === null || name === undefined) return undefined;
  if (name.includes(':')) return new ParseFailure(at, 'unexpected "("'); // a recording rule's name, never a function
  if (OPERATOR_WORDS.has(name.toLowerCase())) return new ParseFailure(match.index, `unexpected <op:${name.toLowerCase()}>`);
  if (KEYWORDS.has(name.toLowerCase())) return undefined;
  return new ParseFailure(match.index, unsupportedFunctionMessage(name));
}

export function unsupportedFunctionMessage(name: string): string {
  if (FUNCTION_SIGNATURES.has(name)) return `function ${JSON.stringify(name)} cannot be called here`;
  return PROMETHEUS_2_42_FUNCTIONS.has(name)
    ? `function ${JSON.stringify(name)} is not supported`
    : `unknown function with name ${JSON.stringify(name)}`;
}
