import path from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { loadConfig, type Config } from '../../src/config';
import { buildContainer } from '../../src/container';
import type { User } from '../../src/domain/user';
import { TYPES } from '../../src/identifiers';
import type { ExperimentService } from '../../src/services/experiment-service';
import type { PolicyService } from '../../src/services/policies/policy-service';
import type { PolicyEventIngest } from '../../src/services/policies/ports';
import type { UserService } from '../../src/services/user-service';
import type { Database, Migrator } from '../../src/storage/stores';
import type { TimePointInput } from '../../src/policies';
import { ROOT, startNode, stopChild, until, type Child } from './bench-support';
import { EventGenerator, type PolicyCase } from './policies-workload';

/**
 * The database path of `npm run bench:policies`, in a database of its own (created, dropped at the end):
 *
 * (b) PolicyEventIngest as the container binds it (REST and AMQP call it): calls of BATCH events (JSON time
 *     points), each one transaction (lock, restore or cached monitor, push, time points, events, verdicts,
 *     alerts, the monitor row with its snapshot); events/s. Baseline in the same run: the same events as raw
 *     multi-row INSERTs of BATCH rows into a copy of policy_events (no monitor, no time points, no verdicts).
 *     Memory: the process's heapUsed (after a GC) and the stored snapshot's size after MEMORY_AT events vs the end.
 * (c) resume: a child process feeds the policy until it is SIGKILLed in the middle of its calls; then a new
 *     process is started, and the time is taken from its spawn to its first accepted time point (the boot, the
 *     container, the restore from the stored snapshot, the commit), and the ingest call alone.
 */
export interface DatabaseOptions {
  readonly events: number;
  readonly batch: number;
  readonly memoryAt: number;
}

interface DbResult {
  name: string;
  events: number;
  calls: number;
  seconds: number;
  eventsPerSecond: number;
  rawEventsPerSecond: number;
  heapAtMark: number;
  heapAtEnd: number;
  snapshotAtMark: number;
  snapshotAtEnd: number;
  resumeMs: number;
  resumeIngestMs: number;
  resumeBootMs: number;
}

const CHILD = path.join(ROOT, 'dist', 'scripts', 'bench', 'policies-child.js');
const gc = (globalThis as { gc?: () => void }).gc;
const heapUsed = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

