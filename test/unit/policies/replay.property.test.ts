import fc from 'fast-check';
import {
  createMonitor,
  parseFormula,
  parseLog,
  parseSignature,
  planReplay,
  PolicyEventError,
  PolicyNotMonitorableError,
  relativeIntervals,
  restoreMonitor,
  selectReplay,
  startMonitorFromReplay,
  type Monitor,
  type MonitorSnapshot,
  type ReplayPlan,
  type Signature,
  type TimePointInput,
} from '../../../src/policies';
import { conformanceCases } from './conformance-cases';
import { formulaText, RANDOM_SIGNATURE } from './random-policies';

const signature = parseSignature(RANDOM_SIGNATURE);

function tryMonitor(sig: Signature, text: string, negate: boolean): Monitor | null {
  try {
    return createMonitor(sig, text, { negate });
  } catch (e) {
    if (e instanceof PolicyNotMonitorableError) return null;
    throw e;
  }
}

/** The verdict lines of a whole run, with their time point, from `monitor` (fresh or replayed) fed `points`. */
function run(monitor: Monitor, points: readonly TimePointInput[], finish: boolean): { tp: number; line: string }[] {
  const verdicts = points.flatMap((p) => monitor.push(p));
  if (finish) verdicts.push(...monitor.finish());
  return verdicts.map((v) => ({ tp: v.tp, line: monitor.format(v) }));
}

/**
 * The events the plan says are loaded, counted independently of selectReplay: a linear walk that resolves each
 * bound by scanning (selectReplay bisects), then counts the stored events of a loaded time point that match an
 * entry whose bound the time point has reached.
 */
function plannedEventCount(plan: ReplayPlan, points: readonly TimePointInput[], cut: number): { fromTp: number; events: number } {
  const resolve = (fromTs: number | null, back: number): number => {
    if (fromTs === null) return 0;
    let first = cut;
    for (let tp = cut - 1; tp >= 0; tp--) if ((points[tp] as TimePointInput).ts >= fromTs) first = tp;
    return Math.max(0, first - back);
  };
  const fromTp = resolve(plan.timePointsFromTs, plan.timePointsBack);
  let events = 0;
  for (let tp = fromTp; tp < cut; tp++) {
    for (const e of (points[tp] as TimePointInput).events) {
      const loaded = plan.predicates.some(
        (p) => p.pred === e.pred && tp >= resolve(p.fromTs, p.back) && p.mask.every((m, i) => m === null || m === e.args[i]),
      );
      if (loaded) events++;
    }
  }
  return { fromTp, events };
}

/** Runs the formula fresh over the whole trace and replayed from a cut; both must agree from the cut on. */
function checkCut(
  sig: Signature,
  text: string,
  negate: boolean,
  points: readonly TimePointInput[],
  cut: number,
  finish: boolean,
): { replayed: number; stored: number } {
  const fresh = run(createMonitor(sig, text, { negate }), points, finish).filter((v) => v.tp >= cut);
  if (cut === 0) return { replayed: 0, stored: 0 };
  const lastTs = (points[cut - 1] as TimePointInput).ts;
  const plan = planReplay(text, { negate }, lastTs);
  const loaded = selectReplay(plan, points, cut);
  const independent = plannedEventCount(plan, points, cut);
  expect(loaded.replayedEvents).toBe(independent.events);
  expect(loaded.timePoints[0]?.tp ?? cut).toBe(independent.fromTp);
  expect(loaded.storedEvents).toBe(points.slice(0, cut).reduce((n, p) => n + p.events.length, 0));
  // The plan is never looser than the formula's relative interval (it is tighter at a PREVIOUS at the root).
  const ri = relativeIntervals(parseFormula(text));
  for (const p of plan.predicates) {
    const entry = ri.predicates.find((q) => q.pred === p.pred && JSON.stringify(q.mask) === JSON.stringify(p.mask));
    expect(entry).toBeDefined();
    if (entry?.interval.lo !== null && entry?.interval.lo !== undefined) {
      expect(p.back).toBe(0);
      expect(p.fromTs).not.toBeNull();
      expect(p.fromTs as number).toBeGreaterThanOrEqual(Math.max(0, lastTs + entry.interval.lo));
    }
  }
  const monitor = startMonitorFromReplay(sig, text, { negate }, loaded.timePoints, cut);
  // Half of the rest, then a snapshot through JSON and a restored monitor for the other half: the replayed
  // monitor's numbering and its silence before the cut survive a resume.
  const rest = points.slice(cut);
  const half = Math.floor(rest.length / 2);
  const before = run(monitor, rest.slice(0, half), false);
  const restored = restoreMonitor(sig, text, { negate }, JSON.parse(JSON.stringify(monitor.snapshot())) as MonitorSnapshot);
  const after = run(restored, rest.slice(half), finish);
  expect({ formula: text, negate, cut, lines: [...before, ...after] }).toEqual({ formula: text, negate, cut, lines: fresh });
  return { replayed: loaded.replayedEvents, stored: loaded.storedEvents };
}

