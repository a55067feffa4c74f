import fc from 'fast-check';
import {
  createMonitor,
  formatVerdict,
  parseSignature,
  PolicyNotMonitorableError,
  restoreMonitor,
  type Monitor,
  type MonitorSnapshot,
  type TimePointInput,
} from '../../../src/policies';
import { naiveEvaluate } from './naive-mfotl';
import { formulaText, RANDOM_SIGNATURE, trace } from './random-policies';

const signature = parseSignature(RANDOM_SIGNATURE);

function tryMonitor(text: string, negate: boolean): Monitor | null {
  try {
    return createMonitor(signature, text, { negate });
  } catch (e) {
    if (e instanceof PolicyNotMonitorableError) return null;
    throw e;
  }
}

function linesOf(monitor: Monitor, points: readonly TimePointInput[]): string[] {
  const lines = points.flatMap((p) => monitor.push(p)).map((v) => monitor.format(v));
  return [...lines, ...monitor.finish().map((v) => monitor.format(v))];
}

function naiveLines(text: string, points: readonly TimePointInput[], negate: boolean, monitor: Monitor): { lines: string[]; domainDependent: boolean } {
  const naive = naiveEvaluate(text, points, negate);
  const lines = naive.satisfied.flatMap((tuples, tp) =>
    tuples.length === 0 ? [] : [formatVerdict({ tp, ts: (points[tp] as TimePointInput).ts, tuples }, monitor.types)],
  );
  return { lines, domainDependent: naive.domainDependent };
}

describe('the monitor agrees with MFOTL by definition (a naive evaluator) on random formulas and traces', () => {
  it('accepted formulas give the naive verdicts, and none of them depends on the domain', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(formulaText(3), trace, fc.boolean(), (text, points, negate) => {
        runs++;
        const monitor = tryMonitor(text, negate);
        if (monitor === null) return;
        accepted++;
        const expected = naiveLines(text, points, negate, monitor);
        expect({ formula: text, negate, domainDependent: expected.domainDependent }).toEqual({ formula: text, negate, domainDependent: false });
        expect(linesOf(monitor, points)).toEqual(expected.lines);
      }),
      { numRuns: Number(process.env.MFOTL_RUNS ?? 600) },
    );
    // The generator must exercise the monitor, not only the refusals.
    expect(accepted).toBeGreaterThan(runs / 5);
  });

  it.each([
    ['ONCE[0,*] p(x)', 'ONCE p(x)'],
    ['ONCE[2,5] p(x)', 'ONCE[2,5] p(x)'],
    ['HISTORICALLY[0,3] e()', 'HISTORICALLY[0,3] e()'],
    ['q(x) SINCE[1,*) p(x)', 'q(x) SINCE[1,*) p(x)'],
    ['EVENTUALLY[0,0] p(x)', 'EVENTUALLY[0,0] p(x)'],
    ['q(x) AND NOT ONCE[0,2] p(x)', 'q(x) AND NOT ONCE[0,2] p(x)'],
    ['p(x) IMPLIES ALWAYS[0,3] q(x) (negated)', 'p(x) IMPLIES ALWAYS[0,3] q(x)'],
  ])('%s equals the naive evaluator on every random trace', (_name, text) => {
    const negate = _name.endsWith('(negated)');
    fc.assert(
      fc.property(trace, (points) => {
        const monitor = createMonitor(signature, text, { negate });
        expect(linesOf(monitor, points)).toEqual(naiveLines(text, points, negate, monitor).lines);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the verdicts do not depend on how the trace is delivered', () => {
  it('pushing the trace in one batch gives the verdicts of pushing it time point by time point', () => {
    fc.assert(
      fc.property(formulaText(2), trace, (text, points) => {
        const one = tryMonitor(text, false);
        const all = tryMonitor(text, false);
        if (one === null || all === null) return;
        const batched = [...all.pushAll(points), ...all.finish()].map((v) => all.format(v));
        expect(batched).toEqual(linesOf(one, points));
      }),
      { numRuns: 300 },
    );
  });

  it('a snapshot taken mid-trace, through JSON, restored into a new monitor, continues with the same verdicts', () => {
    fc.assert(
      fc.property(formulaText(3), trace, fc.nat(), (text, points, cutAt) => {
        const whole = tryMonitor(text, false);
        if (whole === null) return;
        const expected = linesOf(whole, points);
        const cut = cutAt % (points.length + 1);
        const first = createMonitor(signature, text);
        const before = points.slice(0, cut).flatMap((p) => first.push(p)).map((v) => first.format(v));
        const saved = JSON.parse(JSON.stringify(first.snapshot())) as MonitorSnapshot;
        const second = restoreMonitor(signature, text, {}, saved);
        const after = linesOf(second, points.slice(cut));
        expect([...before, ...after]).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('a past-only formula answers each time point as it is pushed', () => {
    fc.assert(
      fc.property(trace, (points) => {
        const monitor = createMonitor(signature, '(q(x) SINCE[0,3] p(x)) AND NOT PREVIOUS q(x)');
        points.forEach((p, tp) => {
          for (const v of monitor.push(p)) expect(v.tp).toBe(tp);
        });
        expect(monitor.finish()).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
