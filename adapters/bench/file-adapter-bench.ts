/* eslint-disable no-console -- a benchmark reports on stdout */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import * as amqp from 'amqplib';
import { runAdapter } from '../common/cli';
import { rabbitUrl, rabbitSchema } from '../common/config';
import { memoryLogger } from '../common/logger';
import { loadFileAdapterConfig } from '../file/config';
import { FileAdapter } from '../file/file-adapter';
import { MeasurePublisher, type Measure } from '../sdk';

/**
 * bench:adapters: the file adapter publishing a generated CSV (1 million rows by default) with confirms,
 * beside a raw amqplib publish of the same measures in the same run: same messages (JSON arrays of
 * --batch measures), same confirm window (--in-flight unconfirmed messages), same broker, a fresh queue
 * each. The adapter's time includes reading, CSV parsing, mapping, schema validation and serialising;
 * the raw publisher gets the measures ready-made in memory and only serialises and publishes them.
 * A third contender, the SDK alone (MeasurePublisher given the same ready-made measures), separates the
 * SDK's own cost (validation, batching, confirm tracking) from the file adapter's (reading and parsing).
 */
interface Options {
  rows: number;
  batch: number;
  inFlight: number;
  rounds: number;
  queueType: 'quorum' | 'classic';
  keep?: boolean;
}

const EXPERIMENT = 'BENCH';

function row(i: number, start: number): { csv: string; measure: Measure } {
  const timestamp = new Date(start + i * 10).toISOString();
  const source = `sensor-${i % 100}`;
  const metric = i % 2 === 0 ? 'temperature' : 'humidity';
  const value = Math.round(((i * 7919) % 10000) / 10) / 10;
  return { csv: `${timestamp},${source},${metric},${value}`, measure: { experiment: EXPERIMENT, metric, source, value, timestamp } };
}

