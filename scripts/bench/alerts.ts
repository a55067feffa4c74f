import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as amqp from 'amqplib';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { declareTopology } from '../../src/amqp/topology';
import { loadConfig, type Config } from '../../src/config';
import { PostgratorMigrator } from '../../src/storage/postgrator-migrator';
import { freePort } from '../../test/support/free-port';
import { CpuAccount, formatRate, publishAll, readyMessages, ROOT, sleep, startNode, stopChild, until, type Child } from './bench-support';
import { collectEvaluations, PrometheusServer } from './alerts-prometheus';
import { medians, MyMonitRest, timesFromLeases, timesFromMetrics, TransitionWatcher, type GroupTimes } from './alerts-mymonit';
import { EXPERIMENT, LATENCY_ALERT, LATENCY_GROUP, LATENCY_METRIC, LATENCY_SOURCE, median, percentile, Workload } from './alerts-workload';

/**
 * `npm run bench:alerts`: MyMONIT's alerting under ingest, against its targets, in one run.
 *
 *   1 baseline   the workload (BENCH_SERIES series x BENCH_SAMPLES samples, messages of 100) published flat out
 *                to `mymonit consume` with no rules; first publish to last measure committed
 *   2 rules      the same volume again with BENCH_RULES alerting rules loaded (target: >= 85% of 1)
 *   3 latency    a `for: 0s` rule on its own series: BENCH_LATENCY_N trigger measures, each timed from the
 *                measure being visible in MySQL to the firing transition being visible (target p99 <= 1 s),
 *                idle and under flat-out ingest
 *   4 evaluation per-group evaluation time, MyMONIT (no ingest) and Debian's Prometheus over the same samples
 *                (promtool backfill) and the same rule file, median per group, side by side (target <= 2x)
 *
 * Sizes: BENCH_SERIES (10000), BENCH_METRICS (100), BENCH_SAMPLES (100 per series), BENCH_STEP_S (15),
 * BENCH_RULES (1000), BENCH_GROUP_SIZE (20), BENCH_INTERVAL (15s), BENCH_LATENCY_N (200), BENCH_EVAL_ROUNDS (6).
 * Smoke: BENCH_SMOKE=1. No verdict is asserted: the bench prints figures and ratios.
 */
const SMOKE = process.env.BENCH_SMOKE === '1';
/** Ready messages above which the background ingest of phase 3 waits (messages of 100 measures). */
const BACKGROUND_QUEUE_LIMIT = 400;
const num = (name: string, full: number, smoke: number) => Number(process.env[name] ?? (SMOKE ? smoke : full));
const SERIES = num('BENCH_SERIES', 10_000, 400);
const METRICS = num('BENCH_METRICS', 100, 20);
const SAMPLES = num('BENCH_SAMPLES', 100, 40);
const STEP_MS = num('BENCH_STEP_S', 15, 15) * 1000;
const RULES = num('BENCH_RULES', 1_000, 60);
const GROUP_SIZE = num('BENCH_GROUP_SIZE', 20, 20);
const INTERVAL = process.env.BENCH_INTERVAL ?? (SMOKE ? '5s' : '15s');
const LATENCY_N = num('BENCH_LATENCY_N', 200, 10);
const EVAL_ROUNDS = num('BENCH_EVAL_ROUNDS', 6, 3);
const LATENCY_GAP_MS = num('BENCH_LATENCY_GAP_MS', 100, 100);
const PER_MESSAGE = 100;
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
const NO_EVALUATOR = 'n/a (no rule evaluator)';

