import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import * as amqp from 'amqplib';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { declareTopology } from '../../src/amqp/topology';
import { loadConfig, type Config } from '../../src/config';
import { PostgratorMigrator } from '../../src/storage/postgrator-migrator';
import {
  formatRate,
  mib,
  publishAll,
  readyMessages,
  ROOT,
  RssSampler,
  CpuAccount,
  startNode,
  stopChild,
  until,
  type Child,
} from './bench-support';

/**
 * `npm run bench:ingest`: MyMONIT's ingest against its ceilings, all in one run on one machine.
 *
 *   raw       multi-row INSERTs of the same rows into the same MySQL table (statements built beforehand)
 *   batched   messages of 100 measures published to the exchange until committed and acked (target >= 90% of raw)
 *   ack-only  single-measure messages drained by a consumer that only acks
 *   single    the same messages drained by MyMONIT (target >= 80% of ack-only)
 *   seed      the seed's design, prefetch 1 and one INSERT per message (target: single >= 25x seed)
 *   memory    consumer RSS with 1 million measures queued, single and batched (target < 300 MB)
 *
 * MyMONIT runs as `node dist/src/main.js consume` with its default settings, in a process of its own, like
 * the baselines' consumers. Each phase starts from an empty measures table. Sizes: BENCH_MEASURES (1e6),
 * BENCH_SEED_MESSAGES (20000). Needs `npm run build` first (the npm script does it).
 */
const MEASURES = Number(process.env.BENCH_MEASURES ?? 1_000_000);
const SEED_MESSAGES = Number(process.env.BENCH_SEED_MESSAGES ?? 20_000);
const ALL_PHASES = ['raw', 'batched', 'ack-only', 'single', 'batched-drain', 'seed'];
/** BENCH_PHASES: a comma-separated subset of ALL_PHASES, to look at one while tuning (no verdicts then). */
const PHASES = new Set((process.env.BENCH_PHASES ?? ALL_PHASES.join(',')).split(',').map((p) => p.trim()));
const SERIES = 100;
const PER_MESSAGE = 100;
const BASE_MS = Date.UTC(2026, 0, 1);
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
/** "1M" for the default size, else the number. */
const QUEUED = MEASURES === 1_000_000 ? '1M' : MEASURES.toLocaleString('en-US');

interface Row {
  source: number;
  timestampMs: number;
  value: number;
}

/** Measure i of the workload: 100 series (sources) at 1 Hz, in time order. */
function row(i: number): Row {
  return { source: i % SERIES, timestampMs: BASE_MS + Math.floor(i / SERIES) * 1000, value: 20 + (i % 1000) / 100 };
}

function measureJson(r: Row): string {
  return `{"experiment":"BENCH","metric":"temperature","source":"probe-${r.source}","value":${r.value},"unit":"C","timestamp":${r.timestampMs}}`;
}

function singleBody(i: number): Buffer {
  return Buffer.from(measureJson(row(i)));
}

function batchBody(message: number): Buffer {
  const parts: string[] = [];
  for (let j = 0; j < PER_MESSAGE; j++) parts.push(measureJson(row(message * PER_MESSAGE + j)));
  return Buffer.from(`[${parts.join(',')}]`);
}

interface Phase {
  name: string;
  measures: number;
  seconds: number;
  peakRss?: number;
  cpu?: string;
}

class IngestBench {
  private readonly config: Config;
  private db!: Connection;
  private broker!: amqp.ChannelModel;
  private publisher!: amqp.ConfirmChannel;
  private seriesIds = new Map<number, number>();
  readonly phases: Phase[] = [];

  constructor() {
    const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    this.config = loadConfig({
      ...process.env,
      DB_DATABASE: `mymonit_bench_ingest_${suffix}`,
      RABBIT_EXCHANGE: `mymonit_bench_${suffix}`,
      RABBIT_QUEUE: `measures_bench_${suffix}`,
    });
  }

  /** What the consumer child runs with: the bench's database and queue, MyMONIT's defaults for the rest. */
  private consumerEnv(): Record<string, string> {
    return {
      DB_DATABASE: this.config.db.database,
      RABBIT_EXCHANGE: this.config.rabbit.exchange,
      RABBIT_QUEUE: this.config.rabbit.queue,
      MIGRATE_ON_START: 'false',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SERVICE_INSTANCE: 'bench-consumer',
    };
  }

