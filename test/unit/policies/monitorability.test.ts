import { createMonitor, parseSignature, PolicyNotMonitorableError, PolicyTypeError } from '../../../src/policies';

const sig = parseSignature('p(x:int)\nq(x:int)\nr(x:int,y:int)\ns(n:string)\nf(v:float)\ntrans(c:string,t:int,a:int)\nhb()\n');

function refusal(formula: string, negate = false): Error {
  try {
    createMonitor(sig, formula, { negate });
  } catch (e) {
    if (e instanceof PolicyNotMonitorableError || e instanceof PolicyTypeError) return e;
    throw e;
  }
  throw new Error(`accepted: ${formula}`);
}

describe('formulas outside the monitorable fragment are refused with the reason', () => {
  it.each([
    ['unbounded EVENTUALLY', 'p(x) AND EVENTUALLY q(x)', 'unbounded future operator: EVENTUALLY'],
    ['unbounded ALWAYS', 'p(x) AND ALWAYS[1,*) q(x)', 'unbounded future operator: ALWAYS'],
    ['unbounded UNTIL', 'p(x) UNTIL q(x)', 'unbounded future operator: UNTIL'],
    ['a free variable under a top-level negation', 'NOT p(x)', "the formula's free variables (x) are not all bound"],
    ['IMPLIES without negate', 'p(x) IMPLIES ALWAYS[0,5] q(x)', "the formula's free variables (x) are not all bound"],
    ['OR sides over different variables', 'p(x) OR r(x,y)', 'the two sides of OR must have the same free variables (left: x; right: x, y)'],
    ['a negated side with a variable the other lacks', 'p(x) AND NOT r(x,y)', 'the negated or unbounded side of AND (x, y) must be among those of the other side (x)'],
    ['a comparison before its atom', '2000 < a AND trans(c,t,a)', 'the comparison needs its variables (a) bound'],
    ['a comparison alone', 'x < 3', 'the comparison needs its variables (x) bound'],
    ['a comparison with an unbound variable', 'p(x) AND y < x', 'the comparison needs its variables (y) bound'],
    ['SINCE with a left variable the right lacks', 'r(x,y) SINCE p(x)', 'left side of SINCE (x, y) must be among those of the right side (x)'],
    ['UNTIL with a negated right side', 'p(x) UNTIL[0,3] NOT q(x)', 'the right side of UNTIL has free variables (x)'],
    ['ONCE of a negation with a variable no atom binds', 'p(x) AND ONCE (NOT r(x,y))', 'not monitorable'],
    ['EVENTUALLY of a negation with free variables', 'p(x) AND EVENTUALLY[0,3] (NOT q(x) AND NOT p(x))', 'not monitorable'],
    ['an aggregation over a variable the body lacks', 'n <- SUM y p(x)', 'the aggregation variable y is not a free variable'],
    ['a group-by variable the body lacks', 'n <- SUM x; y p(x)', 'the group-by variable y is not a free variable'],
    ['an aggregation over an unbounded set', 'n <- CNT x NOT p(x)', 'the aggregated formula has free variables (x)'],
    ['a computed argument of an atom', 'p(x) AND q(x + 1)', 'computed term over variables'],
  ])('%s', (_what, formula, reason) => {
    const e = refusal(formula);
    expect(e).toBeInstanceOf(PolicyNotMonitorableError);
    expect(e.message).toContain(reason);
    expect(e.message).toMatch(/^formula \d+:\d+: not monitorable: /);
  });

  it('accepts `A IMPLIES ALWAYS[0,5] B` with negate, as MonPoly does', () => {
    expect(createMonitor(sig, 'p(x) IMPLIES ALWAYS[0,5] q(x)', { negate: true }).variables).toEqual(['x']);
  });

  it.each([
    ['a negation guarded by its atom', 'p(x) AND NOT q(x)'],
    ['NOT on the left of SINCE', 'NOT q(x) SINCE p(x)'],
    ['NOT on the left of UNTIL', 'NOT q(x) UNTIL[0,4] p(x)'],
    ['IMPLIES inside a guard', 'p(x) AND (q(x) IMPLIES r(x,x))'],
    ['FORALL under a guard', 'p(x) AND FORALL y. (r(x,y) IMPLIES q(y))'],
    ['a closed negation', 'NOT hb()'],
    ['HISTORICALLY under a guard', 'p(x) AND HISTORICALLY[0,6] q(x)'],
    ['an assignment', 'p(x) AND y = x * 2'],
    ['a constant assignment', 'x = 3'],
    ['comparisons after the atom', 'trans(c,t,a) AND 2000 < a AND NOT c = "bank"'],
    ['an unbounded NEXT', 'p(x) AND NEXT q(x)'],
    ['OR with the sides in another order', 'r(x,y) OR r(y,x)'],
  ])('accepts %s', (_what, formula) => {
    expect(() => createMonitor(sig, formula)).not.toThrow();
  });
});

describe('type errors are refused with the position', () => {
  it.each([
    ['a variable both int and string', 'p(x) AND s(x)', 'the variable x is used both as int and as string'],
    ['an int compared with a string', 'p(x) AND x = "a"', 'int'],
    ['arithmetic mixing int and float', 'p(x) AND f(v) AND v < x + 1.5', 'expected int, found float'],
    ['MOD of floats', 'f(v) AND w = v MOD 2.0', 'MOD needs ints'],
    ['a string sum', 'n <- SUM s s(s)', 'SUM needs an int or float variable'],
    ['an unknown predicate', 'nope(x)', 'the predicate nope is not in the signature'],
    ['a wrong arity', 'r(x)', 'r takes 2 argument(s), the formula gives 1'],
    ['a constant of the wrong type', 's(3)', 'expected string, found int'],
  ])('%s', (_what, formula, message) => {
    const e = refusal(formula);
    expect(e).toBeInstanceOf(PolicyTypeError);
    expect(e.message).toContain(message);
  });
});
