/**
 * A real Prometheus (Debian's 2.42, /usr/bin) over given series: the samples are written as OpenMetrics,
 * turned into TSDB blocks by `promtool tsdb create-blocks-from openmetrics`, and served on a free loopback
 * port from a temporary directory. For differential tests of MyMONIT's PromQL against the reference.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { StoredSeries } from '../../src/alerting/promql/values';
import { eventually } from './eventually';
import { freePort } from './free-port';

const run = promisify(execFile);

export interface PrometheusTsdb {
  readonly url: string;
  stop(): Promise<void>;
}

function openMetricsValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function openMetrics(series: readonly StoredSeries[]): string {
  const byName = new Map<string, StoredSeries[]>();
  for (const s of series) {
    const name = s.labels.get('__name__') ?? '';
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of list) {
      const labels = [...s.labels].filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      for (const p of s.points) lines.push(`${name}{${labels.join(',')}} ${openMetricsValue(p.v)} ${(p.t / 1000).toFixed(3)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

export async function startPrometheusOver(series: readonly StoredSeries[]): Promise<PrometheusTsdb> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mymonit-prom-'));
  const data = path.join(dir, 'data');
  await writeFile(path.join(dir, 'samples.om'), openMetrics(series));
  await run('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', path.join(dir, 'samples.om'), data]);
  await writeFile(path.join(dir, 'prometheus.yml'), 'global:\n  evaluation_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--log.level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
      try {
        return (await fetch(`${url}/-/ready`)).status;
      } catch {
        return 0;
      }
    },
    (status) => status === 200,
    { what: 'prometheus ready', timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
