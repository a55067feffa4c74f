import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../test/support/free-port';
import { sleep, until } from './bench-support';
import type { Workload } from './alerts-workload';

/**
 * Debian's Prometheus over the bench's data: the samples backfilled with `promtool tsdb
 * create-blocks-from openmetrics`, the same rule file, started on a free loopback port in a temp dir.
 */

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

/** One group's evaluations as `GET /api/v1/rules` reports them (seconds), keyed by lastEvaluation. */
export type GroupEvaluations = Map<string, Map<string, number>>;

interface RulesResponse {
  status?: string;
  data?: { groups?: Array<{ name?: unknown; evaluationTime?: unknown; lastEvaluation?: unknown; file?: unknown }> };
}

/**
 * Polls a Prometheus-shaped `/api/v1/rules` until every group named in `groups` has `rounds` distinct
 * evaluations (or the timeout passes), collecting each evaluation's `evaluationTime`.
 */
export async function collectEvaluations(
  url: string,
  groups: readonly string[],
  rounds: number,
  timeoutMs: number,
  headers: Record<string, string> = {},
  nameOf: (name: string) => string = (name) => name,
): Promise<GroupEvaluations> {
  const seen: GroupEvaluations = new Map(groups.map((group) => [group, new Map<string, number>()]));
  const deadline = Date.now() + timeoutMs;
  const enough = () => [...seen.values()].every((evaluations) => evaluations.size >= rounds);
  while (!enough() && Date.now() < deadline) {
    const response = await fetch(url, { headers }).catch(() => undefined);
    if (response?.ok) {
      const body = (await response.json()) as RulesResponse;
      for (const group of body.data?.groups ?? []) {
        const evaluations = typeof group.name === 'string' ? seen.get(nameOf(group.name)) : undefined;
        const at = String(group.lastEvaluation ?? '');
        // Prometheus reports the zero time before a group's first evaluation.
        if (!evaluations || typeof group.evaluationTime !== 'number' || at === '' || at.startsWith('0001-')) continue;
        evaluations.set(at, group.evaluationTime);
      }
    }
    await sleep(500);
  }
  return seen;
}

export class PrometheusServer {
  private child?: ChildProcess;
  private output = '';
  port = 0;

  constructor(private readonly dir: string) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Writes the data and the rule file, backfills the blocks; returns how long the backfill took (s). */
  prepare(workload: Workload): { ruleFile: string; backfillSeconds: number } {
    fs.mkdirSync(this.dir, { recursive: true });
    const openMetrics = path.join(this.dir, 'data.om.txt');
    const ruleFile = path.join(this.dir, 'rules.yml');
    workload.writeOpenMetrics(openMetrics);
    workload.writeRuleFile(ruleFile);
    execFileSync(PROMTOOL, ['check', 'rules', ruleFile], { stdio: 'pipe' });
    const startedAt = performance.now();
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', openMetrics, path.join(this.dir, 'tsdb')], { stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
    const backfillSeconds = (performance.now() - startedAt) / 1000;
    fs.rmSync(openMetrics);
    fs.writeFileSync(
      path.join(this.dir, 'prometheus.yml'),
      `global:\n  evaluation_interval: ${workload.size.interval}\nrule_files:\n  - ${JSON.stringify(ruleFile)}\n`,
    );
    return { ruleFile, backfillSeconds };
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.child = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(this.dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        '--storage.tsdb.retention.time=30d',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-20_000));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    await until(
      'Prometheus to be ready',
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`prometheus exited:\n${this.output}`);
        return (await fetch(`${this.base}/-/ready`).catch(() => undefined))?.ok === true;
      },
      120_000,
      200,
    );
  }

  /** The number of series Prometheus holds for the bench's experiment: proof that the backfill was read. */
  async seriesCount(): Promise<number> {
    const query = encodeURIComponent(`count({experiment="BENCH"})`);
    const response = await fetch(`${this.base}/api/v1/query?query=${query}`);
    const body = (await response.json()) as { data?: { result?: Array<{ value?: [number, string] }> } };
    return Number(body.data?.result?.[0]?.value?.[1] ?? 0);
  }

  /** Firing alerts right now (`/api/v1/alerts`). */
  async firingAlerts(): Promise<number> {
    const response = await fetch(`${this.base}/api/v1/alerts`);
    const body = (await response.json()) as { data?: { alerts?: Array<{ state?: string }> } };
    return (body.data?.alerts ?? []).filter((alert) => alert.state === 'firing').length;
  }

  version(): string {
    return execFileSync(PROMETHEUS, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '?';
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