function intervalMs(duration: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`BENCH_INTERVAL: ${duration} is not a duration like 15s`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

interface Throughput {
  measures: number;
  seconds: number;
  cpu: string;
}

class AlertsBench {
  readonly config: Config;
  readonly workload: Workload;
  db!: Connection;
  private broker!: amqp.ChannelModel;
  private publisher!: amqp.ConfirmChannel;
  private reconnecting?: Promise<void>;
  private closing = false;
  readonly rest: MyMonitRest;
  private consumer?: Child;
  metricsPort = 0;
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-bench-alerts-'));

  constructor() {
    const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    this.config = loadConfig({
      ...process.env,
      DB_DATABASE: `mymonit_bench_alerts_${suffix}`,
      RABBIT_EXCHANGE: `mymonit_bench_alerts_${suffix}`,
      RABBIT_QUEUE: `measures_bench_alerts_${suffix}`,
    });
    const metrics = Math.min(METRICS, SERIES);
    // Five minutes of history before the start, the rest ahead: every window the rules read holds samples
    // while the bench runs, on both sides.
    const startMs = Math.floor((Date.now() - 5 * 60_000) / STEP_MS) * STEP_MS;
    this.workload = new Workload({
      metrics,
      sources: Math.floor(SERIES / metrics),
      samples: SAMPLES,
      stepMs: STEP_MS,
      startMs,
      rules: RULES,
      groupSize: GROUP_SIZE,
      interval: INTERVAL,
    });
    this.rest = new MyMonitRest(MAIN, {
      ...this.childEnv(),
      AUTH_MODE: 'local',
      AUTH_LOCAL_KEY: randomBytes(24).toString('hex'),
      SERVICE_INSTANCE: 'bench-rest',
    });
  }

  /** The bench's database and queue, MyMONIT's defaults for the rest. */
  private childEnv(): Record<string, string> {
    return {
      DB_DATABASE: this.config.db.database,
      RABBIT_EXCHANGE: this.config.rabbit.exchange,
      RABBIT_QUEUE: this.config.rabbit.queue,
      MIGRATE_ON_START: 'false',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    };
  }

  async setUp(): Promise<void> {
    await new PostgratorMigrator(this.config).migrate();
    const { host, port, user, password, database } = this.config.db;
    this.db = await mysql.createConnection({ host, port, user, password, database });
    const now = new Date();
    await this.db.query('INSERT INTO experiments (code, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      EXPERIMENT,
      'alerting benchmark',
      null,
      now,
      now,
    ]);
    await this.connectBroker();
    await declareTopology(this.publisher, this.config.rabbit);
  }

  /**
   * The bench's broker connection, with its errors reported instead of crashing the bench (three runs of
   * 2026-12-03 died at phase 3 on an unhandled `541 INTERNAL_ERROR` / `ECONNRESET` of this connection).
   */
  private async connectBroker(): Promise<void> {
    const broker = await amqp.connect(this.config.rabbit.url);
    broker.on('error', (error: Error) => console.log(`  (bench broker connection error: ${error.message})`));
    broker.on('close', (error?: Error) => {
      if (this.broker === broker && !this.closing) console.log(`  (bench broker connection closed${error ? `: ${error.message}` : ''}; reconnecting)`);
    });
    const publisher = await broker.createConfirmChannel();
    publisher.on('error', (error: Error) => console.log(`  (bench publish channel error: ${error.message})`));
    this.broker = broker;
    this.publisher = publisher;
  }

  /** publishAll on the bench's channel; a lost connection is reopened and the batch published again (measures are idempotent). */
  async publish(count: number, body: (index: number) => Buffer, window?: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await publishAll(this.publisher, this.config.rabbit, count, body, window);
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        console.log(`  (publish failed: ${error instanceof Error ? error.message : String(error)}; reconnecting, attempt ${attempt + 1})`);
        this.reconnecting ??= this.connectBroker().finally(() => (this.reconnecting = undefined));
        await this.reconnecting.catch(() => sleep(500));
      }
    }
  }

  async tearDown(): Promise<void> {
    if (this.consumer) await stopChild(this.consumer);
    await this.rest.stop();
    this.closing = true;
    const channel = await this.broker.createChannel();
    for (const queue of [this.config.rabbit.queue, this.config.rabbit.deadLetterQueue]) await channel.deleteQueue(queue);
    for (const exchange of [this.config.rabbit.exchange, this.config.rabbit.deadLetterExchange]) await channel.deleteExchange(exchange);
    await this.broker.close();
    await this.db.query(`DROP DATABASE \`${this.config.db.database}\``);
    await this.db.end();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  async machine(): Promise<string[]> {
    const [[version]] = await this.db.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const props = (this.broker.connection as unknown as { serverProperties?: Record<string, unknown> }).serverProperties ?? {};
    const sh = (command: string) => {
      try {
        return execSync(command, { encoding: 'utf8' }).trimEnd();
      } catch {
        return '?';
      }
    };
    return [
      `nproc: ${sh('nproc')} (${os.cpus()[0]?.model ?? '?'})`,
      `free -g:\n${sh('free -g')}`,
      `node ${process.version}, MariaDB/MySQL ${String(version?.v ?? '?')}, RabbitMQ ${String(props.version ?? '?')}`,
    ];
  }

  /** A fresh `mymonit consume` (AMQP consumer and, once integrated, the rule evaluator), /metrics on a free port. */
  async startConsumer(): Promise<Child> {
    if (this.consumer) await stopChild(this.consumer);
    this.metricsPort = await freePort();
    const child = startNode(MAIN, ['consume'], { ...this.childEnv(), SERVICE_INSTANCE: 'bench-consumer', METRICS_PORT: String(this.metricsPort) });
    this.consumer = child;
    await until('the consumer to attach', async () => (await readyMessages(this.broker, this.config.rabbit.queue)).consumers > 0, 60_000, 50, child);
    return child;
  }

  async stopConsumer(): Promise<void> {
    if (!this.consumer) return;
    const code = await stopChild(this.consumer);
    if (code !== 0) throw new Error(`the consumer exited with ${code}:\n${this.consumer.output()}`);
    this.consumer = undefined;
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.metricsPort}/metrics`;
  }

  private async stored(metric: string, source: string, timestampMs: number): Promise<boolean> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT 1 FROM measures m JOIN series s ON s.id = m.series_id WHERE s.metric = ? AND s.source = ? AND m.ts_us = ?',
      [metric, source, timestampMs * 1000],
    );
    return rows.length > 0;
  }

  async countMeasures(): Promise<number> {
    const [[result]] = await this.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM measures');
    return Number(result?.n ?? 0);
  }

  private latencyBody(value: number, timestampMs: number): Buffer {
    return Buffer.from(`{"experiment":"${EXPERIMENT}","metric":"${LATENCY_METRIC}","source":"${LATENCY_SOURCE}","value":${value},"timestamp":${timestampMs}}`);
  }

  /** One scrape round before the data (and the latency series): every series exists before anything is timed. */
  async warmUp(): Promise<void> {
    const consumer = await this.startConsumer();
    const roundMessages = Math.ceil(this.workload.series / PER_MESSAGE);
    await this.publish(roundMessages, (index) => this.workload.batch(index, PER_MESSAGE, -1), 200);
    const warmUpAt = this.workload.size.startMs - STEP_MS;
    await this.publish(1, () => this.latencyBody(0, warmUpAt));
    await until('the warm-up round', () => this.stored(LATENCY_METRIC, LATENCY_SOURCE, warmUpAt), 120_000, 50, consumer);
    await until('every warm-up measure', async () => (await this.countMeasures()) >= this.workload.series + 1, 120_000, 100, consumer);
    await this.stopConsumer();
    await this.db.query('TRUNCATE TABLE measures');
  }

  /** The workload published flat out while the consumer runs: first publish to the last measure committed. */
  async ingest(consumer: Child): Promise<Throughput> {
    const bodies = this.workload.batches(PER_MESSAGE);
    const last = this.workload.lastMeasure();
    const cpu = new CpuAccount(consumer.process.pid);
    const startedAt = performance.now();
    await this.publish(bodies.length, (index) => bodies[index] ?? Buffer.alloc(0), 200);
    await until('the last measure', () => this.stored(last.metric, last.source, last.timestampMs), 1_200_000, 10, consumer);
    const seconds = (performance.now() - startedAt) / 1000;
    const usage = cpu.stop(seconds);
    await until('every measure', async () => (await this.countMeasures()) >= this.workload.measures, 120_000, 100, consumer);
    await until('an empty queue', async () => (await readyMessages(this.broker, this.config.rabbit.queue)).messages === 0, 60_000);
    return { measures: this.workload.measures, seconds, cpu: usage };
  }

  /**
   * N cycles: publish a trigger value (1000) at now, note when it is confirmed and when it is visible in
   * MySQL, then when the rule's firing transition is visible; then a reset value (0) and its resolution.
   */
  async latency(watcher: TransitionWatcher, consumer: Child): Promise<{ fromVisible: number[]; fromPublish: number[]; missed: number }> {
    const fromVisible: number[] = [];
    const fromPublish: number[] = [];
    let missed = 0;
    const settle = async (expectFiring: boolean, since: string | undefined, timeoutMs: number) => {
      let seen: { key: string; state: string } | undefined;
      const ok = await until(
        expectFiring ? 'the firing transition' : 'the resolution',
        async () => {
          seen = await watcher.newest();
          return seen !== undefined && seen.key !== since && (seen.state === 'firing') === expectFiring;
        },
        timeoutMs,
        2,
        consumer,
      ).then(
        () => true,
        () => false,
      );
      return ok ? seen : undefined;
    };
    let previous = (await watcher.newest())?.key;
    for (let n = 0; n < LATENCY_N; n++) {
      const at = Date.now();
      const publishedAt = performance.now();
      await this.publish(1, () => this.latencyBody(1000, at));
      await until('the trigger measure', () => this.stored(LATENCY_METRIC, LATENCY_SOURCE, at), 60_000, 2, consumer);
      const visibleAt = performance.now();
      const fired = await settle(true, previous, 30_000);
      const firedAt = performance.now();
      if (!fired) {
        missed++;
        // Rules stored but nothing evaluating them: say so instead of waiting out every trigger.
        if (fromVisible.length === 0 && missed >= 3) return { fromVisible, fromPublish, missed: LATENCY_N - n - 1 + missed };
      } else {
        fromVisible.push(firedAt - visibleAt);
        if (process.env.BENCH_DEBUG) console.log(`    cycle ${n}: ${(firedAt - visibleAt).toFixed(0)} ms at ${new Date().toISOString()}`);
        fromPublish.push(firedAt - publishedAt);
        previous = fired.key;
      }
      const resetAt = Math.max(Date.now(), at + 1);
      await this.publish(1, () => this.latencyBody(0, resetAt));
      if (fired) previous = (await settle(false, previous, 30_000))?.key ?? previous;
      await sleep(LATENCY_GAP_MS);
    }
    return { fromVisible, fromPublish, missed };
  }

  /** Flat-out ingest of fresh rows (timestamps before the workload's, outside every rule window) until stopped. */
  backgroundIngest(): { stop: () => Promise<number> } {
    let running = true;
    let published = 0;
    const messages = this.workload.messages(PER_MESSAGE);
    // Bodies built one at a time as they go out: building a whole round at once would stall the latency probes.
    const loop = (async () => {
      for (let round = 1; running; round++) {
        for (let start = 0; start < messages && running; start += 200) {
          // As fast as the consumer takes them, with a short queue: a backlog would hold the latency
          // trigger behind millions of measures (the cause of the phase-3 "crashes" of earlier runs: the
          // trigger timed out behind the flood, and the tear-down then cut the bench's own publishes).
          while (running && (await readyMessages(this.broker, this.config.rabbit.queue)).messages > BACKGROUND_QUEUE_LIMIT) await sleep(10);
          const count = Math.min(200, messages - start);
          const shift = -(round + 1) * SAMPLES;
          await this.publish(count, (index) => this.workload.batch(start + index, PER_MESSAGE, shift), 200);
          published += Math.min(this.workload.measures, (start + count) * PER_MESSAGE) - start * PER_MESSAGE;
        }
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return published;
      },
    };
  }

  /** Whether anything evaluated a group: a lease row (migration 008) or a rule metric on the consumer's /metrics. */
  async evaluationSeen(): Promise<boolean> {
    const leases = await this.db
      .query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM rule_group_leases')
      .then(([rows]) => Number(rows[0]?.n ?? 0) > 0)
      .catch(() => false);
    if (leases) return true;
    const metrics = await fetch(this.metricsUrl).then((response) => response.text()).catch(() => '');
    return /^mymonit_rule_group_\w+\{/m.test(metrics);
  }

  async queueEmpty(): Promise<boolean> {
    return (await readyMessages(this.broker, this.config.rabbit.queue)).messages === 0;
  }

  /**
   * MyMONIT's per-group evaluation times: each evaluation's duration as the evaluator records it in MySQL;
   * else `/prometheus/api/v1/rules` (Prometheus's evaluationTime); else the consumer's /metrics.
   */
  async myMonitTimes(groups: readonly string[], windowMs: number): Promise<GroupTimes | undefined> {
    const leases = await timesFromLeases(this.db, this.config.db.database, groups, EVAL_ROUNDS, windowMs);
    if (leases) return leases;
    const api = `${this.rest.base}/prometheus/api/v1/rules`;
    const probe = await fetch(api, { headers: this.rest.headers }).catch(() => undefined);
    if (probe?.ok) {
      const evaluations = await collectEvaluations(api, groups, EVAL_ROUNDS, windowMs, this.rest.headers, (name) => name.split(/[/;:]/).pop() ?? name);
      const seconds = new Map([...evaluations].map(([group, byTime]) => [group, [...byTime.values()]]));
      if ([...seconds.values()].some((values) => values.length > 0)) return { seconds, source: 'GET /prometheus/api/v1/rules evaluationTime' };
    }
    return timesFromMetrics(this.metricsUrl, groups, windowMs);
  }
}

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`);

