/**
 * The function library against real Prometheus 2.42 (Debian's promtool): for generated series, each case's
 * expression is evaluated by `promtool test rules` (its failure report prints what Prometheus got) and by
 * the library over the same points; the results must agree within 1e-9 relative.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VectorSelector } from '../../../../../src/alerting/promql/ast';
import type { StoredSeries, Vector } from '../../../../../src/alerting/promql/values';
import {
  call,
  closeEnough,
  labelsText,
  load,
  parseLabels,
  rangeAt,
  scalar,
  select,
  str,
  vectorAt,
  vectorOf,
} from '../../../../unit/alerting/promql/functions/support';

const PROMTOOL = '/usr/bin/promtool';
const INTERVAL_MS = 15_000;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Series notation for promtool and for the support loader alike: one token per interval, `_` for a gap. */
function generateSeries(seed: number): Record<string, string> {
  const random = mulberry32(seed);
  const lines: Record<string, string> = {};
  const steps = 60;
  for (let i = 0; i < 3; i++) {
    let counter = random() * 100;
    const tokens: string[] = [];
    for (let step = 0; step < steps; step++) {
      counter = random() < 0.05 ? random() * 10 : counter + random() * 37.3;
      const special = i === 2 && random() < 0.05 ? (random() < 0.5 ? 'NaN' : 'Inf') : undefined;
      tokens.push(random() < 0.15 ? '_' : (special ?? String(counter)));
    }
    lines[`counter_total{i="${i}"}`] = tokens.join(' ');
  }
  const specials = ['NaN', 'Inf', '-Inf', '1e300', '-1e300', '1e-300', '0'];
  for (let i = 0; i < 3; i++) {
    const tokens: string[] = [];
    for (let step = 0; step < steps; step++) {
      const r = random();
      tokens.push(r < 0.1 ? '_' : r < 0.14 && i > 0 ? (specials[Math.floor(random() * specials.length)] ?? '0') : String((random() - 0.5) * 200));
    }
    lines[`gauge{i="${i}"}`] = tokens.join(' ');
  }
  // Job c spells some bounds twice (coalesced) and has NaN counts now and then.
  const boundsByJob: Record<string, string[]> = {
    a: ['0.05', '0.1', '0.25', '1', '2.5', '+Inf'],
    b: ['0.05', '0.1', '0.25', '1', '2.5', '+Inf'],
    c: ['0.1', '1e-1', '0.25', '1', '+Inf', '+inf', '2.5e0', '2.5'],
  };
  for (const [job, bounds] of Object.entries(boundsByJob)) {
    const counts = bounds.map(() => 0);
    const tokens: string[][] = bounds.map(() => []);
    for (let step = 0; step < steps; step++) {
      let cumulative = 0;
      bounds.forEach((_, b) => {
        cumulative += random() * 5;
        counts[b] = (counts[b] ?? 0) + cumulative;
        // Job b's buckets are scraped unevenly: its counts are sometimes non-monotonic.
        const jitter = job === 'b' && random() < 0.2 ? -random() * 3 : 0;
        const nan = job === 'c' && random() < 0.03;
        tokens[b]?.push(nan ? 'NaN' : String((counts[b] ?? 0) + jitter));
      });
    }
    bounds.forEach((le, b) => {
      lines[`req_bucket{job="${job}", le="${le}"}`] = (tokens[b] ?? []).join(' ');
    });
  }
  return lines;
}

interface Case {
  readonly expr: string;
  readonly evalMs: number;
  readonly ours: (series: StoredSeries[], t: number) => Vector;
}

const RANGE_FUNCTIONS = [
  'rate',
  'increase',
  'delta',
  'irate',
  'idelta',
  'deriv',
  'resets',
  'changes',
  'avg_over_time',
  'sum_over_time',
  'min_over_time',
  'max_over_time',
  'count_over_time',
  'last_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'present_over_time',
];
const VALUE_FUNCTIONS = ['abs', 'ceil', 'floor', 'round', 'timestamp', 'sort', 'sort_desc'];