  async setUp(): Promise<void> {
    await new PostgratorMigrator(this.config).migrate();
    const { host, port, user, password, database } = this.config.db;
    this.db = await mysql.createConnection({ host, port, user, password, database });
    const now = new Date();
    await this.db.query('INSERT INTO experiments (code, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      'BENCH',
      'ingest benchmark',
      null,
      now,
      now,
    ]);
    this.broker = await amqp.connect(this.config.rabbit.url);
    this.publisher = await this.broker.createConfirmChannel();
    await declareTopology(this.publisher, this.config.rabbit);
  }

  async tearDown(): Promise<void> {
    const channel = await this.broker.createChannel();
    for (const queue of [this.config.rabbit.queue, this.config.rabbit.deadLetterQueue]) await channel.deleteQueue(queue);
    for (const exchange of [this.config.rabbit.exchange, this.config.rabbit.deadLetterExchange]) await channel.deleteExchange(exchange);
    await this.broker.close();
    await this.db.query(`DROP DATABASE \`${this.config.db.database}\``);
    await this.db.end();
  }

  async machine(): Promise<string[]> {
    const [[version]] = await this.db.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const props = (this.broker.connection as unknown as { serverProperties?: Record<string, unknown> }).serverProperties ?? {};
    const free = safe(() => execSync('free -g', { encoding: 'utf8' }).trimEnd());
    return [
      `nproc: ${safe(() => execSync('nproc', { encoding: 'utf8' }).trim())} (${os.cpus()[0]?.model ?? '?'})`,
      `free -g:\n${free}`,
      `node ${process.version}, MariaDB/MySQL ${String(version?.v ?? '?')}, RabbitMQ ${String(props.version ?? '?')}`,
      `queue type ${this.config.rabbit.queueType}; MyMONIT defaults: RABBIT_PREFETCH ${this.config.rabbit.prefetch}, ` +
        `INGEST_BATCH_SIZE ${this.config.ingest.batchSize}, INGEST_LINGER_MS ${this.config.ingest.lingerMs}, ` +
        `INGEST_CONCURRENCY ${this.config.ingest.concurrency}, INGEST_BUFFER_BYTES ${this.config.ingest.bufferBytes}`,
    ];
  }

  private async emptyMeasures(): Promise<void> {
    await this.db.query('TRUNCATE TABLE measures');
  }

  private async lastRowStored(index: number): Promise<boolean> {
    const last = row(index);
    const [rows] = await this.db.query<RowDataPacket[]>('SELECT 1 FROM measures WHERE series_id = ? AND ts_us = ?', [
      this.seriesIds.get(last.source),
      last.timestampMs * 1000,
    ]);
    return rows.length === 1;
  }

  private async countMeasures(): Promise<number> {
    const [[result]] = await this.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM measures');
    if (result === undefined) throw new Error('COUNT(*) returned no row');
    return Number(result.n);
  }

  private startConsumer(): Child {
    return startNode(MAIN, ['consume'], this.consumerEnv());
  }

  private async consuming(child: Child): Promise<void> {
    await until('the consumer to attach', async () => (await readyMessages(this.broker, this.config.rabbit.queue)).consumers > 0, 60_000, 50, child);
  }

  /** One message with every series, through MyMONIT: creates the series the raw baseline then writes to. */
  async warmUp(): Promise<void> {
    const consumer = this.startConsumer();
    await this.consuming(consumer);
    await publishAll(this.publisher, this.config.rabbit, 1, () => batchBody(0));
    await until('the warm-up batch', async () => (await this.countMeasures()) === PER_MESSAGE, 30_000, 20, consumer);
    await stopChild(consumer);
    const [rows] = await this.db.query<RowDataPacket[]>('SELECT id, source FROM series');
    for (const r of rows) this.seriesIds.set(Number(String(r.source).slice('probe-'.length)), Number(r.id));
    if (this.seriesIds.size !== SERIES) throw new Error(`expected ${SERIES} series, found ${this.seriesIds.size}`);
  }

  async raw(): Promise<void> {
    await this.emptyMeasures();
    const chunk = this.config.ingest.batchSize;
    const statements: string[] = [];
    for (let start = 0; start < MEASURES; start += chunk) {
      const values: Array<[number, number, number]> = [];
      for (let i = start; i < Math.min(MEASURES, start + chunk); i++) {
        const r = row(i);
        values.push([this.seriesIds.get(r.source) as number, r.timestampMs * 1000, r.value]);
      }
      values.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      statements.push(`INSERT INTO measures (series_id, ts_us, value) VALUES ${values.map((v) => `(${v.join(',')})`).join(',')}`);
    }
    const cpu = new CpuAccount();
    const startedAt = performance.now();
    // Autocommit: each statement is its own transaction, as each MyMONIT batch is.
    for (const sql of statements) await this.db.query(sql);
    this.record({ name: `raw multi-row INSERT (${chunk} rows per statement and transaction)`, measures: MEASURES, startedAt, cpu });
    await this.check(MEASURES);
  }

  /** Published while MyMONIT consumes: from the first publish to the last measure committed (and acked). */
  async batchedEndToEnd(): Promise<void> {
    await this.emptyMeasures();
    const consumer = this.startConsumer();
    await this.consuming(consumer);
    const rss = new RssSampler(consumer.process.pid as number);
    const messages = MEASURES / PER_MESSAGE;
    // Built before the clock starts, as the raw baseline's statements are: the publisher's own work is not MyMONIT's.
    const bodies = Array.from({ length: messages }, (_, index) => batchBody(index));
    const cpu = new CpuAccount(consumer.process.pid);
    const startedAt = performance.now();
    await publishAll(this.publisher, this.config.rabbit, messages, (index) => bodies[index] ?? Buffer.alloc(0), 200);
    const publishedIn = (performance.now() - startedAt) / 1000;
    await until('the last batch message', () => this.lastRowStored(MEASURES - 1), 600_000, 10, consumer);
    this.record({ name: `MyMONIT, batched messages of ${PER_MESSAGE}, published until committed`, measures: MEASURES, startedAt, peakRss: rss.stop(), cpu });
    console.log(`    (the last publish was confirmed after ${publishedIn.toFixed(2)} s)`);
    await this.settled(consumer, MEASURES);
  }

  /** Fills the queue (no consumer attached), then times how fast a consumer empties it. */
  private async prefill(count: number, body: (i: number) => Buffer): Promise<void> {
    const startedAt = performance.now();
    await publishAll(this.publisher, this.config.rabbit, count, body);
    const seconds = (performance.now() - startedAt) / 1000;
    console.log(`  (queued ${count.toLocaleString('en-US')} messages in ${seconds.toFixed(1)} s: ${formatRate(count / seconds)})`);
  }

  private async drainStarted(total: number, child: Child): Promise<number> {
    await until('the first delivery', async () => (await readyMessages(this.broker, this.config.rabbit.queue)).messages < total, 120_000, 5, child);
    return performance.now();
  }

  async ackOnly(): Promise<void> {
    await this.prefill(MEASURES, singleBody);
    const child = startNode(path.join(__dirname, 'ack-only-consumer.js'), [
      this.config.rabbit.url,
      this.config.rabbit.queue,
      String(this.config.rabbit.prefetch),
      String(MEASURES),
    ], {});
    const cpu = new CpuAccount(child.process.pid);
    const startedAt = await this.drainStarted(MEASURES, child);
    const code = await child.exited;
    if (code !== 0) throw new Error(`the ack-only consumer failed:\n${child.output()}`);
    this.record({ name: 'ack-only consumer, single-measure messages (no storage)', measures: MEASURES, startedAt, cpu });
    await until('an empty queue', async () => (await readyMessages(this.broker, this.config.rabbit.queue)).messages === 0, 10_000);
  }

  /** Drains a queue of `messages` pre-published messages through MyMONIT. */
  async drain(name: string, messages: number, body: (i: number) => Buffer): Promise<void> {
    await this.emptyMeasures();
    await this.prefill(messages, body);
    const consumer = this.startConsumer();
    const rss = new RssSampler(consumer.process.pid as number);
    const cpu = new CpuAccount(consumer.process.pid);
    const startedAt = await this.drainStarted(messages, consumer);
    await until('the last message', () => this.lastRowStored(MEASURES - 1), 600_000, 10, consumer);
    this.record({ name, measures: MEASURES, startedAt, peakRss: rss.stop(), cpu });
    await this.settled(consumer, MEASURES);
  }

  async seed(): Promise<void> {
    await this.emptyMeasures();
    await this.prefill(SEED_MESSAGES, singleBody);
    const { host, port, user, password, database } = this.config.db;
    const series = Object.fromEntries([...this.seriesIds].map(([source, id]) => [`probe-${source}`, id]));
    const child = startNode(path.join(__dirname, 'seed-consumer.js'), [
      this.config.rabbit.url,
      this.config.rabbit.queue,
      String(SEED_MESSAGES),
      JSON.stringify({ host, port, user, password, database }),
      JSON.stringify(series),
    ], {});
    const code = await child.exited;
    if (code !== 0) throw new Error(`the seed consumer failed:\n${child.output()}`);
    const { firstAt, doneAt } = JSON.parse(child.output().trim().split('\n').pop() as string) as { firstAt: number; doneAt: number };
    this.phases.push({ name: "seed's design: prefetch 1, one INSERT per message", measures: SEED_MESSAGES, seconds: (doneAt - firstAt) / 1000 });
    await this.check(SEED_MESSAGES);
  }

  /** After a MyMONIT phase: nothing left in the queue, nothing handed back at SIGTERM, every row stored once. */
  private async settled(consumer: Child, expected: number): Promise<void> {
    await until('every ack', async () => (await readyMessages(this.broker, this.config.rabbit.queue)).messages === 0, 30_000);
    const code = await stopChild(consumer);
    if (code !== 0) throw new Error(`the consumer exited with ${code}:\n${consumer.output()}`);
    const left = await readyMessages(this.broker, this.config.rabbit.queue);
    if (left.messages !== 0) throw new Error(`${left.messages} messages were not acked`);
    await this.check(expected);
  }

  private async check(expected: number): Promise<void> {
    const count = await this.countMeasures();
    if (count !== expected) throw new Error(`expected ${expected} rows in measures, found ${count}`);
  }

  private record(phase: Omit<Phase, 'seconds' | 'cpu'> & { startedAt: number; cpu: CpuAccount }): void {
    const seconds = (performance.now() - phase.startedAt) / 1000;
    const cpu = phase.cpu.stop(seconds);
    this.phases.push({ name: phase.name, measures: phase.measures, seconds, peakRss: phase.peakRss, cpu });
    const memory = phase.peakRss ? `, consumer peak RSS ${mib(phase.peakRss)}` : '';
    console.log(`  ${phase.name}: ${formatRate(phase.measures / seconds)} (${seconds.toFixed(2)} s)${memory}\n    CPU: ${cpu}`);
  }
}