async function main(): Promise<void> {
  const bench = new AlertsBench();
  const { workload } = bench;
  await bench.setUp();
  const prometheus = new PrometheusServer(path.join(bench.tmp, 'prometheus'));
  try {
    console.log('# bench:alerts');
    for (const line of await bench.machine()) console.log(line);
    console.log(`${prometheus.version()}`);
    const groups = workload.ruleGroups();
    const benchGroups = groups.filter((group) => group.name !== LATENCY_GROUP).map((group) => group.name);
    console.log(
      `\n${workload.series.toLocaleString('en-US')} series (${workload.size.metrics} metrics x ${workload.size.sources} sources), ` +
        `${SAMPLES} samples each every ${STEP_MS / 1000} s = ${workload.measures.toLocaleString('en-US')} measures per ingest phase ` +
        `(messages of ${PER_MESSAGE}); ${RULES} rules in ${benchGroups.length} groups of ${GROUP_SIZE} + 1 latency group, interval ${INTERVAL}`,
    );

    const { ruleFile, backfillSeconds } = prometheus.prepare(workload);
    console.log(`promtool check rules: ok; promtool tsdb create-blocks-from openmetrics: ${backfillSeconds.toFixed(1)} s`);

    // Prometheus first, alone on the machine (MyMONIT is not started yet), while every window the rules read is full.
    const windowMs = (EVAL_ROUNDS + 2) * intervalMs(INTERVAL) + 5_000;
    await prometheus.start();
    const prometheusLine = `Prometheus on 127.0.0.1:${prometheus.port}: ${await prometheus.seriesCount()} series of ${EXPERIMENT} backfilled`;
    const theirs = await collectEvaluations(`${prometheus.base}/api/v1/rules`, benchGroups, EVAL_ROUNDS, windowMs + 30_000);
    const prometheusFiring = await prometheus.firingAlerts();
    await prometheus.stop();
    console.log(`(phase 4's Prometheus side ran first: ${prometheusLine}, ${prometheusFiring} alerts firing)`);

    await bench.rest.start();
    await bench.warmUp();

    console.log('\n## 1. ingest flat out, no rules');
    const baseline = await bench.ingest(await bench.startConsumer());
    console.log(`  ${formatRate(baseline.measures / baseline.seconds)} (${baseline.seconds.toFixed(2)} s)\n    CPU: ${baseline.cpu}`);
    await bench.stopConsumer();
    await bench.db.query('TRUNCATE TABLE measures');

    console.log('\n## 2. ingest flat out, rules loaded');
    const loaded = await bench.rest.loadRules(ruleFile, groups);
    console.log(`  rules: ${loaded.ok ? 'loaded with' : 'NOT loaded:'} ${loaded.how}`);
    let withRules: Throughput | undefined;
    const consumer = await bench.startConsumer();
    if (loaded.ok) {
      withRules = await bench.ingest(consumer);
      console.log(`  ${formatRate(withRules.measures / withRules.seconds)} (${withRules.seconds.toFixed(2)} s)\n    CPU: ${withRules.cpu}`);
      if (!(await bench.evaluationSeen())) {
        console.log(`  the rules are stored but nothing evaluated them (no lease, no rule metric): ${NO_EVALUATOR}`);
        withRules = undefined;
      }
    } else {
      console.log(`  ${NO_EVALUATOR}`);
      // The data the later phases read, without timing it.
      await bench.ingest(consumer);
    }

    console.log(`\n## 3. commit-to-firing latency, ${LATENCY_ALERT} (for: 0s), ${LATENCY_N} triggers`);
    const watcher = loaded.ok ? await TransitionWatcher.open(bench.db, bench.config.db.database, LATENCY_ALERT) : { reason: 'no rules loaded' };
    const latencies: Array<{ name: string; result?: Awaited<ReturnType<AlertsBench['latency']>>; extra?: string }> = [];
    if (watcher instanceof TransitionWatcher) {
      latencies.push({ name: 'idle (rules evaluating, no ingest)', result: await bench.latency(watcher, consumer) });
      const background = bench.backgroundIngest();
      const startedAt = performance.now();
      const result = await bench.latency(watcher, consumer);
      const published = await background.stop();
      const seconds = (performance.now() - startedAt) / 1000;
      latencies.push({ name: 'under flat-out ingest', result, extra: `background publish ${formatRate(published / seconds)}` });
    } else {
      console.log(`  ${NO_EVALUATOR}: ${watcher.reason}`);
    }
    for (const { name, result, extra } of latencies) {
      if (!result) continue;
      console.log(
        `  ${name}: visible-in-MySQL -> firing visible p50 ${ms(percentile(result.fromVisible, 50))}, p99 ${ms(percentile(result.fromVisible, 99))}, ` +
          `max ${ms(percentile(result.fromVisible, 100))}; publish -> firing p50 ${ms(percentile(result.fromPublish, 50))}, ` +
          `p99 ${ms(percentile(result.fromPublish, 99))}; ${result.missed} of ${LATENCY_N} not firing within 30 s (or not tried after 3 misses in a row)${extra ? `; ${extra}` : ''}`,
      );
    }

    console.log(`\n## 4. group evaluation time, same data and rule file, median of ${EVAL_ROUNDS} evaluations per group`);
    await until('the background ingest to drain', () => bench.queueEmpty(), 600_000, 200);
    if (Date.now() + windowMs > workload.timestampMs(SAMPLES - 1)) {
      console.log('  WARNING: the data ends before this window does: MyMONIT reads emptier windows than Prometheus did (raise BENCH_SAMPLES)');
    }
    console.log(`  Prometheus side (run first): ${prometheusLine}; ${prometheusFiring} alerts firing after its evaluations`);
    const mine = loaded.ok ? await bench.myMonitTimes(benchGroups, windowMs) : undefined;
    await bench.stopConsumer();
    await bench.rest.stop();
    const promMedians = medians(theirs, benchGroups).map((seconds) => seconds * 1000);
    const myMedians = mine ? medians(mine.seconds, benchGroups).map((seconds) => seconds * 1000) : benchGroups.map(() => Number.NaN);
    console.log(`  MyMONIT source: ${mine?.source ?? NO_EVALUATOR}; Prometheus source: GET /api/v1/rules evaluationTime`);
    console.log('\n| group | MyMONIT | Prometheus 2.42 | ratio |\n|---|---:|---:|---:|');
    const ratios: number[] = [];
    benchGroups.forEach((group, index) => {
      const m = myMedians[index] as number;
      const p = promMedians[index] as number;
      const ratio = m / p;
      if (Number.isFinite(ratio)) ratios.push(ratio);
      console.log(`| ${group} | ${ms(m)} | ${ms(p)} | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a'} |`);
    });
    const finite = (values: number[]) => values.filter((value) => Number.isFinite(value));
    console.log(`| median of groups | ${ms(median(finite(myMedians)))} | ${ms(median(finite(promMedians)))} | ${ratios.length ? `${median(ratios).toFixed(2)}x` : 'n/a'} |`);

    console.log('\n| target | figure |\n|---|---:|');
    console.log(
      `| ingest with rules >= 85% of without | ${withRules ? `${((100 * baseline.seconds) / withRules.seconds).toFixed(1)}% (${formatRate(withRules.measures / withRules.seconds)} vs ${formatRate(baseline.measures / baseline.seconds)})` : NO_EVALUATOR} |`,
    );
    for (const { name, result } of latencies) {
      if (result) console.log(`| commit-to-firing p99 <= 1 s, ${name} | p50 ${ms(percentile(result.fromVisible, 50))}, p99 ${ms(percentile(result.fromVisible, 99))} |`);
    }
    if (latencies.length === 0) console.log(`| commit-to-firing p99 <= 1 s | ${NO_EVALUATOR} |`);
    console.log(
      `| per-group evaluation within 2x of Prometheus | ${ratios.length ? `median ${median(ratios).toFixed(2)}x, worst ${Math.max(...ratios).toFixed(2)}x (${ratios.filter((r) => r <= 2).length} of ${ratios.length} groups within 2x)` : NO_EVALUATOR} |`,
    );
  } catch (error) {
    // Printed before the tear-down, whose own failures (a channel closed under it) must not hide it.
    console.error('bench:alerts failed:', error);
    throw error;
  } finally {
    await prometheus.stop();
    await bench.tearDown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
