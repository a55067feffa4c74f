import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, eventually, startPlatform, type TestPlatform } from './platform';
import { dropLabel, type Labels, type PromAnswer } from './promql-compare';
import {
  DATASET_END_MS,
  DATASET_START_MS,
  PROMDIFF_EXPERIMENT,
  generateDataset,
  toMeasures,
  toOpenMetrics,
  type Dataset,
} from './promql-dataset';
import { startPrometheus, type PrometheusServer } from './prometheus-server';
import { promtool } from './promtool';

/**
 * What the differential tests compare real Prometheus with. `mymonit` (the default): the platform, fed the
 * same data set over AMQP. `prometheus`: Prometheus against itself through the same code path, which
 * proves the harness. `prometheus-mutant`: a second
 * Prometheus over a copy of the blocks with a 4-minute lookback instead of 5, which must FAIL: it shows
 * that the comparison notices a semantic difference. Chosen by PROMDIFF_TARGET.
 */
export type DiffTarget = 'prometheus' | 'mymonit' | 'prometheus-mutant';
const TARGETS: readonly DiffTarget[] = ['prometheus', 'mymonit', 'prometheus-mutant'];

export function diffTarget(): DiffTarget {
  const value = process.env.PROMDIFF_TARGET ?? 'mymonit';
  const target = TARGETS.find((t) => t === value);
  if (!target) throw new Error(`PROMDIFF_TARGET must be one of ${TARGETS.join(', ')}, not ${value}`);
  return target;
}

/** One Prometheus-compatible HTTP API: its `/api/v1` base, its auth header, how its labels map back. */
export interface PromApi {
  name: string;
  /** e.g. http://127.0.0.1:9090/api/v1 or http://127.0.0.1:PORT/prometheus/api/v1 */
  apiBase: string;
  headers: Record<string, string>;
  normalize: (labels: Labels) => Labels;
}

export type Params = ReadonlyArray<readonly [string, string]>;

