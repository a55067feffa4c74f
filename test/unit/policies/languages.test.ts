import { formatVerdict, parseLog, parseSignature, PolicySyntaxError } from '../../../src/policies';
import { formatFloat } from '../../../src/policies/float-format';

function errorOf(run: () => unknown): PolicySyntaxError {
  try {
    run();
  } catch (e) {
    if (e instanceof PolicySyntaxError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('signature parser', () => {
  it('reads name:type and bare type attributes, zero-arity predicates and comments', () => {
    const sig = parseSignature('# payments\nw(c:string, t:int, a:float)\nhb()\nq(int, string)\n');
    expect([...sig.values()]).toEqual([
      { name: 'w', attributes: ['c', 't', 'a'], types: ['string', 'int', 'float'] },
      { name: 'hb', attributes: [], types: [] },
      { name: 'q', attributes: ['', ''], types: ['int', 'string'] },
    ]);
  });

  it('keeps a predicate named like an Object prototype key as an ordinary predicate', () => {
    expect(parseSignature('constructor(x:int)').get('constructor')?.types).toEqual(['int']);
  });

  it.each([
    ['unknown type', 'p(x:integer)', 1, 5, "unknown type 'integer'"],
    ['regexp type', 'p(x:regexp)', 1, 5, 'regexp is not supported'],
    ['a type named like a prototype key', 'p(x:toString)', 1, 5, "unknown type 'toString'"],
    ['missing parenthesis', 'p x:int)', 1, 3, "expected '('"],
    ['missing comma', 'p(x:int y:int)', 1, 9, "expected ',' or ')'"],
    ['missing type after colon', 'p(x:)', 1, 5, "expected a type after 'x:'"],
    ['declared twice', 'p(int)\np(string)', 2, 1, 'declared twice'],
    ['not a name', '3(int)', 1, 1, 'expected a predicate name'],
  ])('refuses %s with its position', (_what, text, line, column, message) => {
    const e = errorOf(() => parseSignature(text));
    expect([e.source, e.position, e.message.includes(message)]).toEqual(['signature', { line, column }, true]);
  });
});

describe('log parser', () => {
  const sig = parseSignature('publish(r:int)\nev(n:string, v:int)\nf(x:float)\nhb()\n');

  it('reads time points, several tuples per predicate, zero-arity events, quotes, comments and `;`', () => {
    const log = '@1 publish (163) (152) hb\n# comment\n@1 ev("bob smith",2) ev("x,y",5); @2\n@3 hb() f(-1.5e2) ev(a/b:c.d!-[x],-7)';
    expect(parseLog(log, sig).map(({ ts, events }) => ({ ts, events }))).toEqual([
      {
        ts: 1,
        events: [
          { pred: 'publish', args: [163] },
          { pred: 'publish', args: [152] },
          { pred: 'hb', args: [] },
        ],
      },
      {
        ts: 1,
        events: [
          { pred: 'ev', args: ['bob smith', 2] },
          { pred: 'ev', args: ['x,y', 5] },
        ],
      },
      { ts: 2, events: [] },
      {
        ts: 3,
        events: [
          { pred: 'hb', args: [] },
          { pred: 'f', args: [-150] },
          { pred: 'ev', args: ['a/b:c.d!-[x]', -7] },
        ],
      },
    ]);
  });

  it('lets a time point span several lines', () => {
    expect(parseLog('@5\n  publish(1)\n  publish(2)\n@6', sig).map((p) => p.events.length)).toEqual([2, 0]);
  });

  it.each([
    ['a fractional timestamp', '@1.5 hb', 1, 1, "the timestamp '1.5' is not a non-negative integer"],
    ['a missing timestamp', '@ hb', 1, 1, "expected a timestamp after '@'"],
    ['events before any @', 'hb @1', 1, 1, "expected '@'"],
    ['an unknown predicate', '@1 nope(1)', 1, 4, 'the predicate nope is not in the signature'],
    ['a predicate named like a prototype key', '@1 toString(1)', 1, 4, 'the predicate toString is not in the signature'],
    ['a wrongly typed int', '@1 publish(abc)', 1, 12, "'abc' is not an int"],
    ['an int in exponent form', '@1 publish(27e1)', 1, 12, "'27e1' is not an int"],
    ['an int past 2^53', '@1 publish(9007199254740993)', 1, 12, 'out of range'],
    ['a wrongly typed float', '@1 f(1.2.3)', 1, 6, "'1.2.3' is not a finite float"],
    ['an infinite float', '@1 f(1e999)', 1, 6, 'not a finite float'],
    ['too many arguments', '@1 publish(1,2)', 1, 14, 'publish takes 1 argument(s)'],
    ['too few arguments', '@1 ev(a)', 1, 6, 'ev takes 2 argument(s), found 1'],
    ['arguments missing parentheses', '@1 publish', 1, 4, 'publish takes 1 argument(s); write publish(...)'],
    ['an unterminated string', '@1 ev("abc,1)', 1, 7, 'unterminated string'],
    ['a bad character', '@1 ev(a,1)\n@2 ev(a b,1)', 2, 9, "expected ',' or ')'"],
  ])('refuses %s with its position', (_what, text, line, column, message) => {
    const e = errorOf(() => parseLog(text, sig));
    expect([e.source, e.position]).toEqual(['log', { line, column }]);
    expect(e.message).toContain(message);
  });

  it('with perTimePoint, marks a time point whose events do not fit the signature and reads on (syntax errors still fail)', () => {
    const points = parseLog('@1 publish(1)\n@2 nope(1, "x y") publish(2)\n@3 publish(abc) publish(3)\n@4 ev(a)\n@5 publish(5)', sig, { perTimePoint: true });
    expect(points.map((p) => [p.ts, p.events.length, p.problem])).toEqual([
      [1, 1, undefined],
      [2, 1, { pos: { line: 2, column: 4 }, reason: 'the predicate nope is not in the signature' }],
      [3, 1, { pos: { line: 3, column: 12 }, reason: "argument 1 of publish: 'abc' is not an int" }],
      [4, 0, { pos: { line: 4, column: 6 }, reason: 'ev takes 2 argument(s), found 1' }],
      [5, 1, undefined],
    ]);
    expect(errorOf(() => parseLog('@1 nope(1\n', sig, { perTimePoint: true })).message).toContain("expected ',' or ')'");
  });
});

describe('verdict lines', () => {
  it('print tuples sorted column by column: ints numerically, strings bytewise, in double quotes', () => {
    const line = formatVerdict(
      {
        tp: 3,
        ts: 17,
        tuples: [
          ['alice', 2],
          ['9', 1],
          ['Alice', -3],
          ['10', 5],
          ['_z', 0],
          ['Alice', -10],
        ],
      },
      ['string', 'int'],
    );
    expect(line).toBe('@17 (time point 3): ("10",5) ("9",1) ("Alice",-10) ("Alice",-3) ("_z",0) ("alice",2)');
  });

  it('print `true` for a closed formula', () => {
    expect(formatVerdict({ tp: 0, ts: 4, tuples: [[]] }, [])).toBe('@4 (time point 0): true');
  });

  it('sort non-ASCII strings by their UTF-8 bytes', () => {
    expect(formatVerdict({ tp: 0, ts: 0, tuples: [['\u{1F600}'], ['\uFFFD'], ['é'], ['z']] }, ['string'])).toBe(
      '@0 (time point 0): ("z") ("é") ("\uFFFD") ("\u{1F600}")',
    );
  });
});

describe('floats print as C %g, ties to even on the exact binary value', () => {
  it.each([
    [1234.125, '1234.12'],
    [1234.375, '1234.38'],
    [2.5, '2.5'],
    [0.5, '0.5'],
    [1e6, '1e+06'],
    [123456, '123456'],
    [1234567, '1.23457e+06'],
    [3.0517578125e-5, '3.05176e-05'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [100, '100'],
    [0, '0'],
    [-0, '-0'],
    [-1.5, '-1.5'],
    [1 / 3, '0.333333'],
    [999999.5, '1e+06'],
    [1e300, '1e+300'],
    [5e-324, '4.94066e-324'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
  ])('%p -> %s', (x, expected) => {
    expect(formatFloat(x)).toBe(expected);
  });
});
