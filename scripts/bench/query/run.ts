import 'reflect-metadata';
import { execSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { RowDataPacket } from 'mysql2/promise';
import type { TokenIssuer } from '../../../src/auth/token-verifier';
import { loadConfig } from '../../../src/config';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { RestListener } from '../../../src/rest/rest-listener';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlMeasureReader } from '../../../src/storage/mysql-measure-reader';
import { startBareServer } from './bare-server';
import { DATASET, ensureDataset } from './dataset';
import { runLoad, type LoadResult, type LoadSpec } from './load-generator';
import { ms, percentile, summarize } from './stats';

/**
 * `npm run bench:query`: the query targets of issue 3, in one run, against real MariaDB.
 *
 * 1. A table of 10 million measures (loaded once into the bench database, reused afterwards).
 * 2. Range reads of 1,000 points of one series by 32 concurrent clients with a valid SCIENTIST token
 *    through the real RestListener, against a bare Express + mysql2 route sending the same SQL.
 * 3. Aggregates of 30 days of 1 Hz data of one series (2.6 million points), step 1h, fn avg, and the
 *    same computed from the raw rows by GROUP BY, to show what the rollups buy.
 *
 * BENCH_DB (default mymonit_bench_query), BENCH_SECONDS (default 10 per measured run) and the DB_* variables
 * configure it.
 */
const CLIENTS = 32;
const WINDOW_US = 1000 * 1_000_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = 2;
const log = (line = '') => console.log(line);

