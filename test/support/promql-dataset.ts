/**
 * The data set of the PromQL differential test: ~40 series over 3 hours, generated from a seed (never
 * Math.random), exported once for Prometheus (OpenMetrics text for `promtool tsdb create-blocks-from
 * openmetrics`) and once for MyMONIT (measures for its AMQP ingest), so that both hold the same samples.
 *
 * Label mapping (decided here, relied on by promql-compare.ts): the series carry NO `instance`, `job`,
 * `source`, `unit` or `experiment` label. In MyMONIT every label becomes a tag, the measure has no source
 * and no unit, and the experiment is PROMDIFF_EXPERIMENT; MyMONIT's PromQL then exposes exactly the same
 * labels plus `experiment="promdiff"`, which the comparison strips from MyMONIT's answers. Expressions must
 * therefore not name the `experiment` label.
 *
 * What the series exercise:
 * - counters with resets (`http_requests_total{service,host,method,code}`), one reset forced mid-way;
 * - gauges with full-precision doubles (`node_temperature{room}`, one room below zero, one unicode room);
 * - classic histogram buckets `request_duration_seconds_bucket{handler,le}` incl. `+Inf`, with `_sum` and
 *   `_count`, and one reset of a whole histogram; handler values with `/`;
 * - `queue_depth{queue}`: a series that stops half-way (lookback), one that starts late, one with a gap of
 *   8 minutes (longer than the 5-minute lookback);
 * - a metric name with `:` (`job:requests:rate5m`), large values (`disk_free_bytes`) and a label value
 *   with a quote and a backslash;
 * - 15 s scrapes, each series with its own phase, a jitter of a few ms and about 2% of scrapes missing.
 */

export const PROMDIFF_EXPERIMENT = 'promdiff';
/** 2026-01-01T00:00:00Z in ms. */
export const DATASET_START_MS = Date.UTC(2026, 0, 1);
export const DATASET_DURATION_MS = 3 * 3600_000;
export const DATASET_END_MS = DATASET_START_MS + DATASET_DURATION_MS;
export const SCRAPE_INTERVAL_MS = 15_000;

export interface Sample {
  /** Integer ms since the epoch. */
  t: number;
  /** Always finite. */
  v: number;
}

export interface GeneratedSeries {
  metric: string;
  /** Labels other than __name__, in a fixed order. */
  labels: ReadonlyArray<readonly [string, string]>;
  /** OpenMetrics family type (the text export's `# TYPE`). */
  type: 'counter' | 'gauge' | 'histogram';
  samples: Sample[];
}

