/**
 * Compares two answers of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`): the reference
 * (real Prometheus 2.42) and the target (MyMONIT, or Prometheus itself while the harness is proven).
 *
 * Equal means: the same HTTP status, the same `status`; for errors the same `errorType` (messages may
 * differ); for successes the same `resultType`, the same set of series (labels equal after the target's
 * normalisation, see promql-dataset.ts), timestamps equal to the millisecond, values equal within relative
 * 1e-9 (absolute 1e-12 near 0; NaN equals NaN; infinities by sign) and, when the two doubles are the same,
 * the same spelling (Prometheus writes Go's strconv.FormatFloat(v, 'f', -1, 64), "+Inf", "-Inf", "NaN").
 * Series are compared as sets; for `sort`/`sort_desc` (ordered) the order of values must match too (ties
 * may come in any order).
 */

export interface PromAnswer {
  /** HTTP status. */
  status: number;
  /** The parsed JSON body. */
  body: unknown;
}

export type Labels = Map<string, string>;

export interface CompareOptions {
  /** The series order is part of the answer (sort, sort_desc). */
  ordered?: boolean;
  /** Applied to the target's labels before comparing (e.g. drop experiment="promdiff"). */
  normalizeTarget?: (labels: Labels) => Labels;
  /** Differences reported per comparison at most. */
  maxDifferences?: number;
}

export const RELATIVE_TOLERANCE = 1e-9;
export const ABSOLUTE_TOLERANCE = 1e-12;

/** A normaliser that removes `name` when it has exactly `value` (the label MyMONIT adds for the experiment). */
export function dropLabel(name: string, value: string): (labels: Labels) => Labels {
  return (labels) => {
    if (labels.get(name) !== value) return labels;
    const copy = new Map(labels);
    copy.delete(name);
    return copy;
  };
}

interface Point {
  t: unknown;
  v: unknown;
}

interface ParsedSeries {
  key: string;
  labels: Labels;
  points: Point[];
}

