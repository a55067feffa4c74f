/**
 * A small stand-in for Prometheus's promql test language, enough to port promql/testdata cases that call one
 * function over stored series: `load` series in its expanding notation, take the window or instant vector a
 * selector would read at a time, call the function, compare the result as Prometheus's tests do.
 */
import type { Expr } from '../../../../../src/alerting/promql/ast';
import type { FunctionArgument, RangeArgument } from '../../../../../src/alerting/promql/functions/function-api';
import { FUNCTIONS } from '../../../../../src/alerting/promql/functions';
import type { Labels, Point, Scalar, StoredSeries, StringValue, Vector } from '../../../../../src/alerting/promql/values';

export const s = (n: number): number => n * 1000;
export const m = (n: number): number => n * 60_000;

const LOOKBACK_MS = m(5);

function parseNumber(text: string): number {
  switch (text) {
    case 'Inf':
    case '+Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default:
      return Number(text);
  }
}

/** Prometheus's expanding notation: `1 2 _ 3`, `0+10x5` (6 values), `8000-10x3`, `0x3` (4 values), `_x2` (2). */
export function expandValues(notation: string): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const token of notation.trim().split(/\s+/)) {
    const repeat = /^(_|[-+]?[\w.]+?)(?:([-+])([\w.]+))?x(\d+)$/.exec(token);
    if (repeat && !/^[-+]?(Inf|NaN)$/.test(token)) {
      const [, startText = '', sign, stepText, timesText = '0'] = repeat;
      const times = Number(timesText);
      if (startText === '_') {
        for (let i = 0; i < times; i++) out.push(undefined);
        continue;
      }
      const start = parseNumber(startText);
      if (sign === undefined) {
        // `1x3` is `1+0x3`: four values.
        for (let i = 0; i <= times; i++) out.push(start);
        continue;
      }
      const step = parseNumber(stepText ?? '0') * (sign === '-' ? -1 : 1);
      let v = start;
      out.push(v);
      for (let i = 0; i < times; i++) {
        v += step;
        out.push(v);
      }
      continue;
    }
    out.push(token === '_' ? undefined : parseNumber(token));
  }
  return out;
}

/** `name{a="b", c="d"}` or `{a="b"}` as a label set (with `__name__`). */
export function parseLabels(text: string): Labels {
  const match = /^([a-zA-Z_:][\w:]*)?\s*(?:\{(.*)\})?$/.exec(text.trim());
  if (!match) {
    throw new Error(`bad series: ${text}`);
  }
  const entries: [string, string][] = [];
  if (match[1]) entries.push(['__name__', match[1]]);
  for (const pair of (match[2] ?? '').matchAll(/([\w]+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    entries.push([pair[1] ?? '', JSON.parse(`"${pair[2] ?? ''}"`) as string]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(entries);
}

export function load(intervalMs: number, lines: Record<string, string>): StoredSeries[] {
  return Object.entries(lines).map(([series, notation]) => {
    const points: Point[] = [];
    expandValues(notation).forEach((v, i) => {
      if (v !== undefined) points.push({ t: i * intervalMs, v });
    });
    return { labels: parseLabels(series), points };
  });
}

/** The series whose labels include all of `spec`'s (a `name{...}` selector with equality matchers only). */
export function select(series: readonly StoredSeries[], spec: string): StoredSeries[] {
  const wanted = parseLabels(spec);
  return series.filter((x) => [...wanted].every(([k, v]) => x.labels.get(k) === v));
}

/** What `selector[range] offset` reads at `timeMs`: points in [end - range, end], series without one left out. */
export function rangeAt(series: readonly StoredSeries[], timeMs: number, rangeMs: number, offsetMs = 0): RangeArgument {
  const rangeEndMs = timeMs - offsetMs;
  const rangeStartMs = rangeEndMs - rangeMs;
  return {
    type: 'range',
    rangeStartMs,
    rangeEndMs,
    series: series
      .map((x) => ({ labels: x.labels, points: x.points.filter((p) => p.t >= rangeStartMs && p.t <= rangeEndMs) }))
      .filter((x) => x.points.length > 0),
  };
}

/** What an instant selector reads at `timeMs` (5m lookback); `pointTimes` keeps each point's own time. */
export function vectorAt(series: readonly StoredSeries[], timeMs: number, pointTimes = false): Vector {
  const samples = [];
  for (const x of series) {
    const inWindow = x.points.filter((p) => p.t <= timeMs && p.t >= timeMs - LOOKBACK_MS);
    const last = inWindow[inWindow.length - 1];
    if (last !== undefined) samples.push({ labels: x.labels, t: pointTimes ? last.t : timeMs, v: last.v });
  }
  return { type: 'vector', samples };
}

export const scalar = (v: number, t = 0): Scalar => ({ type: 'scalar', t, v });
export const str = (v: string): StringValue => ({ type: 'string', t: 0, v });

export function call(name: string, args: FunctionArgument[], timeMs: number, argExprs: Expr[] = []): Vector | Scalar | StringValue {
  const impl = FUNCTIONS.get(name);
  if (impl === undefined) throw new Error(`no function ${name}`);
  return impl({ args, argExprs, timeMs });
}

export function vectorOf(result: Vector | Scalar | StringValue): Vector {
  if (result.type !== 'vector') throw new Error(`expected a vector, got ${result.type}`);
  return result;
}

export function labelsText(labels: Labels): string {
  const name = labels.get('__name__') ?? '';
  const rest = [...labels].filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${rest.join(',')}}`;
}

/** Prometheus's test comparison: equal labels, values equal within 1e-6 relative (NaN equals NaN). */
export function closeEnough(actual: number, expected: number, relative = 1e-6): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), Number.MIN_VALUE);
}

/** The result as `labels → value` lines, for equality with the expected ones in any order. */
export function expectSamples(result: Vector | Scalar | StringValue, expected: [string, number][], relative?: number): void {
  const vector = vectorOf(result);
  const actual = new Map(vector.samples.map((x) => [labelsText(x.labels), x.v]));
  expect([...actual.keys()].sort()).toEqual(expected.map(([l]) => labelsText(parseLabels(l))).sort());
  expect(actual.size).toBe(vector.samples.length);
  for (const [l, v] of expected) {
    const got = actual.get(labelsText(parseLabels(l)));
    if (got === undefined || !closeEnough(got, v, relative)) {
      throw new Error(`${l}: expected ${v}, got ${got}`);
    }
  }
}
