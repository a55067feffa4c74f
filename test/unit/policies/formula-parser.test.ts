import type { Formula, Interval, Term } from '../../../src/policies/ast';
import { parseFormula, PolicySyntaxError } from '../../../src/policies';

/** An s-expression of the parse, to state precedence and sugar plainly. */
function show(f: Formula): string {
  const i = (x: Interval): string => `[${x.lo},${x.hi ?? '*'}]`;
  switch (f.kind) {
    case 'pred':
      return `${f.name}(${f.args.map(term).join(',')})`;
    case 'bool':
      return f.value ? 'TRUE' : 'FALSE';
    case 'cmp':
      return `(${term(f.left)} ${f.op} ${term(f.right)})`;
    case 'not':
      return `(NOT ${show(f.arg)})`;
    case 'and':
    case 'or':
    case 'implies':
    case 'equiv':
      return `(${show(f.left)} ${f.kind.toUpperCase()} ${show(f.right)})`;
    case 'exists':
    case 'forall':
      return `(${f.kind.toUpperCase()} ${f.vars.join(',')}. ${show(f.arg)})`;
    case 'temporal':
      return `(${f.op}${i(f.interval)} ${show(f.arg)})`;
    case 'since':
    case 'until':
      return `(${show(f.left)} ${f.kind.toUpperCase()}${i(f.interval)} ${show(f.right)})`;
    case 'aggregation':
      return `(${f.result} <- ${f.op} ${f.variable}; ${f.groupBy.join(',')} ${show(f.arg)})`;
  }
}

function term(t: Term): string {
  switch (t.kind) {
    case 'var':
      return t.name;
    case 'const':
      return typeof t.value === 'string' ? `"${t.value}"` : `${t.value}${t.type === 'float' ? 'f' : ''}`;
    case 'unary':
      return `${t.op}(${term(t.arg)})`;
    case 'binary':
      return `(${term(t.left)} ${t.op} ${term(t.right)})`;
  }
}

const parse = (text: string): string => show(parseFormula(text));