type Parsed =
  | { kind: 'error'; status: number; errorType: unknown }
  | { kind: 'scalar' | 'string'; status: number; point: Point }
  | { kind: 'vector' | 'matrix'; status: number; series: ParsedSeries[] }
  | { kind: 'malformed'; status: number; why: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function labelsKey(labels: Labels): string {
  return `{${[...labels.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

function parseLabels(metric: unknown): Labels | undefined {
  if (!isRecord(metric)) return undefined;
  const labels: Labels = new Map();
  for (const [k, v] of Object.entries(metric)) {
    if (typeof v !== 'string') return undefined;
    labels.set(k, v);
  }
  return labels;
}

function parsePoint(raw: unknown): Point | undefined {
  if (!Array.isArray(raw) || raw.length !== 2) return undefined;
  return { t: raw[0], v: raw[1] };
}

function parse(answer: PromAnswer, normalize: (labels: Labels) => Labels): Parsed {
  const { status, body } = answer;
  const malformed = (why: string): Parsed => ({ kind: 'malformed', status, why });
  if (!isRecord(body)) return malformed(`body is not a JSON object: ${JSON.stringify(body)?.slice(0, 200)}`);
  if (body.status === 'error') return { kind: 'error', status, errorType: body.errorType };
  if (body.status !== 'success') return malformed(`status is ${JSON.stringify(body.status)}: ${JSON.stringify(body).slice(0, 200)}`);
  const data = body.data;
  if (!isRecord(data)) return malformed('data is not an object');
  const { resultType, result } = data;
  if (resultType === 'scalar' || resultType === 'string') {
    const point = parsePoint(result);
    return point ? { kind: resultType, status, point } : malformed(`${resultType} result is not [t, v]`);
  }
  if (resultType !== 'vector' && resultType !== 'matrix') return malformed(`resultType is ${JSON.stringify(resultType)}`);
  if (!Array.isArray(result)) return malformed('result is not an array');
  const series: ParsedSeries[] = [];
  for (const item of result) {
    if (!isRecord(item)) return malformed('a result item is not an object');
    const parsedLabels = parseLabels(item.metric);
    if (!parsedLabels) return malformed(`metric is not a map of strings: ${JSON.stringify(item.metric)}`);
    const labels = normalize(parsedLabels);
    let points: Point[];
    if (resultType === 'vector') {
      const point = parsePoint(item.value);
      if (!point) return malformed(`value of ${labelsKey(labels)} is not [t, v]`);
      points = [point];
    } else {
      if (!Array.isArray(item.values)) return malformed(`values of ${labelsKey(labels)} is not an array`);
      points = [];
      for (const raw of item.values as unknown[]) {
        const point = parsePoint(raw);
        if (!point) return malformed(`a point of ${labelsKey(labels)} is not [t, v]`);
        points.push(point);
      }
    }
    series.push({ key: labelsKey(labels), labels, points });
  }
  return { kind: resultType, status, series };
}

/** A sample value as Prometheus spells it: a string holding a float, "+Inf", "-Inf" or "NaN". */
export function parseSampleValue(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  if (raw === 'NaN') return Number.NaN;
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return undefined;
  return Number(raw);
}

export function valuesClose(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  const diff = Math.abs(a - b);
  return diff <= ABSOLUTE_TOLERANCE || diff <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

function timestampMs(raw: unknown): number | undefined {
  return typeof raw === 'number' && Number.isFinite(raw) ? Math.round(raw * 1000) : undefined;
}

/** Why two points differ, or undefined when they agree. */
function comparePoints(ref: Point, got: Point): string | undefined {
  const refT = timestampMs(ref.t);
  const gotT = timestampMs(got.t);
  if (gotT === undefined) return `timestamp ${JSON.stringify(got.t)} is not a number of seconds`;
  if (refT !== gotT) return `timestamp ${String(got.t)} instead of ${String(ref.t)}`;
  const refV = parseSampleValue(ref.v);
  const gotV = parseSampleValue(got.v);
  if (gotV === undefined) return `at ${String(ref.t)}: value ${JSON.stringify(got.v)} is not a Prometheus sample string`;
  if (refV === undefined) return `at ${String(ref.t)}: reference value ${JSON.stringify(ref.v)} unreadable`;
  if (!valuesClose(refV, gotV)) return `at ${String(ref.t)}: value ${String(got.v)} instead of ${String(ref.v)}`;
  if (Object.is(refV, gotV) && ref.v !== got.v) return `at ${String(ref.t)}: value spelled ${JSON.stringify(got.v)} instead of ${JSON.stringify(ref.v)}`;
  return undefined;
}

function compareSeriesSets(ref: ParsedSeries[], got: ParsedSeries[], options: CompareOptions, out: string[]): void {
  const max = options.maxDifferences ?? 3;
  const refByKey = new Map(ref.map((s) => [s.key, s]));
  const gotByKey = new Map<string, ParsedSeries>();
  for (const s of got) {
    if (gotByKey.has(s.key)) out.push(`series ${s.key} appears twice in the target`);
    gotByKey.set(s.key, s);
  }
  const missing = ref.filter((s) => !gotByKey.has(s.key)).map((s) => s.key);
  const extra = got.filter((s) => !refByKey.has(s.key)).map((s) => s.key);
  if (missing.length > 0) out.push(`missing ${missing.length} series, first: ${missing.slice(0, 3).join(' ')}`);
  if (extra.length > 0) out.push(`${extra.length} extra series, first: ${extra.slice(0, 3).join(' ')}`);
  for (const r of ref) {
    if (out.length >= max) return;
    const g = gotByKey.get(r.key);
    if (!g) continue;
    if (g.points.length !== r.points.length) {
      const refTimes = new Set(r.points.map((p) => timestampMs(p.t)));
      const gotTimes = new Set(g.points.map((p) => timestampMs(p.t)));
      const onlyRef = r.points.find((p) => !gotTimes.has(timestampMs(p.t)));
      const onlyGot = g.points.find((p) => !refTimes.has(timestampMs(p.t)));
      out.push(
        `series ${r.key}: ${g.points.length} points instead of ${r.points.length}` +
          (onlyRef ? `; first missing at ${String(onlyRef.t)}` : '') +
          (onlyGot ? `; first extra at ${String(onlyGot.t)}` : ''),
      );
      continue;
    }
    for (let i = 0; i < r.points.length; i += 1) {
      const why = comparePoints(r.points[i] as Point, g.points[i] as Point);
      if (why) {
        out.push(`series ${r.key}: ${why}`);
        break;
      }
    }
  }
  if (options.ordered && out.length === 0) {
    const refValues = ref.map((s) => parseSampleValue(s.points[0]?.v) ?? Number.NaN);
    const gotValues = got.map((s) => parseSampleValue(s.points[0]?.v) ?? Number.NaN);
    const at = refValues.findIndex((v, i) => !valuesClose(v, gotValues[i] ?? Number.NaN));
    if (at >= 0) out.push(`order differs at position ${at}: ${got[at]?.key ?? '?'} where the reference has ${ref[at]?.key ?? '?'}`);
  }
}

/**
 * The differences between the reference's answer and the target's (empty when they agree), each a line
 * of plain text; `context` (expression and time) prefixes the first.
 */
export function comparePromAnswers(reference: PromAnswer, target: PromAnswer, options: CompareOptions = {}): string[] {
  const identity = (labels: Labels) => labels;
  const ref = parse(reference, identity);
  const got = parse(target, options.normalizeTarget ?? identity);
  const out: string[] = [];
  if (ref.kind === 'malformed') return [`the reference answered ${ref.status} and a malformed body: ${ref.why}`];
  if (got.kind === 'malformed') return [`the target answered ${got.status} and a malformed body: ${got.why}`];
  if (ref.status !== got.status) out.push(`HTTP ${got.status} instead of ${ref.status}`);
  if (ref.kind === 'error' || got.kind === 'error') {
    if (ref.kind !== got.kind) {
      const describe = (p: Parsed) => (p.kind === 'error' ? `error ${String(p.errorType)}` : `success (${p.kind})`);
      out.push(`${describe(got)} instead of ${describe(ref)}`);
    } else if (ref.kind === 'error' && got.kind === 'error' && ref.errorType !== got.errorType) {
      out.push(`errorType ${String(got.errorType)} instead of ${String(ref.errorType)}`);
    }
    return out;
  }
  if (ref.kind !== got.kind) return [...out, `resultType ${got.kind} instead of ${ref.kind}`];
  if ((ref.kind === 'scalar' || ref.kind === 'string') && (got.kind === 'scalar' || got.kind === 'string')) {
    const why =
      ref.kind === 'string'
        ? got.point.v === ref.point.v && timestampMs(got.point.t) === timestampMs(ref.point.t)
          ? undefined
          : `string ${JSON.stringify([got.point.t, got.point.v])} instead of ${JSON.stringify([ref.point.t, ref.point.v])}`
        : comparePoints(ref.point, got.point);
    if (why) out.push(why);
    return out;
  }
  if ((ref.kind === 'vector' || ref.kind === 'matrix') && (got.kind === 'vector' || got.kind === 'matrix')) {
    compareSeriesSets(ref.series, got.series, options, out);
  }
  return out;
}

/**
 * A float as Prometheus writes a sample value: Go's strconv.FormatFloat(v, 'f', -1, 64) (the shortest
 * digits that read back the same double, never an exponent), "+Inf", "-Inf", "NaN".
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const shortest = String(v); // the same shortest digits as Go's, maybe with an exponent
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(shortest);
  if (!match) return Object.is(v, -0) ? '-0' : shortest;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText); // position of the decimal point in `digits`
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