function cases(): Case[] {
  const out: Case[] = [];
  const times = [60_000, 187_000, 300_000, 601_000, 885_000];
  for (const evalMs of times) {
    for (const metric of ['counter_total', 'gauge']) {
      for (const [range, offset] of [
        [60_000, 0],
        [120_000, 0],
        [300_000, 0],
        [45_000, 30_000],
        [600_000, 0],
      ] as const) {
        const selector = `${metric}[${range / 1000}s]${offset ? ` offset ${offset / 1000}s` : ''}`;
        for (const fn of RANGE_FUNCTIONS) {
          out.push({ expr: `${fn}(${selector})`, evalMs, ours: (s, t) => vectorOf(call(fn, [rangeAt(select(s, metric), t, range, offset)], t)) });
        }
        out.push({
          expr: `predict_linear(${selector}, 600)`,
          evalMs,
          ours: (s, t) => vectorOf(call('predict_linear', [rangeAt(select(s, metric), t, range, offset), scalar(600)], t)),
        });
        for (const q of [0, 0.3, 0.5, 0.99, 1, -1, 2, NaN]) {
          out.push({
            expr: `quantile_over_time(${q}, ${selector})`,
            evalMs,
            ours: (s, t) => vectorOf(call('quantile_over_time', [scalar(q), rangeAt(select(s, metric), t, range, offset)], t)),
          });
        }
      }
      for (const fn of VALUE_FUNCTIONS) {
        out.push({ expr: `${fn}(${metric})`, evalMs, ours: (s, t) => vectorOf(call(fn, [vectorAt(select(s, metric), t, fn === 'timestamp')], t)) });
      }
      for (const [fn, args] of [
        ['round', [0.3]],
        ['round', [7]],
        ['clamp', [-20, 35]],
        ['clamp_min', [10]],
        ['clamp_max', [-10]],
      ] as const) {
        out.push({
          expr: `${fn}(${metric}, ${args.join(', ')})`,
          evalMs,
          ours: (s, t) => vectorOf(call(fn, [vectorAt(select(s, metric), t), ...args.map((a) => scalar(a))], t)),
        });
      }
      out.push({
        expr: `label_replace(${metric}, "dst", "x-$1-\${1}y", "i", "([0-9])")`,
        evalMs,
        ours: (s, t) => vectorOf(call('label_replace', [vectorAt(select(s, metric), t), str('dst'), str('x-$1-${1}y'), str('i'), str('([0-9])')], t)),
      });
      out.push({
        expr: `label_join(${metric}, "dst", "+", "i", "__name__", "none")`,
        evalMs,
        ours: (s, t) => vectorOf(call('label_join', [vectorAt(select(s, metric), t), str('dst'), str('+'), str('i'), str('__name__'), str('none')], t)),
      });
    }
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.99, 1, -0.5, 1.5, NaN]) {
      out.push({
        expr: `histogram_quantile(${q}, req_bucket)`,
        evalMs,
        ours: (s, t) => vectorOf(call('histogram_quantile', [scalar(q), vectorAt(select(s, 'req_bucket'), t)], t)),
      });
      out.push({
        expr: `histogram_quantile(${q}, rate(req_bucket[2m]))`,
        evalMs,
        ours: (s, t) =>
          vectorOf(call('histogram_quantile', [scalar(q), vectorOf(call('rate', [rangeAt(select(s, 'req_bucket'), t, 120_000)], t))], t)),
      });
    }
    out.push(
      { expr: 'vector(time())', evalMs, ours: (_, t) => vectorOf(call('vector', [scalar(t / 1000)], t)) },
      {
        expr: 'vector(scalar(gauge))',
        evalMs,
        ours: (s, t) => {
          const v = call('scalar', [vectorAt(select(s, 'gauge'), t)], t);
          return vectorOf(call('vector', [scalar(v.type === 'scalar' ? v.v : NaN)], t));
        },
      },
      {
        expr: 'vector(scalar(gauge{i="1"}))',
        evalMs,
        ours: (s, t) => {
          const v = call('scalar', [vectorAt(select(s, 'gauge{i="1"}'), t)], t);
          return vectorOf(call('vector', [scalar(v.type === 'scalar' ? v.v : NaN)], t));
        },
      },
      ...absentCases(evalMs),
    );
  }
  return out;
}

function selectorExpr(text: string): VectorSelector {
  const labels = parseLabels(text);
  return { type: 'VectorSelector', matchers: [...labels].map(([name, value]) => ({ name, type: '=' as const, value })), offsetMs: 0 };
}

