import fc from 'fast-check';
import { createMonitor, formatVerdict, parseSignature, type TimePointInput, type Value, type ValueType } from '../../../src/policies';

const signature = parseSignature('w(c:string, a:int)\nv(c:string, x:float)\n');
const OPS = ['CNT', 'SUM', 'MIN', 'MAX', 'AVG', 'MED'] as const;
type Op = (typeof OPS)[number];

/** The aggregation by its definition: OP over the set of (c, value) pairs seen in the window, per group. */
function expected(op: Op, grouped: boolean, lo: number, hi: number, pred: 'w' | 'v', points: readonly TimePointInput[], resultType: ValueType): string[] {
  const out: string[] = [];
  points.forEach((now, i) => {
    const pairs = new Map<string, [string, number]>();
    for (let j = 0; j <= i; j++) {
      const d = now.ts - (points[j] as TimePointInput).ts;
      if (d < lo || d > hi) continue;
      for (const e of (points[j] as TimePointInput).events) if (e.pred === pred) pairs.set(JSON.stringify(e.args), e.args as [string, number]);
    }
    const groups = new Map<string, number[]>();
    for (const [c, a] of pairs.values()) {
      const key = grouped ? c : '';
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    if (!grouped && groups.size === 0) groups.set('', []);
    const tuples: Value[][] = [...groups].map(([c, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const sum = values.reduce((s, x) => s + x, 0);
      const n = values.length;
      const result =
        n === 0
          ? 0
          : op === 'CNT'
            ? n
            : op === 'SUM'
              ? sum
              : op === 'MIN'
                ? (sorted[0] as number)
                : op === 'MAX'
                  ? (sorted[n - 1] as number)
                  : op === 'AVG'
                    ? sum / n
                    : n % 2 === 1
                      ? (sorted[(n - 1) / 2] as number)
                      : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
      return grouped ? [result, c] : [result];
    });
    if (tuples.length > 0) out.push(formatVerdict({ tp: i, ts: now.ts, tuples }, grouped ? [resultType, 'string'] : [resultType]));
  });
  return out;
}

const traceOf = (pred: 'w' | 'v', value: fc.Arbitrary<number>): fc.Arbitrary<TimePointInput[]> =>
  fc
    .array(fc.tuple(fc.nat(3), fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), value), { maxLength: 3 })), { minLength: 1, maxLength: 12 })
    .map((points) => {
      let ts = 0;
      return points.map(([gap, events]) => ({ ts: (ts += gap), events: events.map((args) => ({ pred, args })) }));
    });

describe('aggregations equal their definition on random traces (set semantics, groups, empty windows)', () => {
  it('over ints', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPS), fc.boolean(), fc.nat(2), fc.nat(4), traceOf('w', fc.integer({ min: -3, max: 5 })), (op, grouped, lo, width, points) => {
        const formula = `r <- ${op} a${grouped ? '; c' : ''} ONCE[${lo},${lo + width}] w(c,a)`;
        const monitor = createMonitor(signature, formula);
        const lines = [...points.flatMap((p) => monitor.push(p)), ...monitor.finish()].map((v) => monitor.format(v));
        const type: ValueType = op === 'AVG' || op === 'MED' ? 'float' : 'int';
        expect(lines).toEqual(expected(op, grouped, lo, lo + width, 'w', points, type));
      }),
      { numRuns: 300 },
    );
  });

  it('over dyadic floats, printed as %g', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPS), fc.boolean(), fc.nat(4), traceOf('v', fc.integer({ min: -80000, max: 80000 }).map((k) => k / 8)), (op, grouped, width, points) => {
        const formula = `r <- ${op} x${grouped ? '; c' : ''} ONCE[0,${width}] v(c,x)`;
        const monitor = createMonitor(signature, formula);
        const lines = [...points.flatMap((p) => monitor.push(p)), ...monitor.finish()].map((v) => monitor.format(v));
        expect(lines).toEqual(expected(op, grouped, 0, width, 'v', points, op === 'CNT' ? 'int' : 'float'));
      }),
      { numRuns: 300 },
    );
  });
});
