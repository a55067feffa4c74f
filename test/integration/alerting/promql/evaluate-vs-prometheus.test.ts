/**
 * Differential test of the evaluator against Debian's real Prometheus 2.42 over the same samples: every
 * expression (built as an AST, sent to Prometheus as text) at 20 instants and over 3 ranges must give the
 * same series and values (relative 1e-9), or the same kind of error.
 */
import type { Expr } from '../../../../src/alerting/promql/ast';
import { DEFAULT_EVAL_OPTIONS, PromqlError } from '../../../../src/alerting/promql/engine-api';
import { evaluateInstant, evaluateRange } from '../../../../src/alerting/promql/evaluate';
import type { Labels, Point, StoredSeries, Value } from '../../../../src/alerting/promql/values';
import { agg, bin, call, M, mat, neg, num, paren, S, sel, selectData, str, subq, toPromql } from '../../../support/promql-ast';
import { almostEqual, showLabels } from '../../../support/promql-eval';
import { TEST_FUNCTIONS } from '../../../support/promql-test-functions';
import { startPrometheusOver } from '../../../support/prometheus-tsdb';
import type { PrometheusTsdb } from '../../../support/prometheus-tsdb';

const BASE = 1_700_000_000_000;

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(): StoredSeries[] {
  const rand = prng(42);
  const out: StoredSeries[] = [];
  const add = (labels: Record<string, string>, intervalMs: number, value: (i: number, prev: number) => number, gap?: [number, number]): void => {
    const points: Point[] = [];
    let prev = 0;
    for (let i = 0, t = BASE; t < BASE + 70 * M; i++, t += intervalMs) {
      const ts = t + Math.floor(rand() * 5000) - 2500;
      if (gap !== undefined && ts >= BASE + gap[0] && ts < BASE + gap[1]) continue;
      prev = value(i, prev) + 0; // never -0: the OpenMetrics text would carry +0
      points.push({ t: ts, v: prev });
    }
    out.push({ labels: new Map(Object.entries(labels)), points });
  };
  for (const job of ['a', 'b']) {
    for (const instance of ['0', '1', '2']) {
      const gap: [number, number] | undefined = job === 'b' && instance === '1' ? [20 * M, 28 * M] : undefined;
      add({ __name__: 'm1', job, instance }, 15 * S, () => Math.round((rand() * 15 - 5) * 1000) / 1000, gap);
      add({ __name__: 'c', job, instance }, 20 * S, (_i, prev) => (rand() < 0.05 ? 0 : prev + Math.floor(rand() * 100)));
    }
    add({ __name__: 'm2', job }, 30 * S, () => Math.round(rand() * 4 * 100) / 100 + 0.5);
  }
  add({ __name__: 'ties', k: 'x' }, 60 * S, (i) => i % 3);
  add({ __name__: 'ties', k: 'y' }, 60 * S, (i) => i % 2);
  add({ __name__: 'ties', k: 'z' }, 60 * S, () => 1);
  add({ __name__: 'nanny', x: '1' }, 60 * S, (i) => (i % 4 === 0 ? NaN : i));
  add({ __name__: 'dupe', job: 'a', instance: '0' }, 60 * S, () => 3);
  // Samples exactly on 10 s boundaries for 10 minutes, to hit the window bounds exactly.
  const edge: Point[] = [];
  for (let i = 0; i <= 60; i++) edge.push({ t: BASE + i * 10 * S, v: i * 1.5 });
  out.push({ labels: new Map([['__name__', 'edge']]), points: edge });
  // Two metrics with the same labels that never overlap in time (label-set clashes across steps).
  const early: Point[] = [];
  const late: Point[] = [];
  for (let i = 0; i <= 12; i++) early.push({ t: BASE + i * 10 * S, v: i });
  for (let i = 0; i <= 12; i++) late.push({ t: BASE + 8 * M + i * 10 * S, v: -i });
  out.push({ labels: new Map([['__name__', 'early'], ['k', 'v']]), points: early });
  out.push({ labels: new Map([['__name__', 'late'], ['k', 'v']]), points: late });
  return out;
}

const m1 = (m = ''): ReturnType<typeof sel> => sel('m1', m);
const AT = (BASE + 33 * M + 123) as number;