function generate(file: string, rows: number, start: number): void {
  const out = fs.openSync(file, 'w');
  let chunk = 'timestamp,source,metric,value\n';
  for (let i = 0; i < rows; i++) {
    chunk += `${row(i, start).csv}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

interface Target {
  exchange: string;
  queue: string;
}

async function freshTarget(channel: amqp.Channel, queueType: string, label: string): Promise<Target> {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const target = { exchange: `bench_${label}_ex_${suffix}`, queue: `bench_${label}_q_${suffix}` };
  await channel.assertExchange(target.exchange, 'topic', { durable: true });
  await channel.assertQueue(target.queue, { durable: true, arguments: { 'x-queue-type': queueType } });
  await channel.bindQueue(target.queue, target.exchange, 'measures');
  return target;
}

async function queueDepth(channel: amqp.Channel, queue: string, expected: number): Promise<number> {
  // Quorum queues report their depth asynchronously; confirmed messages are there, the count catches up.
  for (let i = 0; i < 50; i++) {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount >= expected) return messageCount;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (await channel.checkQueue(queue)).messageCount;
}

/** Raw amqplib: the same batches, a confirm channel, at most `inFlight` unconfirmed messages. */
async function rawPublish(url: string, target: Target, measures: Measure[], options: Options): Promise<{ seconds: number; messages: number }> {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  const started = process.hrtime.bigint();
  let inFlight = 0;
  let messages = 0;
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const settle = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  channel.on('drain', settle);
  for (let i = 0; i < measures.length; i += options.batch) {
    while (inFlight >= options.inFlight) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
    const body = Buffer.from(JSON.stringify(measures.slice(i, i + options.batch)));
    inFlight += 1;
    messages += 1;
    const writable = channel.publish(target.exchange, 'measures', body, { persistent: true, contentType: 'application/json', messageId: randomUUID(), mandatory: true }, (error: unknown) => {
      inFlight -= 1;
      if (error) failure = new Error('raw publish nacked');
      settle();
    });
    if (!writable) await new Promise<void>((resolve) => (wake = resolve));
  }
  await channel.waitForConfirms();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await connection.close();
  return { seconds, messages };
}

/** The SDK alone: MeasurePublisher with the same batching and window, given the ready-made measures. */
async function sdkPublish(url: string, target: Target, measures: Measure[], options: Options): Promise<{ seconds: number; confirmed: number }> {
  const publisher = new MeasurePublisher({
    url,
    exchange: target.exchange,
    maxMeasuresPerMessage: options.batch,
    maxInFlightMessages: options.inFlight,
  });
  await publisher.start();
  const started = process.hrtime.bigint();
  // In slices of 20000, about what the file adapter hands over per 1 MiB chunk.
  for (let i = 0; i < measures.length; i += 20_000) await publisher.publish(measures.slice(i, i + 20_000));
  await publisher.flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stats = await publisher.close();
  return { seconds, confirmed: stats.confirmed };
}

/** The file adapter, as its CLI runs it (runAdapter + FileAdapter), reading the CSV once. */
async function adapterPublish(
  rabbit: { url: string },
  target: Target,
  file: string,
  stateFile: string,
  options: Options,
): Promise<{ seconds: number; wallSeconds: number; stats: Record<string, unknown> }> {
  fs.rmSync(stateFile, { force: true });
  const logger = memoryLogger();
  const invoked = process.hrtime.bigint();
  let started = invoked;
  const status = await runAdapter({
    adapter: 'file',
    flags: {},
    logger,
    stopSignal: new AbortController().signal,
    // Throughput is timed from here, as the raw publisher's is: configuration read, schema compiled,
    // connected (the raw publisher connects before its timer starts too).
    onStarted: () => void (started = process.hrtime.bigint()),
    loadConfig: () =>
      loadFileAdapterConfig({
        env: { RABBIT_URL: rabbit.url, RABBIT_EXCHANGE: target.exchange, MYMONIT_EXPERIMENT: EXPERIMENT },
        overrides: {
          'file.path': file,
          'file.mode': 'once',
          'file.stateFile': stateFile,
          'publisher.maxMeasuresPerMessage': options.batch,
          'publisher.maxInFlightMessages': options.inFlight,
        },
      }),
    createJob: (config, publisher, log) => {
      // Like the raw publisher, start reading once connected.
      const job = new FileAdapter(config.file, publisher, log, config.experiment);
      const start = job.start.bind(job);
      job.start = async () => {
        await publisher.start();
        await start();
      };
      return job;
    },
  });
  const ended = process.hrtime.bigint();
  const seconds = Number(ended - started) / 1e9;
  const wallSeconds = Number(ended - invoked) / 1e9;
  if (status !== 0) throw new Error(`file adapter exited with ${status}: ${JSON.stringify(logger.entries.slice(-5))}`);
  const summary = logger.entries.find((e) => e.message === 'adapter stopped')?.meta ?? {};
  return { seconds, wallSeconds, stats: summary };
}

async function main(options: Options): Promise<void> {
  const url = rabbitUrl(rabbitSchema.parse({ url: process.env.RABBIT_URL, user: process.env.RABBIT_USER, password: process.env.RABBIT_PASSWORD }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-bench-'));
  const file = path.join(dir, 'measures.csv');
  const start = Date.UTC(2024, 0, 1);
  console.log(`machine: nproc=${os.cpus().length}, memory=${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.cpus()[0]?.model ?? ''}`);
  console.log(`generating ${options.rows} CSV rows...`);
  generate(file, options.rows, start);
  console.log(`${file}: ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB`);

  const admin = await amqp.connect(url);
  const channel = await admin.createChannel();
  console.log(
    `batch ${options.batch} measures/message, ${options.inFlight} messages in flight, persistent, confirms, ${options.queueType} queue, ${options.rounds} round(s)\n`,
  );
  const results: Array<{ raw: number; sdk: number; adapter: number }> = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      // The raw publisher's measures exist only during its run: a million live objects would slow the
      // adapter's garbage collections down, and the adapter does not get its input ready-made either.
      let measures: Measure[] | undefined = Array.from({ length: options.rows }, (_, i) => row(i, start).measure);
      const rawTarget = await freshTarget(channel, options.queueType, 'raw');
      const raw = await rawPublish(url, rawTarget, measures, options);
      const rawDepth = await queueDepth(channel, rawTarget.queue, raw.messages);
      await channel.deleteQueue(rawTarget.queue);
      await channel.deleteExchange(rawTarget.exchange);

      const sdkTarget = await freshTarget(channel, options.queueType, 'sdk');
      const sdk = await sdkPublish(url, sdkTarget, measures, options);
      measures = undefined;
      await channel.deleteQueue(sdkTarget.queue);
      await channel.deleteExchange(sdkTarget.exchange);
      if (sdk.confirmed !== options.rows) throw new Error(`SDK confirmed ${sdk.confirmed} of ${options.rows} measures`);

      const adapterTarget = await freshTarget(channel, options.queueType, 'adapter');
      const adapter = await adapterPublish({ url }, adapterTarget, file, path.join(dir, 'state.json'), options);
      const publisherStats = adapter.stats.publisher as { confirmed: number; messagesConfirmed: number };
      const adapterDepth = await queueDepth(channel, adapterTarget.queue, publisherStats.messagesConfirmed);
      await channel.deleteQueue(adapterTarget.queue);
      await channel.deleteExchange(adapterTarget.exchange);
      if (publisherStats.confirmed !== options.rows) throw new Error(`adapter confirmed ${publisherStats.confirmed} of ${options.rows} measures`);

      const rawRate = options.rows / raw.seconds;
      const sdkRate = options.rows / sdk.seconds;
      const adapterRate = options.rows / adapter.seconds;
      results.push({ raw: rawRate, sdk: sdkRate, adapter: adapterRate });
      console.log(
        `round ${round}: raw amqplib ${fmt(rawRate)}/s (${raw.seconds.toFixed(2)} s, ${rawDepth} msgs queued) | ` +
          `SDK ${fmt(sdkRate)}/s (${sdk.seconds.toFixed(2)} s) ${pct(sdkRate, rawRate)} | ` +
          `file adapter ${fmt(adapterRate)}/s (${adapter.seconds.toFixed(2)} s, ${adapter.wallSeconds.toFixed(2)} s with start-up, ${adapterDepth} msgs queued) ${pct(adapterRate, rawRate)}`,
      );
    }
  } finally {
    await admin.close();
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;
  const raw = median(results.map((r) => r.raw));
  const sdk = median(results.map((r) => r.sdk));
  const adapter = median(results.map((r) => r.adapter));
  // Rounds run back to back, so a round's ratio compares contenders under the same load on the machine.
  const ratios = results.map((r) => (100 * r.adapter) / r.raw);
  const sdkRatios = results.map((r) => (100 * r.sdk) / r.raw);
  const ratio = median([...ratios]);
  console.log(
    `\nmedian measures/s: raw amqplib ${fmt(raw)}, SDK alone ${fmt(sdk)}, file adapter ${fmt(adapter)}` +
      `\nmedian of the rounds' ratios: SDK alone ${median([...sdkRatios]).toFixed(1)}% of raw, ` +
      `file adapter ${ratio.toFixed(1)}% of raw (target >= 70%)`,
  );
  if (ratio < 70) process.exitCode = 1;
}

