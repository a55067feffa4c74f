import { createMonitor, parseSignature, PolicyEventError, restoreMonitor, runLog, type Monitor, type TimePointInput } from '../../../src/policies';

const sig = parseSignature(
  'p(x:int)\nq(x:int)\nlogin(u:string)\nlogout(u:string)\npay(c:string,a:int)\nw(c:string,t:int,a:int)\nm(v:float)\nk(v:int)\nhb()\n',
);

function lines(formula: string, log: string, options: { negate?: boolean; endOfLog?: boolean } = {}): string[] {
  return runLog(sig, formula, log, options).lines;
}

describe('MFOTL semantics (the conformance README, rule by rule)', () => {
  it('PREVIOUS steps one time point, empty or unrelated ones included', () => {
    expect(lines('p(x) AND PREVIOUS q(x)', '@1 q(1)\n@2 hb\n@3 p(1)\n@4 q(2)\n@5 p(2)')).toEqual(['@5 (time point 4): (2)']);
  });

  it('ONCE[0,0] sees the current and earlier time points with the same timestamp, never a later one', () => {
    expect(lines('p(x) AND ONCE[0,0] q(x)', '@5 p(1)\n@5 q(1)\n@5 p(1)\n@6 p(1)')).toEqual(['@5 (time point 2): (1)']);
  });

  it('EVENTUALLY[0,0] is the mirror image', () => {
    expect(lines('p(x) AND EVENTUALLY[0,0] q(x)', '@5 p(1)\n@5 q(1)\n@5 p(1)\n@6 p(1)')).toEqual(['@5 (time point 0): (1)']);
  });

  it('ONCE[1,5] never sees the current timestamp; bounds are inclusive, [0,6) excludes 6', () => {
    expect(lines('p(x) AND ONCE[1,5] q(x)', '@0 q(1)\n@0 p(1)\n@5 p(1)\n@6 p(1)')).toEqual(['@5 (time point 2): (1)']);
    expect(lines('p(x) AND ONCE[0,6) q(x)', '@0 q(1)\n@5 p(1)\n@6 p(1)')).toEqual(['@5 (time point 1): (1)']);
  });

  it('SINCE does not need its left side at the witness: a login and a logout at the same time point leave the session open', () => {
    expect(lines('(NOT logout(u)) SINCE login(u)', '@1 login(a) logout(a)\n@2 hb\n@3 logout(a)')).toEqual([
      '@1 (time point 0): ("a")',
      '@2 (time point 1): ("a")',
    ]);
  });

  it('HISTORICALLY is vacuously true for the missing past and needs every time point of the window, empty ones included', () => {
    expect(lines('p(x) AND HISTORICALLY[1,3] q(x)', '@0 q(1) p(1)\n@1 q(1) p(1)\n@2 q(1) p(1)\n@3 hb\n@5 q(1) p(1)')).toEqual([
      '@0 (time point 0): (1)',
      '@1 (time point 1): (1)',
      '@2 (time point 2): (1)',
    ]);
  });

  it('a future verdict waits until the log passes its window: ts > ts(i) + b for ], ts >= ts(i) + b for )', () => {
    const m = createMonitor(sig, 'p(x) AND EVENTUALLY[0,5] q(x)');
    expect(m.push({ ts: 0, events: [{ pred: 'p', args: [1] }] })).toEqual([]);
    expect(m.push({ ts: 5, events: [{ pred: 'q', args: [1] }] })).toEqual([]);
    expect(m.push({ ts: 6, events: [] }).map((v) => m.format(v))).toEqual(['@0 (time point 0): (1)']);
    const open = createMonitor(sig, 'p(x) AND EVENTUALLY[0,5) q(x)');
    open.push({ ts: 0, events: [{ pred: 'p', args: [1] }] });
    expect(open.push({ ts: 5, events: [] })).toEqual([]);
  });

  it('the end of the log closes every window: EVENTUALLY is false and NOT EVENTUALLY true at the last points', () => {
    const log = '@0 p(1)\n@3 p(2) q(1)\n@4 p(3)';
    expect(lines('p(x) AND EVENTUALLY[0,5] q(x)', log)).toEqual(['@0 (time point 0): (1)']);
    expect(lines('p(x) IMPLIES EVENTUALLY[0,5] q(x)', log, { negate: true })).toEqual(['@3 (time point 1): (2)', '@4 (time point 2): (3)']);
  });

  it('-nonewlastts: time points whose window is still open at the end of the text get no line', () => {
    const log = '@0 p(1)\n@3 p(2) q(1)\n@4 p(3)\n@9 hb';
    expect(lines('p(x) IMPLIES EVENTUALLY[0,5] q(x)', log, { negate: true, endOfLog: false })).toEqual(['@3 (time point 1): (2)']);
  });

  it('NEXT at the last time point is false; closed formulas print true', () => {
    expect(lines('NEXT hb()', '@0 hb\n@1 hb\n@2 hb')).toEqual(['@0 (time point 0): true', '@1 (time point 1): true']);
    expect(lines('NEXT hb()', '@0 hb\n@1 hb', { negate: true })).toEqual(['@1 (time point 1): true']);
  });

  it('a time point with a smaller timestamp is skipped with a warning and does not count', () => {
    const run = runLog(sig, 'p(x)', '@5 p(1)\n@3 p(2)\n@6 p(3)');
    expect(run.lines).toEqual(['@5 (time point 0): (1)', '@6 (time point 1): (3)']);
    expect(run.warnings).toEqual(['log 2:1: the timestamp 3 is smaller than the previous one (5)']);
  });

  it('-stop_at_out_of_order_ts: a decreasing timestamp stops the run, without the end-of-log verdicts', () => {
    const run = runLog(sig, 'p(x) AND EVENTUALLY[0,5] q(x)', '@1 p(1) q(1)\n@2 p(2)\n@1 p(3)\n@9 hb', { stopAtOutOfOrder: true });
    expect([run.lines, run.stopped]).toEqual([[], true]);
  });
});