const EXPRESSIONS: Expr[] = [
  m1(),
  m1('job="a"'),
  m1('instance=~"0|2", job!="b"'),
  sel('m1', '', { offset: 90 * S }),
  sel('m1', '', { offset: -2 * M }),
  sel('m1', 'job="b"', { at: AT }),
  sel('m1', '', { at: 'start' }),
  sel('m1', '', { at: 'end', offset: M }),
  agg('sum', m1()),
  agg('avg', m1(), { by: ['job'] }),
  agg('min', m1(), { without: ['instance'] }),
  agg('max', m1(), { by: ['instance'] }),
  agg('count', m1(), { without: ['job'] }),
  agg('stddev', m1()),
  agg('stdvar', m1(), { by: ['job'] }),
  agg('topk', m1(), { param: num(2) }),
  agg('bottomk', m1(), { by: ['job'], param: num(1) }),
  agg('topk', sel('ties'), { param: num(1) }),
  agg('bottomk', sel('ties'), { param: num(2) }),
  agg('quantile', m1(), { param: num(0.3) }),
  agg('quantile', m1(), { by: ['job'], param: num(0.95) }),
  agg('count_values', sel('ties'), { param: str('value') }),
  agg('count_values', bin('/', m1(), num(7)), { param: str('v'), by: ['job'] }),
  agg('group', m1(), { by: ['job'] }),
  agg('sum', sel('nanny')),
  agg('max', bin('or', sel('nanny'), sel('ties'))),
  bin('+', m1(), sel('m2'), { on: ['job'], groupLeft: [] }),
  bin('/', m1(), agg('sum', m1(), { by: ['job'] }), { on: ['job'], groupLeft: [] }),
  bin('*', sel('m2'), m1(), { on: ['job'], groupRight: [] }),
  bin('-', m1(), sel('m2'), { ignoring: ['instance'], groupLeft: ['__name__'] }),
  bin('>', m1(), num(0.5)),
  bin('<', num(2), m1()),
  bin('>', m1(), num(0.5), { bool: true }),
  bin('>=', m1(), sel('m2'), { ignoring: ['instance'], groupLeft: [] }),
  bin('==', m1(), m1(), { bool: true }),
  bin('*', num(2), m1()),
  bin('%', m1(), num(0.7)),
  bin('^', sel('m2'), num(2.5)),
  bin('atan2', m1(), sel('m2'), { ignoring: ['instance'], groupLeft: [] }),
  bin('-', sel('c'), sel('c', '', { offset: 5 * M })),
  bin('and', m1(), bin('>', m1(), num(1))),
  bin('or', m1('job="a"'), sel('m2')),
  bin('unless', m1(), sel('m2'), { on: ['job'] }),
  bin('or', sel('dupe'), m1(), { ignoring: ['__name__'] }),
  bin('+', sel('dupe'), m1()),
  neg(m1('job="a"')),
  bin('/', num(1), num(0)),
  bin('-', bin('*', num(3), num(4)), bin('^', num(2), num(0.5))),
  bin('+', call('time'), num(1)),
  call('vector', call('time')),
  call('scalar', agg('sum', m1())),
  bin('*', call('scalar', sel('m2', 'job="a"')), m1()),
  call('abs', m1()),
  call('timestamp', m1()),
  call('timestamp', bin('*', m1(), num(1))),
  call('sum_over_time', mat(m1(), M)),
  call('count_over_time', mat(m1(), 2 * M)),
  call('max_over_time', mat(sel('m1', '', { offset: 30 * S }), 90 * S)),
  call('last_over_time', mat(m1(), M)),
  call('count_over_time', mat(sel('m1', '', { at: AT }), 3 * M)),
  call('sum_over_time', subq(m1(), 5 * M, 30 * S)),
  call('max_over_time', subq(agg('sum', m1()), 3 * M)),
  call('count_over_time', subq(m1(), 2 * M, 17 * S, { offset: M })),
  call('sum_over_time', subq(call('max_over_time', subq(m1(), 2 * M, 20 * S)), 4 * M, 45 * S)),
  call('last_over_time', subq(bin('*', m1(), num(2)), 3 * M, 40 * S, { at: AT })),
  call('count_over_time', subq(sel('m1', '', { at: AT }), 5 * M, M)),
  agg('sum', call('count_over_time', mat(sel('c'), 2 * M)), { by: ['job'] }),
  bin('*', paren(bin('+', m1(), num(1))), sel('m2'), { on: ['job'], groupLeft: [] }),
  neg(sel(undefined, '__name__=~"m1|c", job="a", instance="0"')),
  agg('topk', m1(), { param: num(NaN) }),
  agg('topk', m1(), { by: ['job'], param: num(2) }),
  agg('bottomk', m1(), { without: ['job'], param: call('scalar', sel('ties', 'k="x"')) }),
  agg('quantile', bin('or', sel('nanny'), sel('ties')), { param: num(0.5) }),
  agg('quantile', m1(), { param: num(1.5) }),
  agg('count_values', sel('ties'), { param: str('k'), without: ['k'] }),
  agg('avg', bin('/', m1(), num(0))),
  agg('stddev', sel('ties')),
  agg('sum', agg('max', m1(), { by: ['job', 'instance'] }), { without: ['instance'] }),
  bin('<', num(1), m1(), { bool: true }),
  bin('!=', m1(), m1('instance="0"'), { ignoring: ['instance'], groupLeft: [] }),
  bin('+', m1(), m1('instance="0"'), { on: ['job'], groupLeft: ['instance'] }),
  bin('and', m1(), sel('m2'), { on: ['job'] }),
  bin('or', sel('m2'), m1(), { ignoring: ['instance'] }),
  bin('unless', sel('ties'), bin('>', sel('ties'), num(0))),
  bin('>', sel('m2'), num(2), { bool: true }),
  bin('<=', bin('+', m1(), num(0)), sel('m2'), { on: ['job'], groupLeft: [], bool: true }),
  bin('*', m1(), m1()),
  bin('-', num(0), paren(neg(num(3)))),
  bin('>', num(1), num(0), { bool: true }),
  bin('%', num(-7), num(3)),
  bin('^', num(-8), num(1 / 3)),
  neg(agg('sum', m1(), { by: ['job'] })),
  call('vector', bin('*', call('scalar', agg('count', m1())), num(2))),
  call('sum_over_time', mat(sel('m1', '', { offset: -M }), 2 * M)),
  call('max_over_time', subq(sel('m1', '', { offset: M }), 4 * M, 20 * S, { offset: 30 * S })),
  call('sum_over_time', subq(agg('sum', m1(), { by: ['job'] }), 5 * M, M, { at: 'start' })),
  call('count_over_time', subq(call('vector', call('time')), 7 * M, 33 * S, { at: 'end' })),
  call('last_over_time', mat(sel('m1', 'job="b",instance="1"'), 2 * M)),
  call('timestamp', sel('m1', '', { offset: 2 * M })),
  agg('count', call('count_over_time', mat(sel(undefined, '__name__=~"m1|c"'), M)), { by: ['job'] }),
];