/** GET `path?params`, or POST them as a form (as Grafana does for queries); the answer with its parsed body. */
export async function promRequest(api: PromApi, method: 'GET' | 'POST', apiPath: string, params: Params): Promise<PromAnswer> {
  const form = new URLSearchParams(params.map(([k, v]): [string, string] => [k, v]));
  const url = method === 'GET' ? `${api.apiBase}${apiPath}?${form.toString()}` : `${api.apiBase}${apiPath}`;
  const response = await fetch(url, {
    method,
    headers: { ...api.headers, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: method === 'POST' ? form.toString() : undefined,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: the comparison reports it as malformed
  }
  return { status: response.status, body };
}

/** ms → the API's unix seconds with milliseconds. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export interface DifferentialPair {
  dataset: Dataset;
  reference: PromApi;
  target: PromApi;
  prometheus: PrometheusServer;
  platform?: TestPlatform;
  stop(): Promise<void>;
}

const identity = (labels: Labels) => labels;

/**
 * Writes the data set as OpenMetrics, turns it into TSDB blocks with Debian's promtool and starts
 * Prometheus over them (it loads the blocks at start; retention is 100y so nothing is deleted). For the
 * MyMONIT target, also starts the platform, creates the experiment and publishes every sample as a measure,
 * then waits until all are stored.
 */
export async function startDifferentialPair(target: DiffTarget = diffTarget()): Promise<DifferentialPair> {
  const dataset = generateDataset();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-promdiff-'));
  const input = path.join(dir, 'dataset.om');
  const blocks = path.join(dir, 'tsdb');
  fs.writeFileSync(input, toOpenMetrics(dataset));
  const created = promtool(['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, blocks]);
  if (created.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics failed (${created.status}):\n${created.output}`);

  const mutantBlocks = path.join(dir, 'tsdb-mutant');
  if (target === 'prometheus-mutant') fs.cpSync(blocks, mutantBlocks, { recursive: true });

  const prometheus = await startPrometheus({ storagePath: blocks });
  const reference: PromApi = { name: 'prometheus', apiBase: `${prometheus.baseUrl}/api/v1`, headers: {}, normalize: identity };
  let mutant: PrometheusServer | undefined;
  const cleanup = async (platform?: TestPlatform) => {
    await platform?.stop();
    await mutant?.stop();
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  if (target === 'prometheus-mutant') {
    try {
      mutant = await startPrometheus({ storagePath: mutantBlocks, flags: ['--query.lookback-delta=4m'] });
    } catch (error) {
      await cleanup();
      throw error;
    }
    return {
      dataset,
      reference,
      target: { name: 'prometheus (lookback 4m)', apiBase: `${mutant.baseUrl}/api/v1`, headers: {}, normalize: identity },
      prometheus,
      stop: () => cleanup(),
    };
  }

  if (target === 'prometheus') {
    return {
      dataset,
      reference,
      target: { name: 'prometheus (self)', apiBase: reference.apiBase, headers: {}, normalize: identity },
      prometheus,
      stop: () => cleanup(),
    };
  }

  let platform: TestPlatform | undefined;
  try {
    platform = await startPlatform({ consume: true });
    const token = await platform.tokenFor(platform.admin);
    const created = await call(platform.baseUrl, 'POST', '/experiments', {
      token,
      body: { code: PROMDIFF_EXPERIMENT, name: 'PromQL differential test' },
    });
    if (created.status !== 201) throw new Error(`creating the experiment answered ${created.status}: ${JSON.stringify(created.body)}`);
    const measures = toMeasures(dataset);
    for (let i = 0; i < measures.length; i += 5000) await platform.publish(measures.slice(i, i + 5000));
    const stored = () => storedCount(platform as TestPlatform, token);
    await eventually(stored, (n) => n === dataset.sampleCount, { timeoutMs: 180_000, intervalMs: 500, what: `${dataset.sampleCount} measures stored` });
    return {
      dataset,
      reference,
      target: {
        name: 'mymonit',
        apiBase: `${platform.baseUrl}/prometheus/api/v1`,
        headers: { authorization: `Bearer ${token}` },
        normalize: dropLabel('experiment', PROMDIFF_EXPERIMENT),
      },
      prometheus,
      platform,
      stop: () => cleanup(platform),
    };
  } catch (error) {
    await cleanup(platform);
    throw error;
  }
}

/** How many of the experiment's measures are stored: the sum of one `count` bucket per series and day. */
async function storedCount(platform: TestPlatform, token: string): Promise<number> {
  const from = new Date(DATASET_START_MS - 86_400_000).toISOString();
  const to = new Date(DATASET_END_MS + 86_400_000).toISOString();
  const response = await call(
    platform.baseUrl,
    'GET',
    `/experiments/${PROMDIFF_EXPERIMENT}/measures/aggregate?from=${from}&to=${to}&step=1d&fn=count`,
    { token },
  );
  if (response.status !== 200) throw new Error(`counting measures answered ${response.status}: ${JSON.stringify(response.body)}`);
  const series = response.body.series as Array<{ points: Array<{ count: number }> }>;
  return series.reduce((n, s) => n + s.points.reduce((m, p) => m + p.count, 0), 0);
}

const MIN = 60_000;

/** The 20 instants of the `query` comparisons: spread over the data set, on its edges and beyond its end. */
export function instantTimes(dataset: Dataset): number[] {
  const start = dataset.startMs;
  const end = dataset.endMs;
  const samplesOf = (metric: string, label: string) =>
    dataset.series.find((s) => s.metric === metric && s.labels.some(([, v]) => v === label))?.samples ?? [];
  const steady = samplesOf('queue_depth', 'steady');
  const stopped = samplesOf('queue_depth', 'stopped');
  const lastSample = Math.max(...dataset.series.map((s) => s.samples.at(-1)?.t ?? 0));
  const stoppedLast = stopped.at(-1)?.t ?? start;
  const onWindowEdge = (steady[40]?.t ?? start) + 5 * MIN; // a sample exactly at t - 5m: inside in 2.x
  return [
    start - 5 * MIN,
    start,
    start + 1,
    start + 7 * MIN + 333,
    start + 30 * MIN,
    onWindowEdge,
    onWindowEdge + 1,
    start + 61 * MIN,
    start + 66 * MIN, // the gappy series' last sample is more than 5 minutes old
    stoppedLast + 5 * MIN, // the stopped series still visible (lookback includes t - 5m)
    stoppedLast + 5 * MIN + 1, // and gone
    start + 100 * MIN,
    start + 120 * MIN,
    start + 125 * MIN + 500,
    start + 150 * MIN,
    end - MIN,
    lastSample,
    end + 4 * MIN,
    end + 6 * MIN,
    end + 60 * MIN,
  ];
}

export interface RangeWindow {
  startMs: number;
  endMs: number;
  step: string;
}

/** The 3 windows of the `query_range` comparisons. */
export function rangeWindows(dataset: Dataset): RangeWindow[] {
  const start = dataset.startMs;
  const end = dataset.endMs;
  return [
    { startMs: start + 80 * MIN, endMs: start + 130 * MIN, step: '15s' },
    { startMs: start - 10 * MIN, endMs: end + 10 * MIN, step: '60' },
    { startMs: start + 3 * MIN + 17_123, endMs: end + 30 * MIN, step: '7m' },
  ];
}

/** Runs `tasks` with at most `width` in flight, in order of the list. */
export async function inPool<T>(tasks: ReadonlyArray<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}
