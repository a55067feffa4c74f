/**
 * `npm run bench:evaluator`: the pure PromQL evaluator alone, over synthetic series in memory: a range
 * query of 2,000 steps over 1,000 series for selectors, aggregations, binary operators, range functions
 * and a subquery. Prints the wall time of each; nothing is asserted (timing is not a test).
 */
import type { Expr, VectorSelector } from '../../../src/alerting/promql/ast';
import { DEFAULT_EVAL_OPTIONS } from '../../../src/alerting/promql/engine-api';
import type { SelectedData } from '../../../src/alerting/promql/engine-api';
import { evaluateInstant, evaluateRange } from '../../../src/alerting/promql/evaluate';
import type { FunctionImpl } from '../../../src/alerting/promql/functions/function-api';
import type { Point, StoredSeries } from '../../../src/alerting/promql/values';

const SERIES = 1000;
const STEPS = 2000;
const STEP_MS = 15_000;
const SCRAPE_MS = 15_000;

function series(): StoredSeries[] {
  const out: StoredSeries[] = [];
  for (let i = 0; i < SERIES; i++) {
    const points: Point[] = [];
    for (let t = -10 * 60_000; t <= STEPS * STEP_MS; t += SCRAPE_MS) points.push({ t: t + (i % 7), v: Math.sin(i + t / 1e6) * 100 });
    out.push({ labels: new Map([['__name__', 'm'], ['job', `j${i % 10}`], ['instance', String(i)]]), points });
  }
  return out;
}

const sumOverTime: FunctionImpl = ({ args, timeMs }) => {
  const a = args[0];
  if (a?.type !== 'range') throw new Error('range expected');
  return {
    type: 'vector',
    samples: a.series.map((s) => ({ labels: s.labels, t: timeMs, v: s.points.reduce((p, q) => p + q.v, 0) })),
  };
};
const FUNCTIONS = new Map<string, FunctionImpl>([['sum_over_time', sumOverTime]]);

const m: VectorSelector = { type: 'VectorSelector', matchers: [{ name: '__name__', type: '=', value: 'm' }], offsetMs: 0 };
const sumByJob: Expr = { type: 'Aggregate', op: 'sum', expr: m, grouping: ['job'], without: false };
const EXPRS: [string, Expr, VectorSelector][] = [
  ['m', m, m],
  ['sum by (job) (m)', sumByJob, m],
  ['m / on(job) group_left sum by (job) (m)', { type: 'Binary', op: '/', lhs: m, rhs: sumByJob, returnBool: false, matching: { kind: 'on', labels: ['job'], card: 'many-to-one', include: [] } }, m],
  ['m > 50', { type: 'Binary', op: '>', lhs: m, rhs: { type: 'NumberLiteral', value: 50 }, returnBool: false }, m],
  ['sum_over_time(m[5m])', { type: 'Call', func: 'sum_over_time', args: [{ type: 'MatrixSelector', vector: m, rangeMs: 300_000 }] }, m],
  ['sum_over_time(m[5m:1m])', { type: 'Call', func: 'sum_over_time', args: [{ type: 'Subquery', expr: m, rangeMs: 300_000, stepMs: 60_000, offsetMs: 0 }] }, m],
  ['topk(5, m)', { type: 'Aggregate', op: 'topk', expr: m, param: { type: 'NumberLiteral', value: 5 }, grouping: [], without: false }, m],
];

const data = series();
for (const [name, expr, selector] of EXPRS) {
  const selected: SelectedData = new Map([[selector, data]]);
  const started = process.hrtime.bigint();
  const result = evaluateRange(expr, 0, (STEPS - 1) * STEP_MS, STEP_MS, selected, DEFAULT_EVAL_OPTIONS, FUNCTIONS);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const points = result.series.reduce((n, s) => n + s.points.length, 0);
  console.log(`${name.padEnd(45)} ${ms.toFixed(0).padStart(6)} ms  ${result.series.length} series, ${points} points`);
}

// Instant queries (what a rule evaluation does): 10,000 series, one step.
const many: StoredSeries[] = [];
for (let i = 0; i < 10_000; i++) {
  const points: Point[] = [];
  for (let t = -10 * 60_000; t <= 0; t += SCRAPE_MS) points.push({ t: t + (i % 7), v: Math.cos(i + t / 1e5) * 100 });
  many.push({ labels: new Map([['__name__', 'm'], ['job', `j${i % 10}`], ['instance', String(i)]]), points });
}
for (const [name, expr, selector] of EXPRS) {
  const selected: SelectedData = new Map([[selector, many]]);
  const started = process.hrtime.bigint();
  const runs = 20;
  for (let r = 0; r < runs; r++) evaluateInstant(expr, 0, selected, DEFAULT_EVAL_OPTIONS, FUNCTIONS);
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  console.log(`instant ${name.padEnd(37)} ${ms.toFixed(1).padStart(6)} ms  over ${many.length} series`);
}
