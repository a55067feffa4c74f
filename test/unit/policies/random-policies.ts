import fc from 'fast-check';
import type { TimePointInput } from '../../../src/policies';

/** The signature random formulas and traces use. */
export const RANDOM_SIGNATURE = 'p(x:int)\nq(x:int)\nr(x:int,y:int)\ne()\n';

function intervalText(lo: number, width: number, openLo: boolean, openHi: boolean, unbounded: boolean): string {
  const hi = lo + width;
  if (unbounded) return `${openLo ? '(' : '['}${lo},*)`;
  if ((openLo ? lo + 1 : lo) > (openHi ? hi - 1 : hi)) return `[${lo},${hi}]`;
  return `${openLo ? '(' : '['}${lo},${hi}${openHi ? ')' : ']'}`;
}

const interval = (bounded: boolean): fc.Arbitrary<string> =>
  fc
    .tuple(fc.nat(3), fc.nat(4), fc.boolean(), fc.boolean(), bounded ? fc.constant(false) : fc.boolean(), fc.nat(5))
    .map(([lo, width, openLo, openHi, unbounded, omit]) => (omit === 0 && !bounded ? '' : intervalText(lo, width, openLo, openHi, unbounded)));

const LEAVES = ['p(x)', 'p(y)', 'q(x)', 'q(y)', 'r(x,y)', 'r(y,x)', 'r(x,x)', 'p(1)', 'e()', 'TRUE', 'FALSE', 'r(x,_)', 'q(2)'];

const memo = new Map<number, fc.Arbitrary<string>>();

/** Formulas over p, q, r, e up to a depth: every connective and temporal operator, parenthesised. */
export function formulaText(depth: number): fc.Arbitrary<string> {
  const known = memo.get(depth);
  if (known !== undefined) return known;
  const leaf = fc.constantFrom(...LEAVES);
  if (depth === 0) return leaf;
  const sub = formulaText(depth - 1);
  const unary = fc.oneof(
    sub.map((f) => `NOT (${f})`),
    fc.tuple(fc.constantFrom('ONCE', 'HISTORICALLY', 'PREVIOUS', 'NEXT'), interval(false), sub).map(([op, i, f]) => `${op}${i} (${f})`),
    fc.tuple(fc.constantFrom('EVENTUALLY', 'ALWAYS'), interval(true), sub).map(([op, i, f]) => `${op}${i} (${f})`),
    fc.tuple(fc.constantFrom('EXISTS x.', 'EXISTS y.', 'FORALL y.', 'EXISTS x,y.'), sub).map(([q, f]) => `${q} (${f})`),
  );
  const binary = fc.oneof(
    fc.tuple(sub, fc.constantFrom('AND', 'OR', 'IMPLIES', 'EQUIV', 'AND NOT'), sub).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc.tuple(sub, interval(false), sub).map(([a, i, b]) => `(${a}) SINCE${i} (${b})`),
    fc.tuple(sub, interval(true), sub).map(([a, i, b]) => `(${a}) UNTIL${i} (${b})`),
    fc.tuple(sub, fc.constantFrom('x < 2', 'NOT x = y', 'y = x + 1', 'x <= y', 'x = 3 OR y > 0')).map(([a, c]) => `(${a}) AND ${c}`),
  );
  const arb = fc.oneof({ weight: 1, arbitrary: leaf }, { weight: 2, arbitrary: unary }, { weight: 2, arbitrary: binary });
  memo.set(depth, arb);
  return arb;
}

const value = fc.integer({ min: 0, max: 3 });
const event = fc.oneof(
  value.map((x) => ({ pred: 'p', args: [x] })),
  value.map((x) => ({ pred: 'q', args: [x] })),
  fc.tuple(value, value).map(([x, y]) => ({ pred: 'r', args: [x, y] })),
  fc.constant({ pred: 'e', args: [] }),
);

/** Short traces with equal timestamps, gaps and empty time points. */
export const trace: fc.Arbitrary<TimePointInput[]> = fc
  .array(fc.tuple(fc.nat(3), fc.array(event, { maxLength: 4 })), { minLength: 1, maxLength: 10 })
  .map((points) => {
    let ts = 0;
    return points.map(([gap, events]) => ({ ts: (ts += gap), events }));
  });