describe('aggregations', () => {
  it('work on sets: the same payment twice in the window counts once', () => {
    expect(lines('s <- SUM a; c ONCE[0,10] pay(c,a)', '@0 pay(x,5)\n@1 pay(x,5) pay(x,7)')).toEqual([
      '@0 (time point 0): (5,"x")',
      '@1 (time point 1): (12,"x")',
    ]);
  });

  it('count valuations of all the body variables: CNT t over w(c,t,a) counts (t,a) pairs', () => {
    expect(lines('n <- CNT t; c w(c,t,a)', '@0 w(x,1,5) w(x,1,6) w(y,2,5)')).toEqual(['@0 (time point 0): (1,"y") (2,"x")']);
  });

  it('without group-by variables, an empty set yields one tuple with 0; with them, nothing', () => {
    expect(lines('n <- CNT a ONCE[0,2] pay(c,a)', '@0 hb\n@1 pay(x,1)\n@5 hb')).toEqual([
      '@0 (time point 0): (0)',
      '@1 (time point 1): (1)',
      '@5 (time point 2): (0)',
    ]);
    expect(lines('n <- MAX a ONCE[0,2] pay(c,a)', '@0 hb')).toEqual(['@0 (time point 0): (0)']);
    expect(lines('n <- CNT a; c ONCE[0,2] pay(c,a)', '@0 hb')).toEqual([]);
  });

  it('AVG and MED give floats printed as %g; MED of an even count averages the middle two', () => {
    expect(lines('r <- AVG a pay(c,a)', '@0 pay(x,1) pay(y,2)')).toEqual(['@0 (time point 0): (1.5)']);
    expect(lines('r <- MED a pay(c,a)', '@0 pay(x,1) pay(y,2) pay(z,10) pay(w,11)')).toEqual(['@0 (time point 0): (6)']);
    expect(lines('r <- MED a pay(c,a)', '@0 pay(x,1) pay(y,2) pay(z,10)')).toEqual(['@0 (time point 0): (2)']);
    expect(lines('r <- SUM v m(v)', '@0 m(1234) m(0.125)')).toEqual(['@0 (time point 0): (1234.12)']);
    expect(lines('r <- MIN v; v m(v)', '@0 m(1000000)')).toEqual(['@0 (time point 0): (1e+06,1e+06)']);
  });
});

describe('the monitor refuses bad input and stays unchanged', () => {
  const base = (): Monitor => createMonitor(sig, 'q(x) SINCE[0,10] p(x)');
  const p = (ts: number, x: number): TimePointInput => ({ ts, events: [{ pred: 'p', args: [x] }] });

  it.each([
    ['a decreasing timestamp', { ts: 4, events: [] }, 'the timestamp 4 is smaller than the previous one (5)'],
    ['a fractional timestamp', { ts: 5.5, events: [] }, 'not a non-negative integer'],
    ['a negative timestamp', { ts: -1, events: [] }, 'not a non-negative integer'],
    ['an unknown predicate', { ts: 6, events: [{ pred: 'nope', args: [] }] }, 'the predicate nope is not in the signature'],
    ['a prototype key as predicate', { ts: 6, events: [{ pred: '__proto__', args: [] }] }, 'not in the signature'],
    ['a wrong arity', { ts: 6, events: [{ pred: 'p', args: [1, 2] }] }, 'p takes 1 argument(s)'],
    ['a string for an int', { ts: 6, events: [{ pred: 'p', args: ['1'] }] }, 'must be an int'],
    ['a float for an int', { ts: 6, events: [{ pred: 'p', args: [1.5] }] }, 'must be an int'],
    ['an int past 2^53', { ts: 6, events: [{ pred: 'p', args: [2 ** 53] }] }, 'must be an int'],
    ['NaN for a float', { ts: 6, events: [{ pred: 'm', args: [NaN] }] }, 'must be a finite float'],
    ['a number for a string', { ts: 6, events: [{ pred: 'login', args: [1] }] }, 'must be a string'],
  ])('%s', (_what, point, message) => {
    const refused = base();
    const clean = base();
    refused.push(p(5, 1));
    clean.push(p(5, 1));
    expect(() => refused.push(point as TimePointInput)).toThrow(PolicyEventError);
    expect(() => refused.push(point as TimePointInput)).toThrow(message);
    expect(refused.snapshot()).toEqual(clean.snapshot());
    expect(refused.push(p(7, 1))).toEqual(clean.push(p(7, 1)));
  });

  it('a batch with one bad time point is refused whole', () => {
    const refused = base();
    const before = refused.snapshot();
    expect(() => refused.pushAll([p(1, 1), p(2, 1), { ts: 1, events: [] }])).toThrow('time point 3 of the batch: the timestamp 1 is smaller');
    expect(refused.snapshot()).toEqual(before);
  });

  it('nothing is accepted after the end of the log', () => {
    const m = base();
    m.finish();
    expect(() => m.push(p(1, 1))).toThrow('the log has ended');
    expect(m.finish()).toEqual([]);
  });

  it('keeps its own copy of the events', () => {
    const m = createMonitor(sig, 'ONCE p(x)');
    const args = [1];
    m.push({ ts: 0, events: [{ pred: 'p', args }] });
    args[0] = 2;
    expect(m.push({ ts: 1, events: [] }).map((v) => m.format(v))).toEqual(['@1 (time point 1): (1)']);
  });
});

