import fc from 'fast-check';
import { createMonitor, parseFormula, parseSignature, PolicyNotMonitorableError, relativeIntervals, type TimePointInput } from '../../../src/policies';
import { formulaText, RANDOM_SIGNATURE, trace } from './random-policies';

describe('relative intervals', () => {
  it("the thesis's example: loc_accessed now, the permissions over the whole past", () => {
    const ri = relativeIntervals(
      parseFormula('loc_accessed(i, "advertising") IMPLIES ((ONCE[0,*) perm_granted(i)) AND (NOT (perm_revoked(i) SINCE[0,*) perm_granted(i))))'),
    );
    expect(ri.formula).toEqual({ lo: null, hi: 0 });
    expect(ri.predicates).toEqual([
      { pred: 'loc_accessed', mask: [null, 'advertising'], interval: { lo: 0, hi: 0 } },
      { pred: 'perm_granted', mask: [null], interval: { lo: null, hi: 0 } },
      { pred: 'perm_revoked', mask: [null], interval: { lo: null, hi: 0 } },
    ]);
  });

  it.each([
    ['p(x) AND ONCE[5,20] q(x)', { lo: -20, hi: 0 }, [['p', { lo: 0, hi: 0 }], ['q', { lo: -20, hi: -5 }]]],
    ['p(x) AND PREVIOUS[1,3] ONCE[0,2] q(x)', { lo: -5, hi: 0 }, [['p', { lo: 0, hi: 0 }], ['q', { lo: -5, hi: -1 }]]],
    ['q(x) SINCE[2,8] p(x)', { lo: -8, hi: 0 }, [['q', { lo: -8, hi: 0 }], ['p', { lo: -8, hi: -2 }]]],
    ['a(x) UNTIL[1,6] b(x)', { lo: 0, hi: 6 }, [['a', { lo: 0, hi: 6 }], ['b', { lo: 1, hi: 6 }]]],
    ['p(x) AND NEXT[0,2] EVENTUALLY(1,3] q(x)', { lo: 0, hi: 5 }, [['p', { lo: 0, hi: 0 }], ['q', { lo: 2, hi: 5 }]]],
  ])('%s', (formula, overall, predicates) => {
    const ri = relativeIntervals(parseFormula(formula));
    expect(ri.formula).toEqual(overall);
    expect(ri.predicates.map((p) => [p.pred, p.interval])).toEqual(predicates);
  });

  it('keeps one entry per predicate and constant mask', () => {
    const ri = relativeIntervals(parseFormula('p(x, "a") AND (ONCE[0,5] p(x, "a")) AND (ONCE[0,9] p(x, y))'));
    expect(ri.predicates).toEqual([
      { pred: 'p', mask: [null, 'a'], interval: { lo: -5, hi: 0 } },
      { pred: 'p', mask: [null, null], interval: { lo: -9, hi: 0 } },
    ]);
  });
});

describe('the events inside the relative intervals are enough (past-only formulas)', () => {
  const signature = parseSignature(RANDOM_SIGNATURE);

  it('the verdict at the last time point is the same from the whole trace and from the events the intervals select', () => {
    fc.assert(
      fc.property(formulaText(3), trace, (text, points) => {
        if (/NEXT|EVENTUALLY|ALWAYS|UNTIL/.test(text)) return;
        let whole;
        try {
          whole = createMonitor(signature, text);
        } catch (e) {
          if (e instanceof PolicyNotMonitorableError) return;
          throw e;
        }
        const last = (points[points.length - 1] as TimePointInput).ts;
        const ri = relativeIntervals(parseFormula(text));
        const inside = (offset: number, i: { lo: number | null; hi: number | null }): boolean =>
          (i.lo === null || offset >= i.lo) && (i.hi === null || offset <= i.hi);
        const selected = points
          .filter((p) => inside(p.ts - last, ri.formula))
          .map((p) => ({
            ts: p.ts,
            events: p.events.filter((e) =>
              ri.predicates.some((q) => q.pred === e.pred && q.mask.every((c, k) => c === null || c === e.args[k]) && inside(p.ts - last, q.interval)),
            ),
          }));
        const replayed = createMonitor(signature, text);
        const lastOf = (m: typeof whole, ps: readonly TimePointInput[]): string => {
          const verdicts = ps.flatMap((p) => m.push(p));
          const final = verdicts.filter((v) => v.ts === last && v.tp === ps.length - 1);
          return final.map((v) => m.format({ ...v, tp: 0 })).join();
        };
        expect(lastOf(replayed, selected)).toBe(lastOf(whole, points));
      }),
      { numRuns: 800 },
    );
  });
});