function syntaxError(text: string): PolicySyntaxError {
  try {
    parseFormula(text);
  } catch (e) {
    if (e instanceof PolicySyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('formula parser: atoms and terms', () => {
  it.each([
    ['p(x, 3, "s")', 'p(x,3,"s")'],
    ['hb()', 'hb()'],
    ['p(-1, 2.5)', 'p(-1,2.5f)'],
    ['p(x, _)', '(EXISTS _1. p(x,_1))'],
    ['TRUE', 'TRUE'],
    ['FALSE', 'FALSE'],
    ['x = y', '(x = y)'],
    ['x < 3', '(x < 3)'],
    ['x <= 3', '(x <= 3)'],
    ['x > 3', '(3 < x)'],
    ['x >= 3', '(3 <= x)'],
    ['y = x + 2 * 3 - 1', '(y = ((x + (2 * 3)) - 1))'],
    ['y = (x + 2) * 3', '(y = ((x + 2) * 3))'],
    ['y = x / 2 MOD 3', '(y = ((x / 2) MOD 3))'],
    ['y = -x', '(y = neg(x))'],
    ['y = -x + 1', '(y = (neg(x) + 1))'],
    ['y = - -1', '(y = 1)'],
    ['y = i2f(x) + 1.5', '(y = (i2f(x) + 1.5f))'],
    ['s = i2s(f2i(s2f(t)))', '(s = i2s(f2i(s2f(t))))'],
    ['(x + 1) = y', '((x + 1) = y)'],
  ])('%s', (text, expected) => {
    expect(parse(text)).toBe(expected);
  });
});

describe('formula parser: connectives, quantifiers, temporal operators and intervals', () => {
  it.each([
    ['NOT p(x)', '(NOT p(x))'],
    ['p(x) AND q(x)', '(p(x) AND q(x))'],
    ['p(x) OR q(x)', '(p(x) OR q(x))'],
    ['p(x) IMPLIES q(x)', '(p(x) IMPLIES q(x))'],
    ['p(x) EQUIV q(x)', '(p(x) EQUIV q(x))'],
    ['EXISTS x, y. r(x,y)', '(EXISTS x,y. r(x,y))'],
    ['FORALL x. p(x)', '(FORALL x. p(x))'],
    ['PREVIOUS p(x)', '(PREVIOUS[0,*] p(x))'],
    ['PREV[1,3] p(x)', '(PREVIOUS[1,3] p(x))'],
    ['NEXT[0,2] p(x)', '(NEXT[0,2] p(x))'],
    ['ONCE[5,20] p(x)', '(ONCE[5,20] p(x))'],
    ['HISTORICALLY[0,6] p(x)', '(HISTORICALLY[0,6] p(x))'],
    ['PAST_ALWAYS[0,6] p(x)', '(HISTORICALLY[0,6] p(x))'],
    ['EVENTUALLY[2,10] p(x)', '(EVENTUALLY[2,10] p(x))'],
    ['SOMETIMES[2,10] p(x)', '(EVENTUALLY[2,10] p(x))'],
    ['ALWAYS[0,5] p(x)', '(ALWAYS[0,5] p(x))'],
    ['q(x) SINCE[2,8] p(x)', '(q(x) SINCE[2,8] p(x))'],
    ['q(x) SINCE p(x)', '(q(x) SINCE[0,*] p(x))'],
    ['a(x) UNTIL[1,6] b(x)', '(a(x) UNTIL[1,6] b(x))'],
    ['ONCE(2,5) p(x)', '(ONCE[3,4] p(x))'],
    ['ONCE[2,5) p(x)', '(ONCE[2,4] p(x))'],
    ['ONCE(2,5] p(x)', '(ONCE[3,5] p(x))'],
    ['ONCE[0,*) p(x)', '(ONCE[0,*] p(x))'],
    ['ONCE[0,*] p(x)', '(ONCE[0,*] p(x))'],
    ['ONCE[30s,5m] p(x)', '(ONCE[30,300] p(x))'],
    ['ONCE[1h,7d] p(x)', '(ONCE[3600,604800] p(x))'],
    ['ONCE (p(x))', '(ONCE[0,*] p(x))'],
    ['n <- CNT t; c ONCE[0,60] w(c,t,a)', '(n <- CNT t; c (ONCE[0,60] w(c,t,a)))'],
    ['s <- SUM a; c,d w(c,d,a)', '(s <- SUM a; c,d w(c,d,a))'],
    ['s <- AVG a w(c,d,a)', '(s <- AVG a;  w(c,d,a))'],
    ['m <- MED a; p(a)', '(m <- MED a;  p(a))'],
    ['m <- MIN a; ONCE p(a)', '(m <- MIN a;  (ONCE[0,*] p(a)))'],
    ['(* comment *) p(x) # trailing', 'p(x)'],
  ])('%s', (text, expected) => {
    expect(parse(text)).toBe(expected);
  });
});

describe("formula parser: MonPoly's precedence", () => {
  it.each([
    ['NOT binds tighter than AND', 'NOT p(x) AND q(x)', '((NOT p(x)) AND q(x))'],
    ['NOT takes a comparison', 'p(c) AND NOT c = "bank"', '(p(c) AND (NOT (c = "bank")))'],
    ['AND binds tighter than OR', 'p(x) OR q(x) AND r(x)', '(p(x) OR (q(x) AND r(x)))'],
    ['OR binds tighter than IMPLIES', 'p(x) IMPLIES q(x) OR r(x)', '(p(x) IMPLIES (q(x) OR r(x)))'],
    ['IMPLIES is right-associative', 'a() IMPLIES b() IMPLIES c()', '(a() IMPLIES (b() IMPLIES c()))'],
    ['IMPLIES binds tighter than EQUIV', 'a() EQUIV b() IMPLIES c()', '(a() EQUIV (b() IMPLIES c()))'],
    ['AND is left-associative', 'a() AND b() AND c()', '((a() AND b()) AND c())'],
    ['a unary temporal operator swallows everything to its right', 'p(x) AND ONCE q(x) AND r(x)', '(p(x) AND (ONCE[0,*] (q(x) AND r(x))))'],
    ['but not SINCE', 'p(x) AND ONCE[0,3] q(x) SINCE a(x)', '((p(x) AND (ONCE[0,3] q(x))) SINCE[0,*] a(x))'],
    ['a quantifier swallows everything to its right', 'EXISTS x. p(x) IMPLIES q(x)', '(EXISTS x. (p(x) IMPLIES q(x)))'],
    ['SINCE is right-associative', 'a() SINCE b() SINCE c()', '(a() SINCE[0,*] (b() SINCE[0,*] c()))'],
    ['SINCE is looser than AND', 'a() AND b() SINCE c() OR d()', '((a() AND b()) SINCE[0,*] (c() OR d()))'],
    ['an aggregation swallows everything to its right', 'n <- CNT x p(x) AND q(x)', '(n <- CNT x;  (p(x) AND q(x)))'],
    ['parentheses', '(n <- CNT t; c ONCE[0,60] w(c,t,a)) AND n >= 4', '((n <- CNT t; c (ONCE[0,60] w(c,t,a))) AND (4 <= n))'],
  ])('%s', (_rule, text, expected) => {
    expect(parse(text)).toBe(expected);
  });
});

describe('formula parser: errors name the line, the column and what was wrong', () => {
  it.each([
    ['unexpected character', 'p(x) & q(x)', 1, 6, "unexpected character '&'"],
    ['unterminated string', 'p("abc)', 1, 3, 'unterminated string'],
    ['unterminated comment', 'p(x) (* no end', 1, 6, 'unterminated comment'],
    ['missing closing parenthesis', 'p(x', 1, 4, "expected ',' or ')'"],
    ['trailing tokens', 'p(x) q(x)', 1, 6, 'after a complete formula'],
    ['missing operand', 'p(x) AND', 1, 9, 'the end of the formula'],
    ['a keyword where a term goes', 'p(AND)', 1, 3, 'the keyword AND'],
    ['a comparison without its right side', 'x <', 1, 4, 'expected a term'],
    ['a variable alone is not a formula', 'x AND p(x)', 1, 3, 'expected a formula'],
    ['quantifier without variables', 'EXISTS . p(x)', 1, 8, 'needs at least one variable'],
    ['quantifier without a dot', 'EXISTS x p(x)', 1, 10, "expected '.'"],
    ['empty interval', 'ONCE(3,4) p(x)', 1, 5, 'the interval is empty'],
    ['reversed interval', 'ONCE[5,2] p(x)', 1, 5, 'the interval is empty'],
    ['bad interval bound', 'ONCE[a,2] p(x)', 1, 6, 'expected an interval bound'],
    ['star as a lower bound', 'ONCE[*,2] p(x)', 1, 6, 'expected an interval bound'],
    ['unclosed interval', 'ONCE[1,2 p(x)', 1, 10, "expected ']' or ')'"],
    ['unknown aggregation', 'n <- COUNT x p(x)', 1, 6, 'expected an aggregation'],
    ['aggregation without a variable', 'n <- CNT ; p(x)', 1, 10, 'expected a variable'],
    ['unsupported LET', 'LET p(x) = q(x) IN p(x)', 1, 1, 'LET is not supported'],
    ['unsupported MATCHES', 'p(x) AND x MATCHES r"a"', 1, 12, 'MATCHES is not supported'],
    ['integer out of range', 'p(9007199254740993)', 1, 3, 'out of range'],
    ['a number glued to letters', 'p(12ab)', 1, 3, "unexpected character 'a'"],
    ['on a later line', 'p(x)\nAND\n  q(x', 3, 6, "expected ',' or ')'"],
    ['nested too deeply', `${'NOT '.repeat(300)}p(x)`, 1, 801, 'nested more than 200 levels deep'],
    ['parentheses nested too deeply', `${'('.repeat(300)}p(x)${')'.repeat(300)}`, 1, 201, 'nested more than 200 levels deep'],
    ['a chain of conjunctions too long', `p(x)${' AND p(x)'.repeat(300)}`, 1, 1785, 'nested more than 200 levels deep'],
    ['a sum too long', `x = 1${' + 1'.repeat(300)}`, 1, 799, 'nested more than 200 levels deep'],
    ['minus signs nested too deeply', `x = ${'-'.repeat(300)}1`, 1, 204, 'nested more than 200 levels deep'],
  ])('%s', (_what, text, line, column, message) => {
    const e = syntaxError(text);
    expect(e.position).toEqual({ line, column });
    expect(e.message).toContain(message);
    expect(e.message).toMatch(new RegExp(`^formula ${line}:${column}: `));
  });
});