const value = fc.integer({ min: 0, max: 3 });
const event = fc.oneof(
  value.map((x) => ({ pred: 'p', args: [x] })),
  value.map((x) => ({ pred: 'q', args: [x] })),
  fc.tuple(value, value).map(([x, y]) => ({ pred: 'r', args: [x, y] })),
  fc.constant({ pred: 'e', args: [] }),
);

/** Traces long enough to cut: equal timestamps (gap 0), gaps, empty time points. */
const longTrace: fc.Arbitrary<TimePointInput[]> = fc
  .array(fc.tuple(fc.constantFrom(0, 0, 1, 1, 2, 3, 7), fc.array(event, { maxLength: 3 })), { minLength: 1, maxLength: 30 })
  .map((points) => {
    let ts = 0;
    return points.map(([gap, events]) => ({ ts: (ts += gap), events }));
  });

/** The random formulas of the monitor's own property tests, and aggregations over them. */
const formula: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: formulaText(3) },
  { weight: 2, arbitrary: formulaText(2) },
  { weight: 2, arbitrary: formulaText(1) },
  {
    // One temporal operator over atoms: the window's edges are where a plan one second too narrow shows.
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('p(x)', 'q(x)', 'e()', 'p(1)', 'r(x,y)'),
        fc.constantFrom('ONCE', 'HISTORICALLY', 'PREVIOUS', 'NEXT', 'EVENTUALLY', 'ALWAYS', 'SINCE', 'UNTIL'),
        fc.nat(3),
        fc.nat(4),
        fc.boolean(),
        fc.constantFrom('q(x)', 'p(x)', 'e()', 'q(2)', 'NOT p(x)'),
      )
      .map(([a, op, lo, width, unbounded, b]) => {
        const past = ['ONCE', 'HISTORICALLY', 'PREVIOUS', 'SINCE'].includes(op);
        const i = `[${lo},${unbounded && past ? '*)' : `${lo + width}]`}`;
        if (op === 'SINCE' || op === 'UNTIL') return `(${b}) ${op}${i} (${a})`;
        return `(${a}) AND ${op}${i} (${b})`;
      }),
  },
  {
    // A past operator over another operator: the inner one is evaluated at time points already stored.
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('p(x)', 'q(x)', 'e()'),
        fc.constantFrom('ONCE', 'HISTORICALLY', 'PREVIOUS'),
        fc.nat(2),
        fc.nat(3),
        fc.constantFrom('ONCE', 'HISTORICALLY', 'PREVIOUS', 'NEXT', 'EVENTUALLY', 'ALWAYS'),
        fc.nat(2),
        fc.nat(3),
        fc.constantFrom('q(x)', 'p(x)', 'e()', 'q(2)'),
      )
      .map(([a, outer, lo1, w1, inner, lo2, w2, b]) => `(${a}) AND ${outer}[${lo1},${lo1 + w1}] ${inner}[${lo2},${lo2 + w2}] (${b})`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('CNT', 'SUM', 'MIN', 'MAX', 'AVG', 'MED'), fc.constantFrom('', '; y'), fc.constantFrom('', 'ONCE[0,3] ', 'PREVIOUS ', 'EVENTUALLY[0,2] '), formulaText(2))
      .map(([op, group, wrap, f]) => `${wrap}(n <- ${op} x${group} NOT NOT (${f}))`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(formulaText(1), fc.constantFrom('PREVIOUS', 'PREVIOUS PREVIOUS', 'ONCE[0,2] PREVIOUS', 'PREVIOUS ONCE[1,2]', 'NEXT PREVIOUS', 'PREVIOUS[0,2] PREVIOUS'), formulaText(1))
      .map(([a, ops, b]) => `(${a}) AND ${ops} (${b})`),
  },
);