const EDGE_EXPRESSIONS: Expr[] = [
  sel('edge'),
  sel('edge', '', { offset: 10 * S }),
  mat(sel('edge'), 30 * S),
  mat(sel('edge', '', { offset: 5 * S }), 25 * S),
  call('count_over_time', mat(sel('edge'), 30 * S)),
  call('sum_over_time', mat(sel('edge'), 5 * M)),
  call('count_over_time', subq(sel('edge'), M, 10 * S)),
  call('count_over_time', subq(sel('edge'), M, 7 * S)),
  subq(sel('edge'), 40 * S, 10 * S),
  subq(sel('edge'), 40 * S, 15 * S, { offset: 5 * S }),
  call('timestamp', sel('edge')),
  call('timestamp', sel('edge', '', { at: BASE + 5 * M })),
  call('sum_over_time', mat(sel('edge', '', { at: BASE + 5 * M }), 30 * S)),
  call('last_over_time', subq(sel('edge', '', { at: BASE + 5 * M }), M, 10 * S)),
  str('text'),
  neg(sel(undefined, '__name__=~"early|late"')),
  call('abs', sel(undefined, '__name__=~"early|late"')),
  bin('*', sel(undefined, '__name__=~"early|late"'), num(1)),
  call('count_over_time', mat(sel(undefined, '__name__=~"early|late"'), M)),
  call('last_over_time', mat(sel(undefined, '__name__=~"early|late"'), M)),
  call('count_over_time', subq(neg(sel(undefined, '__name__=~"early|late"')), M, 10 * S)),
  agg('sum', sel(undefined, '__name__=~"early|late"'), { without: [] }),
];
const EDGE_INSTANTS = [BASE, BASE + 30 * S, BASE + 10 * M, BASE + 15 * M, BASE + 15 * M + 1, BASE + 15 * M + 10 * S, BASE + 14 * M + 59_999, BASE + 5 * M + 5 * S];
const EDGE_RANGES: [number, number, number][] = [
  [BASE, BASE + 16 * M, 10 * S],
  [BASE + 14 * M, BASE + 16 * M, 5 * S],
  [BASE - M, BASE + 3 * M, 7 * S],
];

const INSTANTS = Array.from({ length: 20 }, (_, i) => BASE + 8 * M + i * 157_123);
const RANGES: [number, number, number][] = [
  [BASE + 10 * M, BASE + 40 * M, 15 * S],
  [BASE + 5 * M + 777, BASE + 65 * M, 37 * S],
  [BASE + 18 * M, BASE + 30 * M, M],
];