function absentCases(evalMs: number): Case[] {
  const repeated: VectorSelector = {
    type: 'VectorSelector',
    matchers: [
      { name: '__name__', type: '=', value: 'nonexistent' },
      { name: 'job', type: '=', value: 'x' },
      { name: 'job', type: '=', value: 'y' },
      { name: 'foo', type: '=', value: 'bar' },
      { name: 'baz', type: '=~', value: 'q.*' },
    ],
    offsetMs: 0,
  };
  return [
    { expr: 'absent(nonexistent{a="b", c="d"})', evalMs, ours: (_, t) => vectorOf(call('absent', [vectorAt([], t)], t, [selectorExpr('nonexistent{a="b", c="d"}')])) },
    { expr: 'absent(nonexistent{job="x", job="y", foo="bar", baz=~"q.*"})', evalMs, ours: (_, t) => vectorOf(call('absent', [vectorAt([], t)], t, [repeated])) },
    { expr: 'absent(gauge{i="0"})', evalMs, ours: (s, t) => vectorOf(call('absent', [vectorAt(select(s, 'gauge{i="0"}'), t)], t, [selectorExpr('gauge{i="0"}')])) },
    ...[30_000, 120_000].map((range) => ({
      expr: `absent_over_time(counter_total{i="1"}[${range / 1000}s])`,
      evalMs,
      ours: (s: StoredSeries[], t: number) =>
        vectorOf(
          call('absent_over_time', [rangeAt(select(s, 'counter_total{i="1"}'), t, range)], t, [
            { type: 'MatrixSelector', vector: selectorExpr('counter_total{i="1"}'), rangeMs: range },
          ]),
        ),
    })),
  ];
}

function formatDuration(ms: number): string {
  return `${ms}ms`;
}

function yamlTest(series: Record<string, string>, all: Case[]): string {
  const input = Object.entries(series)
    .map(([name, values]) => `      - series: '${name}'\n        values: '${values}'`)
    .join('\n');
  // promtool loads the input only up to its last evaluation step (whole evaluation intervals up to the
  // latest eval_time): a later sentinel makes it load every point before the cases are evaluated.
  const sentinel = `      - expr: vector(1)\n        eval_time: 30m\n        exp_samples:\n          - labels: '{}'\n            value: 1`;
  const exprs = [...all.map((c) => `      - expr: ${JSON.stringify(c.expr)}\n        eval_time: ${formatDuration(c.evalMs)}`), sentinel].join('\n');
  return `rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: ${INTERVAL_MS / 1000}s\n    input_series:\n${input}\n    promql_expr_test:\n${exprs}\n`;
}

/** What promtool reports per case: `expr: "...", time: ...,` then `got: {...} v, {...} v` (absent when empty). */
function parseReport(report: string): Map<string, Map<string, number>> {
  const results = new Map<string, Map<string, number>>();
  const blocks = report.split(/\n\s*expr: /).slice(1);
  for (const block of blocks) {
    const header = /^("(?:[^"\\]|\\.)*"), time: ([^,]+),/.exec(block);
    if (!header) throw new Error(`unparsed promtool block: ${block.slice(0, 200)}`);
    const key = `${JSON.parse(header[1] ?? '""') as string}@${header[2] ?? ''}`;
    const got = /\n\s*got: (.*)/.exec(block)?.[1] ?? '';
    const samples = new Map<string, number>();
    if (/^[^\n]*, err: /.test(block)) {
      samples.set('error', NaN);
    }
    for (const m of got.matchAll(/(\{[^}]*\}) (\S+?)(?:,|$)/g)) {
      const text = m[2] ?? '';
      samples.set(labelsText(parseLabels(m[1] ?? '')), text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));
    }
    results.set(key, samples);
  }
  return results;
}

function runPromtool(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PROMTOOL, ['test', 'rules', file], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Every case "fails" (no expected samples are given): exit status 1 with the report is the normal outcome.
      if (error && error.code !== 1) {
        reject(new Error(`${PROMTOOL} failed: ${error.message}\n${stderr}`));
        return;
      }
      resolve(`${stdout}\n${stderr}`);
    });
  });
}