describe('a monitor started from a replay answers what a fresh run answers, from the cut on', () => {
  it('random formulas and traces, at every cut point', () => {
    let accepted = 0;
    let runs = 0;
    let partial = 0;
    let cuts = 0;
    fc.assert(
      fc.property(formula, longTrace, fc.boolean(), fc.boolean(), (text, points, negate, finish) => {
        runs++;
        if (tryMonitor(signature, text, negate) === null) return;
        accepted++;
        // Every cut point of the trace.
        for (let cut = 0; cut <= points.length; cut++) {
          const counts = checkCut(signature, text, negate, points, cut, finish);
          if (counts.replayed < counts.stored) partial++;
          cuts++;
        }
      }),
      { numRuns: Number(process.env.REPLAY_RUNS ?? 1500) },
    );
    expect(accepted).toBeGreaterThan(runs / 5);
    // The plans leave events out, not only for a few formulas.
    expect(partial).toBeGreaterThan(cuts / 10);
  });

  // The last column: whether the formula looks back in time (a future-only one may load no event at all).
  it.each([
    ['p(x) AND ONCE[0,3] q(x)', true],
    ['(p(x) AND NOT q(x)) SINCE[0,5] r(x,y)', true],
    ['p(x) AND NOT EVENTUALLY[0,4] q(x)', false],
    ['q(x) AND PREVIOUS p(x)', false],
    ['e() AND ONCE[0,2] PREVIOUS p(1)', true],
    ['n <- CNT x; y ONCE[0,4] r(x,y)', true],
  ])('%s on a long log with small windows loads a small part of the events', (text, looksBack) => {
    const points: TimePointInput[] = [];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    let ts = 0;
    for (let i = 0; i < 4000; i++) {
      ts += random(3);
      const events = Array.from({ length: random(4) }, () => {
        const k = random(4);
        return k === 0 ? { pred: 'p', args: [random(4)] } : k === 1 ? { pred: 'q', args: [random(4)] } : k === 2 ? { pred: 'r', args: [random(4), random(4)] } : { pred: 'e', args: [] };
      });
      points.push({ ts, events });
    }
    const counts = checkCut(signature, text, false, points, 3000, true);
    expect(counts.stored).toBeGreaterThan(4000);
    if (looksBack) expect(counts.replayed).toBeGreaterThan(0);
    expect(counts.replayed * 50).toBeLessThan(counts.stored);
  });
});

describe('every conformance case, replayed from every cut point', () => {
  const cases = conformanceCases().filter((c) => !c.flags.includes('-stop_at_out_of_order_ts'));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const sig = parseSignature(c.signature);
    const negate = c.flags.includes('-negate');
    // The stored trace: the time points the monitor accepted (a decreasing timestamp is refused, not stored).
    const probe = createMonitor(sig, c.formula, { negate });
    const points = parseLog(c.log, sig).filter((p) => {
      try {
        probe.push(p);
        return true;
      } catch (e) {
        if (e instanceof PolicyEventError) return false;
        throw e;
      }
    });
    const finish = !c.flags.includes('-nonewlastts');
    const expected = c.expected.split('\n').filter((l) => l !== '');
    for (let cut = 0; cut <= points.length; cut++) {
      const fresh = run(createMonitor(sig, c.formula, { negate }), points, finish);
      expect(fresh.map((v) => v.line)).toEqual(expected);
      checkCut(sig, c.formula, negate, points, cut, finish);
    }
  });
});
