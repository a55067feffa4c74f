/**
 * sort() and sort_desc() keep Prometheus 2.42's order exactly, ties and NaN included: that order comes from
 * Go 1.19's unstable sort.Sort, so it is checked against a real Prometheus 2.42 (Debian's) serving the same
 * series from a TSDB block made by promtool.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../../../../support/eventually';
import { freePort } from '../../../../support/free-port';
import type { Labels, VectorSample } from '../../../../../src/alerting/promql/values';
import { call, vectorOf } from '../../../../unit/alerting/promql/functions/support';

const run = promisify(execFile);

interface Dataset {
  readonly metric: string;
  readonly values: readonly number[];
}

function datasets(): Dataset[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  return [
    { metric: 'ties_nan', values: Array.from({ length: 40 }, () => pick([1, 2, 3, NaN])) },
    { metric: 'small_ints', values: Array.from({ length: 100 }, () => Math.floor(random() * 10)) },
    { metric: 'mostly_equal', values: Array.from({ length: 13 }, (_, i) => (i === 5 ? 0 : 4)) },
    { metric: 'many_nan', values: Array.from({ length: 64 }, () => (random() < 0.5 ? NaN : Math.floor(random() * 5))) },
    { metric: 'twelve', values: [3, 1, 2, 3, NaN, 1, 2, 3, 1, NaN, 2, 1] },
  ];
}

/** Label value of series k: not zero-padded, so label order ("10" < "9") differs from k's order. */
const seriesLabel = (k: number): string => String(k);

/** The vector a selector gives: series in Prometheus's label order. */
function selectorVector(dataset: Dataset, timeMs: number): VectorSample[] {
  return dataset.values
    .map((v, k) => ({ labels: new Map([['__name__', dataset.metric], ['i', seriesLabel(k)]]) as Labels, t: timeMs, v }))
    .sort((a, b) => ((a.labels.get('i') ?? '') < (b.labels.get('i') ?? '') ? -1 : 1));
}

describe('sort() and sort_desc() order, against Prometheus 2.42', () => {
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let base: string;
  // A whole second half an hour ago: inside the head-less TSDB block, inside the lookback of a query at it.
  const timeMs = Math.floor(Date.now() / 1000 - 1800) * 1000;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promql-sort-'));
    const lines = datasets().flatMap((d) =>
      d.values.map((v, k) => `${d.metric}{i="${seriesLabel(k)}"} ${Number.isNaN(v) ? 'NaN' : String(v)} ${timeMs / 1000}`),
    );
    writeFileSync(join(dir, 'series.om'), `${lines.join('\n')}\n# EOF\n`);
    await run('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'series.om'), join(dir, 'data')]);
    writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--storage.tsdb.retention.time=3650d',
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    let failure: Error | undefined;
    prometheus.on('error', (error) => {
      failure = error;
    });
    await eventually(
      async () => {
        if (failure) throw new Error(`/usr/bin/prometheus did not start: ${failure.message}`);
        try {
          return (await fetch(`${base}/-/ready`)).status;
        } catch {
          return 0;
        }
      },
      (status) => status === 200,
      { timeoutMs: 30_000, intervalMs: 200, what: 'Prometheus ready' },
    );
  }, 60_000);

  afterAll(() => {
    prometheus?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function prometheusOrder(query: string): Promise<string[]> {
    const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}&time=${timeMs / 1000}`;
    const body = (await (await fetch(url)).json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    expect(body.status).toBe('success');
    return body.data.result.map((r) => `${r.metric.i ?? ''}=${r.value[1]}`);
  }

  function ourOrder(fn: string, dataset: Dataset): string[] {
    const out = vectorOf(call(fn, [{ type: 'vector', samples: selectorVector(dataset, timeMs) }], timeMs));
    return out.samples.map((x) => `${x.labels.get('i') ?? ''}=${Number.isNaN(x.v) ? 'NaN' : String(x.v)}`);
  }

  it.each(datasets().flatMap((d) => ['sort', 'sort_desc'].map((fn) => [fn, d.metric, d] as const)))('%s(%s)', async (fn, metric, dataset) => {
    const theirs = await prometheusOrder(`${fn}(${metric})`);
    expect(theirs).toHaveLength(dataset.values.length);
    expect(ourOrder(fn, dataset)).toEqual(theirs);
  });
});