export interface Dataset {
  series: GeneratedSeries[];
  sampleCount: number;
  startMs: number;
  endMs: number;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Schedule {
  fromMs: number;
  toMs: number;
  /** [from, to) windows without samples. */
  gaps?: ReadonlyArray<readonly [number, number]>;
}

const MIN = 60_000;
const START = DATASET_START_MS;
const END = DATASET_END_MS;

/**
 * The scrape instants of one series: its own phase, jitter of 0-6 ms, ~2% missing. Only instants whose
 * OpenMetrics spelling (seconds with 3 decimals) parses back to the same ms are used (promtool converts
 * with float arithmetic).
 */
function scrapeTimes(random: () => number, phaseMs: number, schedule: Schedule): number[] {
  const times: number[] = [];
  for (let nominal = schedule.fromMs + phaseMs; nominal < schedule.toMs; nominal += SCRAPE_INTERVAL_MS) {
    let t = nominal + Math.floor(random() * 7);
    const skipped = random() < 0.02;
    if (skipped || (schedule.gaps ?? []).some(([a, b]) => t >= a && t < b)) continue;
    while (Math.trunc(Number(openMetricsSeconds(t)) * 1000) !== t) t += 1;
    times.push(t);
  }
  return times;
}

/** ms → OpenMetrics timestamp (seconds, exactly 3 decimals). */
export function openMetricsSeconds(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

export function generateDataset(seed = 20260101): Dataset {
  const random = seededRandom(seed);
  const series: GeneratedSeries[] = [];
  let phaseIndex = 0;
  const phase = () => (phaseIndex++ * 1_733) % SCRAPE_INTERVAL_MS;
  const full: Schedule = { fromMs: START, toMs: END };

  // Counters with resets.
  let counterIndex = 0;
  for (const service of ['api', 'web']) {
    for (const host of ['a', 'b']) {
      for (const [method, code, rateMax] of [
        ['GET', '200', 40],
        ['GET', '500', 3],
        ['POST', '200', 12],
      ] as const) {
        const forcedReset = counterIndex === 0 ? START + 90 * MIN : Number.NaN;
        counterIndex += 1;
        let value = Math.floor(random() * 1000);
        let resetDone = false;
        const samples = scrapeTimes(random, phase(), full).map((t) => {
          const reset = random() < 0.004 || (!resetDone && t >= forcedReset);
          if (t >= forcedReset) resetDone = true;
          value = (reset ? 0 : value) + Math.floor(random() * rateMax);
          return { t, v: value };
        });
        series.push({
          metric: 'http_requests_total',
          labels: [['service', service], ['host', host], ['method', method], ['code', code]],
          type: 'counter',
          samples,
        });
      }
    }
  }

  // Gauges: full-precision doubles, one below zero, one unicode label value.
  for (const [room, base, amplitude] of [
    ['lab', 21, 2],
    ['office', 23, 3],
    ['cellar', -4, 2.5],
    ['salle-été ✓', 18, 1],
  ] as const) {
    const period = (40 + random() * 80) * MIN;
    const samples = scrapeTimes(random, phase(), full).map((t) => ({
      t,
      v: base + amplitude * Math.sin((2 * Math.PI * (t - START)) / period) + (random() - 0.5) * 0.8,
    }));
    series.push({ metric: 'node_temperature', labels: [['room', room]], type: 'gauge', samples });
  }

  // Classic histograms: cumulative buckets, _sum and _count scraped together; one histogram resets.
  const bounds = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
  for (const [handler, resetAt] of [
    ['/a/b', Number.NaN],
    ['/api/v1', START + 125 * MIN],
  ] as const) {
    const counts = bounds.map(() => 0);
    let sum = 0;
    let total = 0;
    let resetDone = false;
    const times = scrapeTimes(random, phase(), full);
    const bucketSamples = bounds.map((): Sample[] => []);
    const sumSamples: Sample[] = [];
    const countSamples: Sample[] = [];
    for (const t of times) {
      if (!resetDone && t >= resetAt) {
        resetDone = true;
        counts.fill(0);
        sum = 0;
        total = 0;
      }
      const observations = Math.floor(random() * 12);
      for (let i = 0; i < observations; i += 1) {
        const duration = -Math.log(1 - random()) * (handler === '/a/b' ? 0.2 : 0.6);
        sum += duration;
        total += 1;
        bounds.forEach((le, b) => {
          if (le === '+Inf' || duration <= Number(le)) counts[b] = (counts[b] ?? 0) + 1;
        });
      }
      bounds.forEach((_, b) => bucketSamples[b]?.push({ t, v: counts[b] ?? 0 }));
      sumSamples.push({ t, v: sum });
      countSamples.push({ t, v: total });
    }
    bounds.forEach((le, b) =>
      series.push({
        metric: 'request_duration_seconds_bucket',
        labels: [['handler', handler], ['le', le]],
        type: 'histogram',
        samples: bucketSamples[b] ?? [],
      }),
    );
    series.push({ metric: 'request_duration_seconds_sum', labels: [['handler', handler]], type: 'histogram', samples: sumSamples });
    series.push({ metric: 'request_duration_seconds_count', labels: [['handler', handler]], type: 'histogram', samples: countSamples });
  }

  // Lookback: a series that stops half-way, one that starts late, one with a gap longer than 5 minutes.
  for (const [queue, schedule] of [
    ['steady', full],
    ['stopped', { fromMs: START, toMs: START + 90 * MIN }],
    ['late', { fromMs: START + 120 * MIN, toMs: END }],
    ['gappy', { fromMs: START, toMs: END, gaps: [[START + 60 * MIN, START + 68 * MIN]] }],
  ] as const) {
    const samples = scrapeTimes(random, phase(), schedule).map((t) => ({ t, v: Math.floor(random() * 50) }));
    series.push({ metric: 'queue_depth', labels: [['queue', queue]], type: 'gauge', samples });
  }

  // A recording-rule-style name with colons.
  for (const service of ['api', 'web']) {
    const samples = scrapeTimes(random, phase(), full).map((t) => ({ t, v: 5 + random() * 20 }));
    series.push({ metric: 'job:requests:rate5m', labels: [['service', service]], type: 'gauge', samples });
  }

  // Large values, and a label value with a quote and a backslash.
  for (const [mount, note] of [
    ['/', 'root'],
    ['/data', 'say "hi" \\ ok'],
  ] as const) {
    let free = 1e12 + Math.floor(random() * 1e11);
    const samples = scrapeTimes(random, phase(), full).map((t) => {
      free -= Math.floor(random() * 5e6) - 1e6;
      return { t, v: free };
    });
    series.push({ metric: 'disk_free_bytes', labels: [['mount', mount], ['note', note]], type: 'gauge', samples });
  }

  return {
    series,
    sampleCount: series.reduce((n, s) => n + s.samples.length, 0),
    startMs: START,
    endMs: END,
  };
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The OpenMetrics family a series belongs to (`# TYPE` names the family, without `_total`/`_bucket`...). */
function family(s: GeneratedSeries): string {
  if (s.type === 'counter') return s.metric.replace(/_total$/, '');
  if (s.type === 'histogram') return s.metric.replace(/_(bucket|sum|count)$/, '');
  return s.metric;
}

/**
 * The data set as OpenMetrics text, as `promtool tsdb create-blocks-from openmetrics` 2.42 reads it: one
 * `# TYPE` per family, the samples of a series in time order, timestamps in seconds (3 decimals), `# EOF`.
 */
export function toOpenMetrics(dataset: Dataset): string {
  const lines: string[] = [];
  const families = new Map<string, GeneratedSeries[]>();
  for (const s of dataset.series) families.set(family(s), [...(families.get(family(s)) ?? []), s]);
  for (const [name, members] of families) {
    lines.push(`# TYPE ${name} ${members[0]?.type ?? 'unknown'}`);
    for (const s of members) {
      const labels = s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
      for (const { t, v } of s.samples) lines.push(`${s.metric}{${labels}} ${String(v)} ${openMetricsSeconds(t)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** A measure as MyMONIT's AMQP consumer takes it (openapi.yaml#/components/schemas/Measure). */
export interface DatasetMeasure {
  experiment: string;
  metric: string;
  value: number;
  /** Epoch ms. */
  timestamp: number;
  tags: Record<string, string>;
}

/** The data set as MyMONIT measures: no source, no unit, every label a tag (see the mapping above). */
export function toMeasures(dataset: Dataset, experiment = PROMDIFF_EXPERIMENT): DatasetMeasure[] {
  const measures: DatasetMeasure[] = [];
  for (const s of dataset.series) {
    const tags: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of s.labels) tags[k] = v;
    for (const { t, v } of s.samples) measures.push({ experiment, metric: s.metric, value: v, timestamp: t, tags: Object.assign(Object.create(null) as Record<string, string>, tags) });
  }
  return measures;
}

/**
 * The body Prometheus answers for `{__name__=~".+"}[range]` covering the whole data set: every sample,
 * as the API spells it. Checks that what each side stores is exactly what was generated.
 */
export function rawMatrixBody(dataset: Dataset, formatValue: (v: number) => string): unknown {
  return {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: dataset.series.map((s) => ({
        metric: Object.fromEntries([['__name__', s.metric], ...s.labels]) as Record<string, string>,
        values: s.samples.map(({ t, v }) => [t / 1000, formatValue(v)]),
      })),
    },
  };
}