describe('memory is bounded by the windows, not by the history', () => {
  function snapshotSize(formula: string, points: number): number {
    const m = createMonitor(sig, formula);
    for (let i = 0; i < points; i++) {
      m.push({ ts: i, events: [{ pred: 'p', args: [i % 50] }, { pred: 'q', args: [(i * 7) % 50] }, { pred: 'login', args: [`u${i % 20}`] }] });
    }
    return leaves(m.snapshot());
  }

  /** The number of values the state holds (timestamps growing by a digit do not count as growth). */
  function leaves(json: unknown): number {
    if (Array.isArray(json)) return json.reduce((n: number, v: unknown) => n + leaves(v), 0);
    if (typeof json === 'object' && json !== null) return Object.values(json).reduce((n: number, v: unknown) => n + leaves(v), 0);
    return 1;
  }

  it.each([
    ['bounded SINCE', 'q(x) SINCE[0,20] p(x)'],
    ['unbounded ONCE keeps one timestamp per tuple', 'p(x) AND NOT ONCE[1,*) q(x)'],
    ['unbounded SINCE', '(NOT logout(u)) SINCE login(u)'],
    ['HISTORICALLY over a window', 'p(x) AND HISTORICALLY[0,30] q(x)'],
    ['unbounded HISTORICALLY', 'p(x) AND HISTORICALLY q(x)'],
    ['a future window', 'p(x) AND EVENTUALLY[0,20] q(x)'],
    ['an aggregation over a window', 'n <- CNT x ONCE[0,40] p(x)'],
  ])('%s: the state after 20,000 time points holds as many values as after 2,000', (_what, formula) => {
    const small = snapshotSize(formula, 2_000);
    const large = snapshotSize(formula, 20_000);
    expect(large).toBeLessThanOrEqual(small);
  });
});

describe('values', () => {
  it('accepts negative ints and compares and prints them', () => {
    expect(lines('k(v) AND v < 0', '@0 k(-5) k(3) k(-10)')).toEqual(['@0 (time point 0): (-10) (-5)']);
  });

  it('computes int arithmetic as OCaml does: division truncates toward zero, MOD takes the sign of the dividend', () => {
    expect(lines('k(v) AND d = v / 2 AND r = v MOD 3', '@0 k(-7) k(7)')).toEqual(['@0 (time point 0): (-7,-3,-1) (7,3,1)']);
  });

  it('reads an int literal next to a float as a float', () => {
    expect(lines('m(v) AND v > 3 AND w = 1 / v AND u = 2 * v + 1', '@0 m(4) m(2.5)')).toEqual(['@0 (time point 0): (4,0.25,9)']);
    expect(lines('m(3)', '@0 m(3) m(3.5)')).toEqual(['@0 (time point 0): true']);
  });

  it('keeps a division by zero out of the result instead of failing', () => {
    expect(lines('k(v) AND d = 10 / v', '@0 k(0) k(5)')).toEqual(['@0 (time point 0): (5,2)']);
  });
});

describe('snapshots', () => {
  it('are refused by a monitor of another formula', () => {
    const saved = createMonitor(sig, 'q(x) SINCE[0,10] p(x)').snapshot();
    expect(() => restoreMonitor(sig, 'q(x) SINCE[0,10] p(x)', {}, saved)).not.toThrow();
    expect(() => restoreMonitor(sig, 'q(x) IMPLIES (q(x) SINCE[0,10] p(x))', { negate: true }, saved)).toThrow('the snapshot does not belong');
    expect(() => restoreMonitor(sig, 'p(x) SINCE[0,10] q(x)', {}, saved)).toThrow('the snapshot does not belong');
    expect(() => restoreMonitor(sig, 'q(x) UNTIL[0,10] p(x)', {}, saved)).toThrow('the snapshot does not belong');
  });
});