interface PromResult {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

type Outcome = { error: string } | { type: string; series: Map<string, [number, number][]> };

function parseValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

function fromProm(body: PromResult): Outcome {
  if (body.status !== 'success' || body.data === undefined) return { error: body.errorType ?? 'unknown' };
  const { resultType, result } = body.data;
  const series = new Map<string, [number, number][]>();
  if (resultType === 'scalar' || resultType === 'string') {
    const [t, v] = result as [number, string];
    series.set('', [[Math.round(t * 1000), resultType === 'string' ? NaN : parseValue(v)]]);
  } else {
    for (const r of result as { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]) {
      const labels: Labels = new Map(Object.entries(r.metric));
      const values = r.values ?? (r.value === undefined ? [] : [r.value]);
      series.set(showLabels(labels), values.map(([t, v]) => [Math.round(t * 1000), parseValue(v)]));
    }
  }
  return { type: resultType, series };
}

function fromOurs(run: () => Value): Outcome {
  let value: Value;
  try {
    value = run();
  } catch (e) {
    if (e instanceof PromqlError) return { error: e.errorType };
    throw e;
  }
  const series = new Map<string, [number, number][]>();
  switch (value.type) {
    case 'scalar':
      series.set('', [[value.t, value.v]]);
      break;
    case 'string':
      series.set('', [[value.t, NaN]]);
      break;
    case 'vector':
      for (const s of value.samples) series.set(showLabels(s.labels), [[s.t, s.v]]);
      break;
    case 'matrix':
      for (const s of value.series) series.set(showLabels(s.labels), s.points.map((p) => [p.t, p.v]));
      break;
  }
  return { type: value.type, series };
}

function differences(ours: Outcome, theirs: Outcome): string[] {
  if ('error' in theirs || 'error' in ours) {
    return 'error' in theirs && 'error' in ours && theirs.error === ours.error ? [] : [`outcome: ours ${JSON.stringify(ours)} vs prometheus ${JSON.stringify(theirs)}`];
  }
  const diffs: string[] = [];
  if (ours.type !== theirs.type) diffs.push(`type ${ours.type} vs ${theirs.type}`);
  for (const [k, points] of theirs.series) {
    const mine = ours.series.get(k);
    if (mine === undefined) {
      diffs.push(`missing series ${k}`);
      continue;
    }
    if (mine.length !== points.length) diffs.push(`${k}: ${mine.length} points vs ${points.length}`);
    else points.forEach(([t, v], i) => {
      const [mt, mv] = mine[i] ?? [NaN, NaN];
      if (mt !== t || !almostEqual(mv, v)) diffs.push(`${k} point ${i}: ours [${mt}, ${mv}] vs [${t}, ${v}]`);
    });
  }
  for (const k of ours.series.keys()) if (!theirs.series.has(k)) diffs.push(`extra series ${k}`);
  return diffs.slice(0, 5);
}

describe('the evaluator agrees with Prometheus 2.42', () => {
  const data = generate();
  let prometheus: PrometheusTsdb;

  beforeAll(async () => {
    prometheus = await startPrometheusOver(data);
  }, 120_000);

  afterAll(async () => {
    await prometheus.stop();
  });

  async function query(path: string, params: Record<string, string>): Promise<Outcome> {
    const response = await fetch(`${prometheus.url}/api/v1/${path}`, { method: 'POST', body: new URLSearchParams(params) });
    return fromProm((await response.json()) as PromResult);
  }

  async function compare(expr: Expr, instants: readonly number[], ranges: readonly [number, number, number][]): Promise<string[]> {
    const failures: string[] = [];
    for (const t of instants) {
      const theirs = await query('query', { query: toPromql(expr), time: (t / 1000).toFixed(3) });
      const ours = fromOurs(() => evaluateInstant(expr, t, selectData(expr, data), DEFAULT_EVAL_OPTIONS, TEST_FUNCTIONS));
      for (const d of differences(ours, theirs)) failures.push(`instant ${t}: ${d}`);
    }
    for (const [start, end, step] of ranges) {
      const theirs = await query('query_range', { query: toPromql(expr), start: (start / 1000).toFixed(3), end: (end / 1000).toFixed(3), step: String(step / 1000) });
      const ours = fromOurs(() => evaluateRange(expr, start, end, step, selectData(expr, data), DEFAULT_EVAL_OPTIONS, TEST_FUNCTIONS));
      for (const d of differences(ours, theirs)) failures.push(`range ${start}..${end} by ${step}: ${d}`);
    }
    return failures.slice(0, 10);
  }

  it.each(EXPRESSIONS.map((e) => [toPromql(e), e] as const))('%s', async (_text, expr) => {
    expect(await compare(expr, INSTANTS, RANGES)).toEqual([]);
  });

  it.each(EDGE_EXPRESSIONS.map((e) => [toPromql(e), e] as const))('on exact window bounds: %s', async (_text, expr) => {
    expect(await compare(expr, EDGE_INSTANTS, EDGE_RANGES)).toEqual([]);
  });
});
