/** Algebraic properties of the evaluator over random series (fast-check). */
import fc from 'fast-check';
import type { Expr } from '../../../../src/alerting/promql/ast';
import type { Point, StoredSeries, Value } from '../../../../src/alerting/promql/values';
import { agg, bin, M, num, S, sel } from '../../../support/promql-ast';
import { almostEqual, instant, range, showLabels } from '../../../support/promql-eval';

const seriesArb: fc.Arbitrary<StoredSeries[]> = fc
  .uniqueArray(
    fc.record({
      a: fc.constantFrom('1', '2', '3'),
      b: fc.constantFrom('x', 'y'),
      c: fc.constantFrom('p', 'q', 'r'),
      values: fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: undefined }), { minLength: 1, maxLength: 12 }),
    }),
    { selector: (r) => `${r.a}/${r.b}/${r.c}`, minLength: 1, maxLength: 12 },
  )
  .map((records) =>
    records.map((r) => {
      const points: Point[] = [];
      r.values.forEach((v, i) => {
        if (v !== undefined) points.push({ t: i * 30 * S, v });
      });
      return { labels: new Map([['__name__', 'x'], ['a', r.a], ['b', r.b], ['c', r.c]]), points };
    }),
  );

function asMap(v: Value): Map<string, number> {
  if (v.type !== 'vector') throw new Error(`not a vector: ${v.type}`);
  return new Map(v.samples.map((s) => [showLabels(s.labels), s.v]));
}

function close(a: number, b: number): boolean {
  return almostEqual(a, b) || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

const times = fc.integer({ min: 0, max: 6 * M });

describe('evaluator properties', () => {
  it('sum(x) equals sum(sum by (a) (x)) within rounding', () => {
    fc.assert(
      fc.property(seriesArb, times, (pool, t) => {
        const direct = asMap(instant(agg('sum', sel('x')), t, pool));
        const nested = asMap(instant(agg('sum', agg('sum', sel('x'), { by: ['a'] })), t, pool));
        expect([...direct.keys()]).toEqual([...nested.keys()]);
        for (const [k, v] of direct) expect(close(v, nested.get(k) ?? NaN)).toBe(true);
      }),
    );
  });

  it('x and x == x, x or x == x, x unless x is empty', () => {
    fc.assert(
      fc.property(seriesArb, times, (pool, t) => {
        const x = asMap(instant(sel('x'), t, pool));
        expect(asMap(instant(bin('and', sel('x'), sel('x')), t, pool))).toEqual(x);
        expect(asMap(instant(bin('or', sel('x'), sel('x')), t, pool))).toEqual(x);
        expect(asMap(instant(bin('unless', sel('x'), sel('x')), t, pool)).size).toBe(0);
      }),
    );
  });

  it('count by (a) sums to count, and sum without (b, c) equals sum by (a)', () => {
    fc.assert(
      fc.property(seriesArb, times, (pool, t) => {
        const total = asMap(instant(agg('count', sel('x')), t, pool)).get('{}') ?? 0;
        const parts = [...asMap(instant(agg('count', sel('x'), { by: ['a'] }), t, pool)).values()].reduce((p, c) => p + c, 0);
        expect(parts).toBe(total);
        expect(asMap(instant(agg('sum', sel('x'), { without: ['b', 'c'] }), t, pool))).toEqual(asMap(instant(agg('sum', sel('x'), { by: ['a'] }), t, pool)));
      }),
    );
  });

  it('a range query gives at every step what an instant query gives there', () => {
    const exprs: Expr[] = [
      agg('avg', sel('x'), { by: ['b'] }),
      bin('/', sel('x'), agg('sum', sel('x'), { by: ['a'] }), { on: ['a'], groupLeft: [] }),
      agg('topk', sel('x'), { param: num(2) }),
    ];
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 0, max: 2 }), (pool, which) => {
        const expr = exprs[which] ?? exprs[0];
        if (expr === undefined) return;
        const step = 45 * S;
        const matrix = range(expr, 0, 6 * M, step, pool);
        for (let t = 0; t <= 6 * M; t += step) {
          const want = asMap(instant(expr, t, pool));
          const got = new Map<string, number>();
          for (const s of matrix.series) {
            const p = s.points.find((q) => q.t === t);
            if (p !== undefined) got.set(showLabels(s.labels), p.v);
          }
          expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
          for (const [k, v] of want) expect(Object.is(got.get(k), v) || got.get(k) === v).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