function pct(rate: number, of: number): string {
  return `${((100 * rate) / of).toFixed(1)}%`;
}

function fmt(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

const program = new Command('file-adapter-bench')
  .description('The file adapter publishing a generated CSV with confirms, beside a raw amqplib publish of the same messages.')
  .option('--rows <n>', 'CSV rows (one measure each)', '1000000')
  .option('--batch <n>', 'measures per message (both publishers)', '500')
  .option('--in-flight <n>', 'unconfirmed messages at most (both publishers)', '256')
  .option('--rounds <n>', 'rounds of (raw, adapter); the median is reported', '3')
  .option('--queue-type <type>', 'quorum (the platform default) or classic', 'quorum')
  .option('--keep', 'keep the generated CSV')
  .addHelpText('after', '\nBroker: RABBIT_URL (host or amqp:// URL), RABBIT_USER, RABBIT_PASSWORD; default localhost, guest/guest.');

program.parse();
const flags = program.opts<{ rows: string; batch: string; inFlight: string; rounds: string; queueType: string; keep?: boolean }>();
main({
  rows: Number(flags.rows),
  batch: Number(flags.batch),
  inFlight: Number(flags.inFlight),
  rounds: Number(flags.rounds),
  queueType: flags.queueType === 'classic' ? 'classic' : 'quorum',
  keep: flags.keep,
}).catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