/** Batches of time points holding about `size` events (a time point is never split). */
export function* batches(points: Iterable<TimePointInput>, size: number): Generator<TimePointInput[]> {
  let batch: TimePointInput[] = [];
  let events = 0;
  for (const point of points) {
    batch.push(point);
    events += point.events.length;
    if (events >= size) {
      yield batch;
      batch = [];
      events = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

export async function runDatabasePath(cases: readonly PolicyCase[], options: DatabaseOptions): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
  const name = `mymonit_bench_policies_${process.pid}_${Date.now()}`;
  const admin = await mysql.createConnection({ host: base.db.host, port: base.db.port, user: base.db.user, password: base.db.password });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const env = { ...process.env, DB_DATABASE: name, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' } as Record<string, string>;
  const config = loadConfig(env);
  const container = buildContainer(config);
  const raw = await mysql.createConnection({ host: base.db.host, port: base.db.port, user: base.db.user, password: base.db.password, database: name });
  try {
    await container.get<Migrator>(TYPES.Migrator).migrate();
    const users = container.get<UserService>(TYPES.UserService);
    const actor = await users.createFromCli({ userId: 'B1', name: 'Bench', username: 'bench-admin', email: 'bench@example.org', role: 'ADMIN' });
    await container.get<ExperimentService>(TYPES.ExperimentService).create(actor, { code: 'BENCH-POL', name: 'bench:policies' });
    await raw.query('CREATE TABLE bench_policy_events LIKE policy_events');
    const results: DbResult[] = [];
    for (const policy of cases) {
      const result = await runCase(container.get<PolicyService>(TYPES.PolicyService), container.get<PolicyEventIngest>(TYPES.PolicyEventIngest), raw, actor, policy, options, env);
      results.push(result);
      process.stdout.write(`  database ${policy.name}: ${int(result.eventsPerSecond)} events/s (raw INSERT ${int(result.rawEventsPerSecond)}), resume ${int(result.resumeMs)} ms\n`);
    }
    report(results, options);
  } finally {
    await container.get<Database>(TYPES.Database).close();
    await raw.end();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

async function snapshotSize(raw: mysql.Connection, policyId: number): Promise<number> {
  const [rows] = await raw.query<RowDataPacket[]>('SELECT LENGTH(snapshot) AS size FROM policy_monitors WHERE policy_id = ?', [policyId]);
  return Number(rows[0]?.size ?? 0);
}

async function runCase(
  policies: PolicyService,
  ingest: PolicyEventIngest,
  raw: mysql.Connection,
  actor: User,
  policy: PolicyCase,
  options: DatabaseOptions,
  env: Record<string, string>,
): Promise<DbResult> {
  const created = await policies.create(actor, { experiment: 'BENCH-POL', name: policy.name, signature: policy.signatureText, formula: policy.formula, negate: policy.negate });
  const id = created.policy.id;
  // (b) through the ingest; generation outside the timing.
  let fed = 0;
  let calls = 0;
  let timed = 0;
  let heapAtMark = 0;
  let snapshotAtMark = 0;
  for (const batch of batches(new EventGenerator(policy).timePoints(options.events), options.batch)) {
    const started = performance.now();
    const result = await ingest.ingest(id, { kind: 'json', value: batch }, { final: false, source: 'rest' });
    timed += performance.now() - started;
    if (result.rejected.length > 0) throw new Error(`${policy.name}: ${result.rejected.length} time points refused: ${result.rejected[0]?.reason}`);
    calls++;
    const before = fed;
    for (const point of batch) fed += point.events.length;
    if (before < options.memoryAt && fed >= options.memoryAt) {
      heapAtMark = heapUsed();
      snapshotAtMark = await snapshotSize(raw, id);
    }
  }
  const heapAtEnd = heapUsed();
  const snapshotAtEnd = await snapshotSize(raw, id);

  // Baseline: the same events, raw multi-row INSERTs into a copy of policy_events.
  let rawTimed = 0;
  let tp = 0;
  for (const batch of batches(new EventGenerator(policy).timePoints(options.events), options.batch)) {
    const started = performance.now();
    const rows: unknown[][] = [];
    for (const point of batch) {
      point.events.forEach((event, seq) => rows.push([id, event.pred, point.ts, tp, seq, JSON.stringify(event.args)]));
      tp++;
    }
    if (rows.length > 0) await raw.query('INSERT INTO bench_policy_events (policy_id, pred, ts, tp, seq, args) VALUES ?', [rows]);
    rawTimed += performance.now() - started;
  }

  const resume = await measureResume(id, policy.name, env);
  return {
    name: policy.name,
    events: fed,
    calls,
    seconds: timed / 1000,
    eventsPerSecond: fed / (timed / 1000),
    rawEventsPerSecond: fed / (rawTimed / 1000),
    heapAtMark,
    heapAtEnd,
    snapshotAtMark,
    snapshotAtEnd,
    resumeMs: resume.totalMs,
    resumeIngestMs: resume.ingestMs,
    resumeBootMs: resume.bootMs,
  };
}

/** A feeder killed with its calls going on, then a new process to its first accepted time point. */
async function measureResume(policyId: number, name: string, env: Record<string, string>): Promise<{ totalMs: number; ingestMs: number; bootMs: number }> {
  const feeder: Child = startNode(CHILD, ['feed', String(policyId), name], env);
  // Killed once it has committed a call and is in the middle of the next one.
  await until('the feeder to commit a call', () => /fed 1\b/.test(feeder.output()), 120_000, 20, feeder);
  await stopChild(feeder, 'SIGKILL');
  const spawnedAt = performance.now();
  const resumer = startNode(CHILD, ['resume', String(policyId), name], env);
  await until('the resumed process to accept a time point', () => /accepted /.test(resumer.output()), 120_000, 5, resumer);
  const totalMs = performance.now() - spawnedAt;
  const match = /accepted ingest=([\d.]+) boot=([\d.]+)/.exec(resumer.output());
  await stopChild(resumer);
  return { totalMs, ingestMs: Number(match?.[1] ?? NaN), bootMs: Number(match?.[2] ?? NaN) };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function report(results: readonly DbResult[], options: DatabaseOptions): void {
  const header = ['formula', 'events', 'calls', 'ingest events/s', 'raw INSERT events/s', 'ingest/raw', `heap @${int(options.memoryAt)}`, 'heap @end', `snapshot @${int(options.memoryAt)}`, 'snapshot @end', 'resume ms (spawn to accepted)', 'of which ingest ms'];
  const rows = results.map((r) => [
    r.name,
    int(r.events),
    int(r.calls),
    int(r.eventsPerSecond),
    int(r.rawEventsPerSecond),
    (r.eventsPerSecond / r.rawEventsPerSecond).toFixed(2),
    mb(r.heapAtMark),
    mb(r.heapAtEnd),
    kb(r.snapshotAtMark),
    kb(r.snapshotAtEnd),
    int(r.resumeMs),
    r.resumeIngestMs.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`\n(b) database path (PolicyEventIngest, calls of ${int(options.batch)} events) and (c) resume after SIGKILL\n`);
  process.stdout.write(`${[line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);
}

export type { Config };