function machine(): string[] {
  const free = (() => {
    try {
      return execSync('free -g', { encoding: 'utf8' }).trimEnd().split('\n').map((l) => `    ${l}`);
    } catch {
      return [`    total memory: ${Math.round(os.totalmem() / 2 ** 30)} GiB`];
    }
  })();
  return [
    `  nproc: ${os.availableParallelism()} (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    '  free -g:',
    ...free,
    `  node: ${process.version}`,
    `  load average before the run: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine shares its cores)`,
  ];
}

function merge(results: LoadResult[]): LoadResult {
  return {
    durationsMs: results.flatMap((r) => r.durationsMs),
    errors: results.reduce((n, r) => n + r.errors, 0),
    firstError: results.find((r) => r.firstError)?.firstError,
    seconds: results.reduce((n, r) => n + r.seconds, 0),
    bytes: results.reduce((n, r) => n + r.bytes, 0),
  };
}

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    DB_DATABASE: process.env.BENCH_DB ?? 'mymonit_bench_query',
    REST_HOST: '127.0.0.1',
    REST_PORT: '0',
    AUTH_LOCAL_KEY: process.env.AUTH_LOCAL_KEY ?? 'bench-query-signing-key-0123456789abcdef',
    LOGSTASH_HOST: '',
  });
  const container = buildContainer(config);
  const db = container.get<MysqlDatabase>(TYPES.Database);
  log('== MyMONIT query benchmark (issue 3) ==');
  log('machine:');
  machine().forEach((line) => log(line));
  // The pool opens on the bench database, which ensureDataset creates (or drops, after an interrupted load).
  const dataset = await ensureDataset(container, config, (line) => log(`data: ${line}`));
  const [[server]] = await db.executor().query<RowDataPacket[]>('SELECT VERSION() AS version');
  log(`  MariaDB/MySQL: ${server?.version}`);
  log(`  database: ${config.db.database}, pool ${config.db.poolSize} connections (app and bare route alike)`);
  if (dataset.reused) log(`data: reusing the ${DATASET.total.toLocaleString('en')} measures already in ${config.db.database}`);
  const [[counts]] = await db.executor().query<RowDataPacket[]>(
    'SELECT (SELECT COUNT(*) FROM measures) AS measures, (SELECT COUNT(*) FROM measures WHERE series_id = ?) AS target, (SELECT COUNT(*) FROM rollup_hour) AS hours, (SELECT COUNT(*) FROM rollup_minute) AS minutes',
    [dataset.targetSeriesId],
  );
  if (!counts) throw new Error('the dataset counts returned no row');
  log(`data: ${Number(counts.measures).toLocaleString('en')} measures; series probe-0 ${Number(counts.target).toLocaleString('en')}; rollups ${Number(counts.minutes).toLocaleString('en')} minute rows, ${Number(counts.hours).toLocaleString('en')} hour rows`);
  log();

  const rest = container.get<RestListener>(TYPES.RestListener);
  const restPort = (await rest.start()).port;
  const bare = await startBareServer(config);
  const token = await container.get<TokenIssuer>(TYPES.TokenIssuer).issue(DATASET.scientist);
  const auth = { authorization: `Bearer ${token}` };

  // The SQL both routes send, and its plan.
  const statement = MysqlMeasureReader.singleSeriesSql(dataset.targetSeriesId, { fromUs: BigInt(DATASET.startUs), toUs: BigInt(DATASET.startUs + WINDOW_US), limit: 1001 });
  const [[plan]] = await db.executor().query<RowDataPacket[]>(`EXPLAIN ${statement.sql}`, statement.values);
  log(`range read SQL: ${statement.sql}`);
  log(`EXPLAIN: table=${plan?.table} type=${plan?.type} key=${plan?.key} rows=${plan?.rows} Extra=${plan?.Extra}`);

  // Both routes answer the same 1,000 points.
  const sampleFrom = DATASET.startUs + 86_400 * 1_000_000;
  const restSample = await (await fetch(`http://127.0.0.1:${restPort}/experiments/${DATASET.experiment}/measures?metric=temperature&source=probe-0&from=${new Date(sampleFrom / 1000).toISOString()}&to=${new Date((sampleFrom + WINDOW_US) / 1000).toISOString()}&limit=1000`, { headers: auth })).json() as { items: Array<{ value: number }> };
  const bareSample = await (await fetch(`http://127.0.0.1:${bare.port}/bare?series=${dataset.targetSeriesId}&from=${sampleFrom}&to=${sampleFrom + WINDOW_US}&limit=1001`)).json() as Array<[number, number]>;
  const same = restSample.items.length === 1000 && bareSample.length === 1000 && restSample.items.every((m, i) => m.value === bareSample[i]?.[1]);
  log(`sample window: REST ${restSample.items.length} points, bare ${bareSample.length} rows, same values: ${same ? 'yes' : 'NO'}`);
  log();

  const common = { clients: CLIENTS, warmupMs: 2000, durationMs: SECONDS * 1000, startUs: DATASET.startUs, spanUs: DATASET.targetPoints * 1_000_000, windowUs: WINDOW_US };
  const restSpec: LoadSpec = {
    ...common,
    port: restPort,
    pathTemplate: `/experiments/${DATASET.experiment}/measures?metric=temperature&source=probe-0&from={from}&to={to}&limit=1000`,
    timeFormat: 'iso',
    headers: auth,
    seed: 1,
  };
  // limit 1001: the API asks for one row more than the page, to know whether a next page exists.
  const bareSpec: LoadSpec = { ...common, port: bare.port, pathTemplate: `/bare?series=${dataset.targetSeriesId}&from={from}&to={to}&limit=1001`, timeFormat: 'us', headers: {}, seed: 1 };
  log(`range reads: ${CLIENTS} closed-loop clients, random 1,000 s windows (1,000 points) of probe-0, ${ROUNDS} x ${SECONDS} s per route, alternating`);
  const restRuns: LoadResult[] = [];
  const bareRuns: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bareRuns.push(await runLoad({ ...bareSpec, seed: 100 + round }));
    restRuns.push(await runLoad({ ...restSpec, seed: 200 + round }));
  }
  const restAll = merge(restRuns);
  const bareAll = merge(bareRuns);
  const restSummary = summarize(restAll.durationsMs, restAll.errors, restAll.seconds);
  const bareSummary = summarize(bareAll.durationsMs, bareAll.errors, bareAll.seconds);
  for (const [name, s, r] of [['bare Express + mysql2', bareSummary, bareAll], ['MyMONIT REST (token, OpenAPI validation, access log)', restSummary, restAll]] as const) {
    log(`  ${name}: ${s.requests} requests, ${s.errors} errors${r.firstError ? ` (${r.firstError})` : ''}, ${s.throughput.toFixed(0)} req/s (${(s.throughput * 1000).toFixed(0)} points/s), p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, max ${ms(s.max)}, ${(r.bytes / Math.max(1, s.requests) / 1024).toFixed(1)} KiB/response`);
  }
  const ratio = restSummary.throughput / bareSummary.throughput;
  log(`  throughput ratio REST / bare: ${(ratio * 100).toFixed(1)} %  (target >= 50 %: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
  log(`  REST p99: ${ms(restSummary.p99)}  (target <= 15 ms: ${restSummary.p99 <= 15 ? 'met' : 'NOT met'}); bare p99: ${ms(bareSummary.p99)}`);
  log(`  Little's law: 32 clients / ${restSummary.throughput.toFixed(0)} req/s = ${ms((CLIENTS / restSummary.throughput) * 1000)} mean latency at saturation`);

  // Below saturation: the same 32 clients, paced to a quarter and to half the REST route's saturated throughput.
  for (const share of [4, 2]) {
    const rate = Math.max(1, Math.floor(restSummary.throughput / share));
    const paced = { ratePerClient: rate / CLIENTS, durationMs: SECONDS * 1000 };
    const bareP = await runLoad({ ...bareSpec, ...paced, seed: 300 + share });
    const restP = await runLoad({ ...restSpec, ...paced, seed: 400 + share });
    log(`range reads, paced: 32 clients sending ${rate} req/s in total (1/${share} of REST saturation; open loop, latency from each request's scheduled time)`);
    for (const [name, r] of [['bare Express + mysql2', bareP], ['MyMONIT REST', restP]] as const) {
      const s = summarize(r.durationsMs, r.errors, r.seconds);
      log(`  ${name}: ${s.requests} requests, ${s.errors} errors, p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`);
    }
  }
  log();

  // Aggregate: 30 days of probe-0, step 1h, fn avg.
  const fromIso = new Date(DATASET.startUs / 1000).toISOString();
  const toIso = new Date(DATASET.startUs / 1000 + 30 * 86_400_000).toISOString();
  const aggregateUrl = `http://127.0.0.1:${restPort}/experiments/${DATASET.experiment}/measures/aggregate?metric=temperature&source=probe-0&from=${fromIso}&to=${toIso}&step=1h&fn=avg`;
  const timings: number[] = [];
  let answer: { series: Array<{ points: Array<{ value: number; count: number }> }> } | undefined;
  for (let i = 0; i < 53; i++) {
    const started = performance.now();
    const response = await fetch(aggregateUrl, { headers: auth });
    answer = (await response.json()) as typeof answer;
    if (i >= 3) timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const points = answer?.series[0]?.points ?? [];
  log(`aggregate, REST, 30 days of probe-0 (${points.reduce((n, p) => n + p.count, 0).toLocaleString('en')} measures), step 1h, fn avg: ${points.length} points`);
  log(`  sequential, 50 requests: p50 ${ms(percentile(timings, 50))}, p99 ${ms(percentile(timings, 99))}  (target p50 <= 100 ms: ${percentile(timings, 50) <= 100 ? 'met' : 'NOT met'})`);

  const rawSql = `SELECT (ts_us - ?) DIV 3600000000 AS k, AVG(value) AS v, COUNT(*) AS n FROM measures WHERE series_id = ? AND ts_us >= ? AND ts_us < ? GROUP BY k ORDER BY k`;
  const rawValues = [DATASET.startUs, dataset.targetSeriesId, DATASET.startUs, DATASET.startUs + 30 * 86_400 * 1_000_000];
  const rawTimes: number[] = [];
  let raw: RowDataPacket[] = [];
  for (let i = 0; i < 4; i++) {
    const started = performance.now();
    [raw] = await db.executor().query<RowDataPacket[]>(rawSql, rawValues);
    if (i > 0) rawTimes.push(performance.now() - started);
  }
  rawTimes.sort((a, b) => a - b);
  const matches = raw.length === points.length && raw.every((row, i) => {
    const point = points[i];
    return point !== undefined && Math.abs(Number(row.v) - point.value) < 1e-9 && Number(row.n) === point.count;
  });
  log(`  the same from raw rows (GROUP BY over ${Number(counts.target).toLocaleString('en')} rows, SQL only, 3 runs): p50 ${ms(percentile(rawTimes, 50))}; answers equal: ${matches ? 'yes' : 'NO'}`);
  log(`  rollups are ${(percentile(rawTimes, 50) / percentile(timings, 50)).toFixed(0)}x faster than raw rows for this query`);

  log(`load average after the run: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await rest.stop();
  await bare.stop();
  await (container.get(TYPES.Database) as MysqlDatabase).close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