function safe(read: () => string): string {
  try {
    return read();
  } catch {
    return '?';
  }
}

function rate(phase: Phase): number {
  return phase.measures / phase.seconds;
}

async function main(): Promise<void> {
  const bench = new IngestBench();
  await bench.setUp();
  try {
    console.log('# bench:ingest');
    for (const line of await bench.machine()) console.log(line);
    console.log(`\n${MEASURES.toLocaleString('en-US')} measures per phase, ${SERIES} series; seed phase ${SEED_MESSAGES.toLocaleString('en-US')} messages\n`);
    await bench.warmUp();
    if (PHASES.has('raw')) await bench.raw();
    if (PHASES.has('batched')) await bench.batchedEndToEnd();
    if (PHASES.has('ack-only')) await bench.ackOnly();
    if (PHASES.has('single')) await bench.drain(`MyMONIT, single-measure messages, ${QUEUED} queued`, MEASURES, singleBody);
    if (PHASES.has('batched-drain')) await bench.drain(`MyMONIT, batched messages of ${PER_MESSAGE}, ${QUEUED} measures queued`, MEASURES / PER_MESSAGE, batchBody);
    if (PHASES.has('seed')) await bench.seed();
  } finally {
    await bench.tearDown();
  }
  if (PHASES.size < ALL_PHASES.length) return;
  const [raw, batched, ackOnly, single, batchedDrain, seed] = bench.phases;
  if (!raw || !batched || !ackOnly || !single || !batchedDrain || !seed) throw new Error('a phase of the bench is missing');
  const peak = Math.max(single.peakRss ?? 0, batchedDrain.peakRss ?? 0, batched.peakRss ?? 0);
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log('\n| phase | measures/s | seconds | consumer peak RSS |\n|---|---:|---:|---:|');
  for (const phase of bench.phases) {
    console.log(`| ${phase.name} | ${Math.round(rate(phase)).toLocaleString('en-US')} | ${phase.seconds.toFixed(2)} | ${phase.peakRss ? mib(phase.peakRss) : ''} |`);
  }
  console.log('\n| target | ratio / figure | verdict |\n|---|---:|---|');
  const batchedRatio = rate(batched) / rate(raw);
  const singleRatio = rate(single) / rate(ackOnly);
  const seedRatio = rate(single) / rate(seed);
  console.log(`| batched >= 90% of raw INSERT | ${(batchedRatio * 100).toFixed(1)}% (drained from a full queue: ${((rate(batchedDrain) / rate(raw)) * 100).toFixed(1)}%) | ${verdict(batchedRatio >= 0.9)} |`);
  console.log(`| single-measure >= 80% of ack-only | ${(singleRatio * 100).toFixed(1)}% | ${verdict(singleRatio >= 0.8)} |`);
  console.log(`| single-measure >= 25x the seed's design | ${seedRatio.toFixed(1)}x | ${verdict(seedRatio >= 25)} |`);
  console.log(`| consumer RSS < 300 MB with ${QUEUED} measures queued | ${mib(peak)} | ${verdict(peak < 300 * 1024 * 1024)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
