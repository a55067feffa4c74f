import 'reflect-metadata';
import { execFileSync, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { loadConfig, type Config } from '../../src/config';
import { PostgratorMigrator } from '../../src/storage/postgrator-migrator';
import { startAlertmanager, type AlertmanagerServer } from '../../test/support/alertmanager-server';
import { freePort } from '../../test/support/free-port';
import { startWebhookRecorder, type WebhookRecorder } from '../../test/support/webhook-recorder';
import { CpuAccount, formatRate, ROOT, sleep, startNode, stopChild, until, type Child } from './bench-support';
import { percentile } from './alerts-workload';

/**
 * `npm run bench:notify`: the notification stage under a Prometheus-like alert stream, MyMONIT and
 * Debian's Alertmanager 0.25 fed the same stream in the same run, one after the other.
 *
 * The stream: BENCH_GROUPS (1,000) group slots of BENCH_GROUP_SIZE (10) alerts each, every alert posted
 * once per second (as Prometheus re-sends its firing alerts), so BENCH_GROUPS x BENCH_GROUP_SIZE alerts/s
 * (10,000/s) for BENCH_SECONDS (60), in POSTs of BENCH_BATCH (100) alerts spread evenly over each second
 * (a slot's alerts always travel together), at most BENCH_CONCURRENCY (64) POSTs in flight. Each slot's
 * group (label `group`) is replaced by a new one every BENCH_LIFETIME_S (20 s; slots staggered evenly),
 * so new groups keep appearing under full load: 1,000 at the start, then 50/s. Configuration: one route,
 * group_by [group], group_wait BENCH_GROUP_WAIT (1s), group_interval 10s, repeat_interval 4h, one webhook.
 *
 * Printed per side: alerts posted and the rate reached, POST latency (p50, p99, max), notification
 * latency after group_wait (first notification of a group received - first POST of the group sent -
 * group_wait; p50, p99, max; all groups and the groups created after the first 5 s), groups not notified,
 * groups notified more than once, and CPU (server process, MariaDB) per 1,000 alerts posted.
 * BENCH_SMOKE=1: 50 groups x 10 alerts for 10 s, lifetime 5 s. BENCH_SIDES=alertmanager,mymonit.
 */
const SMOKE = process.env.BENCH_SMOKE === '1';
const num = (name: string, full: number, smoke: number) => {
  const value = Number(process.env[name] ?? (SMOKE ? smoke : full));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: ${process.env[name]} is not a positive number`);
  return value;
};
const GROUPS = num('BENCH_GROUPS', 1_000, 50);
const GROUP_SIZE = num('BENCH_GROUP_SIZE', 10, 10);
const SECONDS = num('BENCH_SECONDS', 60, 10);
const BATCH = num('BENCH_BATCH', 100, 50);
const LIFETIME_S = num('BENCH_LIFETIME_S', 20, 5);
const CONCURRENCY = num('BENCH_CONCURRENCY', 64, 16);
const GROUP_WAIT_S = num('BENCH_GROUP_WAIT', 1, 1);
const SIDES = (process.env.BENCH_SIDES ?? 'alertmanager,mymonit').split(',').map((s) => s.trim());
const SLOTS_PER_BATCH = Math.max(1, Math.floor(BATCH / GROUP_SIZE));
const BATCHES_PER_SECOND = Math.ceil(GROUPS / SLOTS_PER_BATCH);
const STEADY_AFTER_MS = 5_000;
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

const CONFIG = (webhook: string) => `route:
  receiver: hook
  group_by: [group]
  group_wait: ${GROUP_WAIT_S}s
  group_interval: 10s
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: '${webhook}'
        send_resolved: false
`;

interface Target {
  name: string;
  /** Alertmanager's API v2 base (…/api/v2). */
  apiBase: string;
  headers: Record<string, string>;
  /** CPU seconds so far of the server's own processes. */
  cpu: () => number;
  /** Whether the server keeps its state in MariaDB (its CPU then counts). */
  usesMysql: boolean;
}

interface SideResult {
  name: string;
  posted: number;
  wallS: number;
  postMs: number[];
  failures: number;
  firstFailure?: string;
  latencyMs: number[];
  steadyLatencyMs: number[];
  groups: number;
  unnotified: number;
  repeated: number;
  serverCpuS: number;
  mysqlCpuS: number;
  cpuLine: string;
  usesMysql: boolean;
}

/** The group of slot `s` at `t` seconds after the start: slots roll over to a new group every LIFETIME_S, staggered. */
function groupName(slot: number, tS: number): string {
  const generation = Math.floor((tS + (slot * LIFETIME_S) / GROUPS) / LIFETIME_S);
  return `g${slot}.${generation}`;
}

async function run(target: Target, recorder: WebhookRecorder, hookPath: string): Promise<SideResult> {
  const firstPost = new Map<string, number>();
  const postMs: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let posted = 0;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const cpu = new CpuAccount();
  const serverCpuStart = target.cpu();
  const mysqlStart = mysqlCpu();
  const startedAt = Date.now();
  const totalBatches = SECONDS * BATCHES_PER_SECOND;
  const pending: Promise<void>[] = [];
  for (let b = 0; b < totalBatches; b++) {
    const due = startedAt + (b * 1000) / BATCHES_PER_SECOND;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight >= CONCURRENCY) await new Promise<void>((resolve) => (wake = resolve));
    // The stream is fixed by the schedule, not by when a late POST goes out: a side that falls behind gets the same groups.
    const tS = (b * 1000) / BATCHES_PER_SECOND / 1000;
    const first = (b % BATCHES_PER_SECOND) * SLOTS_PER_BATCH;
    const alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string }> = [];
    const sentAt = Date.now();
    for (let slot = first; slot < Math.min(GROUPS, first + SLOTS_PER_BATCH); slot++) {
      const group = groupName(slot, tS);
      if (!firstPost.has(group)) firstPost.set(group, sentAt);
      for (let i = 0; i < GROUP_SIZE; i++) {
        alerts.push({
          labels: { alertname: 'BenchAlert', group, instance: `i${i}`, severity: 'warning' },
          annotations: { summary: `bench alert ${i} of ${group}` },
          generatorURL: 'http://bench.example/graph',
        });
      }
    }
    inFlight++;
    const request = (async () => {
      const begin = performance.now();
      try {
        const response = await fetch(`${target.apiBase}/alerts`, {
          method: 'POST',
          headers: { ...target.headers, 'content-type': 'application/json' },
          body: JSON.stringify(alerts),
        });
        const text = await response.text();
        if (!response.ok) {
          failures++;
          firstFailure ??= `${response.status} ${text.slice(0, 200)}`;
        } else posted += alerts.length;
      } catch (error) {
        failures++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      } finally {
        postMs.push(performance.now() - begin);
        inFlight--;
        wake?.();
      }
    })();
    pending.push(request);
  }
  await Promise.all(pending);
  const wallS = (Date.now() - startedAt) / 1000;
  // Every group that was posted gets its first notification group_wait later (plus the server's lag).
  const notified = () => {
    const seen = new Set<string>();
    for (const hook of recorder.received(hookPath)) for (const key of Object.keys(hook.body.groupLabels)) if (key === 'group') seen.add(hook.body.groupLabels.group as string);
    return seen;
  };
  await until(`${target.name}: a notification for each of the ${firstPost.size} groups`, () => notified().size >= firstPost.size, 30_000, 200).catch((error: Error) =>
    console.log(`  (${error.message}: ${notified().size} notified)`),
  );
  const serverCpuS = target.cpu() - serverCpuStart;
  const mysqlCpuS = mysqlCpu() - mysqlStart;
  const cpuLine = cpu.stop((Date.now() - startedAt) / 1000);

  const firstNotified = new Map<string, number>();
  const count = new Map<string, number>();
  for (const hook of recorder.received(hookPath)) {
    const group = hook.body.groupLabels.group;
    if (group === undefined) continue;
    count.set(group, (count.get(group) ?? 0) + 1);
    if (!firstNotified.has(group)) firstNotified.set(group, hook.receivedAt);
  }
  const latencyMs: number[] = [];
  const steadyLatencyMs: number[] = [];
  for (const [group, sent] of firstPost) {
    const received = firstNotified.get(group);
    if (received === undefined) continue;
    const latency = received - sent - GROUP_WAIT_S * 1000;
    latencyMs.push(latency);
    if (sent - startedAt >= STEADY_AFTER_MS) steadyLatencyMs.push(latency);
  }
  return {
    name: target.name,
    posted,
    wallS,
    postMs,
    failures,
    firstFailure,
    latencyMs,
    steadyLatencyMs,
    groups: firstPost.size,
    unnotified: [...firstPost.keys()].filter((group) => !firstNotified.has(group)).length,
    repeated: [...count.values()].filter((n) => n > 1).length,
    serverCpuS,
    mysqlCpuS,
    cpuLine,
    usesMysql: target.usesMysql,
  };
}

function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function mysqlCpu(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') total += cpuSecondsOf(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : 'n/a');

function report(result: SideResult): string[] {
  const thousands = result.posted / 1000;
  return [
    `  alerts posted: ${result.posted.toLocaleString('en-US')} in ${result.wallS.toFixed(1)} s = ${formatRate(result.posted / result.wallS)} (target ${formatRate(GROUPS * GROUP_SIZE)}); POSTs failed: ${result.failures}${result.firstFailure ? ` (first: ${result.firstFailure})` : ''}`,
    `  POST of ${BATCH} alerts: p50 ${ms(percentile(result.postMs, 50))}, p99 ${ms(percentile(result.postMs, 99))}, max ${ms(Math.max(...result.postMs))} (${result.postMs.length} POSTs)`,
    `  notification latency after group_wait (${result.latencyMs.length} groups): p50 ${ms(percentile(result.latencyMs, 50))}, p99 ${ms(percentile(result.latencyMs, 99))}, max ${ms(Math.max(...result.latencyMs))}`,
    `    groups created after the first ${STEADY_AFTER_MS / 1000} s (${result.steadyLatencyMs.length}): p50 ${ms(percentile(result.steadyLatencyMs, 50))}, p99 ${ms(percentile(result.steadyLatencyMs, 99))}, max ${ms(Math.max(...result.steadyLatencyMs))}`,
    `  groups: ${result.groups}; never notified: ${result.unnotified}; notified more than once: ${result.repeated}`,
    `  CPU per 1,000 alerts: server ${thousands > 0 ? ((1000 * result.serverCpuS) / thousands).toFixed(1) : 'n/a'} ms` +
      (result.usesMysql ? `, MariaDB ${thousands > 0 ? ((1000 * result.mysqlCpuS) / thousands).toFixed(1) : 'n/a'} ms (the whole server, other databases included)` : '') +
      ` (server ${result.serverCpuS.toFixed(1)} s in all)`,
    `    CPU over the phase: ${result.cpuLine}`,
  ];
}

/** `mymonit all` (REST, dispatcher, receivers) on its own database, with the bench's configuration file. */
class MyMonitProcess {
  readonly config: Config;
  private child?: Child;
  port = 0;
  token = '';

  constructor(private readonly configFile: string) {
    const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    this.config = loadConfig({
      ...process.env,
      DB_DATABASE: `mymonit_bench_notify_${suffix}`,
      RABBIT_EXCHANGE: `mymonit_bench_notify_${suffix}`,
      RABBIT_QUEUE: `measures_bench_notify_${suffix}`,
    });
  }

  private env(): Record<string, string> {
    return {
      DB_DATABASE: this.config.db.database,
      RABBIT_EXCHANGE: this.config.rabbit.exchange,
      RABBIT_QUEUE: this.config.rabbit.queue,
      MIGRATE_ON_START: 'false',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      AUTH_MODE: 'local',
      AUTH_LOCAL_KEY: randomBytes(24).toString('hex'),
      ALERTMANAGER_CONFIG_FILE: this.configFile,
      SERVICE_INSTANCE: 'bench-notify',
    };
  }

  async start(): Promise<Target> {
    await new PostgratorMigrator(this.config).migrate();
    const env = this.env();
    const cli = (args: string[]) => execFileSync(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
    cli(['user', 'create', '--role', 'ADMIN', '--username', 'bench-admin', '--user-id', 'B1', '--name', 'Bench Admin', '--email', 'bench@example.org']);
    this.token = cli(['token', 'bench-admin']).trim();
    this.port = await freePort();
    this.child = startNode(MAIN, ['all'], { ...env, REST_HOST: '127.0.0.1', REST_PORT: String(this.port), METRICS_PORT: String(await freePort()) });
    const child = this.child;
    const base = `http://127.0.0.1:${this.port}`;
    await until('MyMONIT ready', async () => (await fetch(`${base}/health/ready`).catch(() => undefined))?.ok === true, 60_000, 100, child);
    return {
      name: 'MyMONIT',
      apiBase: `${base}/alertmanager/api/v2`,
      headers: { authorization: `Bearer ${this.token}` },
      cpu: () => (child.process.pid ? cpuSecondsOf(child.process.pid) : 0),
      usesMysql: true,
    };
  }

  output(): string {
    return this.child?.output() ?? '';
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
    const { host, port, user, password } = this.config.db;
    const db = await mysql.createConnection({ host, port, user, password });
    await db.query(`DROP DATABASE IF EXISTS \`${this.config.db.database}\``);
    await db.end();
  }
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-bench-notify-'));
  const recorder = await startWebhookRecorder();
  const sh = (command: string) => {
    try {
      return execSync(command, { encoding: 'utf8' }).trimEnd();
    } catch {
      return '?';
    }
  };
  console.log('# bench:notify');
  console.log(`nproc: ${sh('nproc')} (${os.cpus()[0]?.model ?? '?'}), load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`node ${process.version}; ${sh('/usr/bin/prometheus-alertmanager --version 2>&1 | head -1')}`);
  console.log(
    `\n${GROUPS} groups x ${GROUP_SIZE} alerts, each posted once a second = ${formatRate(GROUPS * GROUP_SIZE)} for ${SECONDS} s, POSTs of ${SLOTS_PER_BATCH * GROUP_SIZE} alerts, ` +
      `at most ${CONCURRENCY} in flight; a slot's group replaced every ${LIFETIME_S} s (${GROUPS} groups at the start, then ${formatRate(GROUPS / LIFETIME_S)}); group_wait ${GROUP_WAIT_S}s`,
  );
  try {
    for (const side of SIDES) {
      const hookPath = `/${side}/hook`;
      const file = path.join(tmp, `${side}.yml`);
      fs.writeFileSync(file, CONFIG(`${recorder.url}${hookPath}`));
      if (side === 'alertmanager') {
        console.log('\n## Alertmanager 0.25 (Debian)');
        let am: AlertmanagerServer | undefined;
        try {
          am = await startAlertmanager({ configFile: file, flags: ['--log.level=warn'] });
          const server = am;
          const result = await run({ name: 'Alertmanager', apiBase: `${server.baseUrl}/api/v2`, headers: {}, cpu: () => server.cpuMs() / 1000, usesMysql: false }, recorder, hookPath);
          for (const line of report(result)) console.log(line);
        } finally {
          await am?.stop();
        }
      } else if (side === 'mymonit') {
        console.log('\n## MyMONIT');
        const mymonit = new MyMonitProcess(file);
        try {
          const target = await mymonit.start();
          const probe = await fetch(`${target.apiBase}/status`, { headers: target.headers });
          await probe.text();
          if (probe.status === 404) {
            console.log('  n/a: MyMONIT has no /alertmanager/api/v2 (the notification stage is not in this build)');
            continue;
          }
          const result = await run(target, recorder, hookPath);
          for (const line of report(result)) console.log(line);
        } catch (error) {
          console.log(`  failed: ${error instanceof Error ? error.message : String(error)}\n${mymonit.output().slice(-3000)}`);
        } finally {
          await mymonit.stop();
        }
      } else {
        throw new Error(`BENCH_SIDES: unknown side ${side} (alertmanager, mymonit)`);
      }
    }
  } finally {
    await recorder.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