/** Prometheus's model.Duration text, as promtool prints eval times: `3m7s`, `1m`, `1m1s500ms`. */
function promtoolTime(ms: number): string {
  const units: [string, number][] = [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let rest = ms;
  let text = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * size;
  }
  return text === '' ? '0s' : text;
}

const LABEL_VALUES = ['abcd', 'héllo wörld', 'a b', 'x-1_2', 'ABC', 'aaa', 'ab12cd'];

const REPLACEMENTS: [string, string][] = [
  ['(.*)', '$1'],
  ['(a|ab)(c|bcd)(d*)', '$1/$2/$3'],
  ['(?P<first>[a-z])(?P<rest>.*)', '${rest}${first}'],
  ['(.)(.*)', '$1x-$2'],
  ['(.)(.*)', '${1}x-$$2$'],
  ['(?i)abc', 'ci'],
  ['a*', 'empty-or-a'],
  ['(x)?(.*)', '[$1][$2]'],
  ['h(.)llo (w.*)', '$2 $1'],
  ['[[:alpha:]]+', 'alpha'],
  ['\\pL+ \\pL+', 'letters'],
  ['(a+)(a*)', '$1|$2'],
  ['(?U)(a+)(a*)', '$1|$2'],
  ['([a-z]+)(\\d+)([a-z]+)', '$3$2$1'],
  ['(.*', '$1'],
  ['(?<n>a)', '$1'],
  ['a{1001}', '$1'],
  ['x{,3}', 'literal'],
  ['.*', ''],
];

function labelCases(): Case[] {
  return REPLACEMENTS.map(([regex, template]) => ({
    expr: `label_replace(lbl, "dst", ${JSON.stringify(template)}, "v", ${JSON.stringify(regex)})`,
    evalMs: 60_000,
    ours: (s: StoredSeries[], t: number) => {
      try {
        return vectorOf(call('label_replace', [vectorAt(select(s, 'lbl'), t), str('dst'), str(template), str('v'), str(regex)], t));
      } catch {
        return { type: 'vector', samples: [{ labels: new Map([['error', '']]), t, v: NaN }] };
      }
    },
  }));
}

function compareWithPromtool(all: Case[], report: Map<string, Map<string, number>>, stored: StoredSeries[]): { compared: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let compared = 0;
  for (const c of all) {
    const theirs = report.get(`${c.expr}@${promtoolTime(c.evalMs)}`) ?? new Map<string, number>();
    const ours = new Map(
      c.ours(stored, c.evalMs).samples.map((x) => [x.labels.has('error') ? 'error' : labelsText(x.labels), x.v]),
    );
    for (const key of new Set([...theirs.keys(), ...ours.keys()])) {
      compared++;
      const a = ours.get(key);
      const b = theirs.get(key);
      if (a === undefined || b === undefined || !closeEnough(a, b, 1e-9)) {
        mismatches.push(`${c.expr} at ${c.evalMs}ms ${key}: ours ${a}, Prometheus ${b}`);
      }
    }
  }
  return { compared, mismatches };
}

describe('the function library agrees with Prometheus 2.42 (promtool)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'promql-functions-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2, 3, 4, 5, 6])('on generated series (seed %d)', async (seed) => {
    const series = generateSeries(seed);
    const all = cases();
    const file = join(dir, `seed-${seed}.yml`);
    writeFileSync(file, yamlTest(series, all));
    const report = parseReport(await runPromtool(file));
    const { compared, mismatches } = compareWithPromtool(all, report, load(INTERVAL_MS, series));
    expect(report.size).toBeGreaterThan(all.length / 2);
    expect(compared).toBeGreaterThan(1000);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('label_replace: regex syntax, matching and template expansion as Go 1.19', async () => {
    const series = Object.fromEntries(LABEL_VALUES.map((v, i) => [`lbl{v=${JSON.stringify(v)}, n="${i}"}`, '1 1 1 1 1']));
    const all = labelCases();
    const file = join(dir, 'labels.yml');
    writeFileSync(file, yamlTest(series, all));
    const report = parseReport(await runPromtool(file));
    const { compared, mismatches } = compareWithPromtool(all, report, load(INTERVAL_MS, series));
    expect(compared).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });
});
