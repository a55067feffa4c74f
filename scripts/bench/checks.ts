import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { loadConfig } from '../../src/config';
import { DEFAULT_CHECK_SCHEDULER_OPTIONS } from '../../src/services/checks/check-scheduler';
import { PostgratorMigrator } from '../../src/storage/postgrator-migrator';
import { epochMsToUs } from '../../lib/contract/timestamp';
import { seedSchedule, type SeededSchedule } from '../../test/support/checks-fakes-scheduler';
import { percentile } from './alerts-workload';
import { ROOT, sleep, startNode, stopChild, until, type Child } from './bench-support';

/**
 * `npm run bench:checks`: the check scheduler under load. CHECKS per minute (5,000; --checks-per-minute)
 * for MINUTES (10; --minutes) across two scheduler processes on one MariaDB, against a loopback HTTP server:
 * schedules of PERIOD_S (15 s) with 5 http checks on 2 hosts each (10 jobs a slot), their starts spread
 * evenly over the period. One scheduler is SIGKILLed midway (--kill-at, a fraction of the run). The
 * schedulers are the container's real path (scripts/bench/checks-child.ts): parser, built-in executor,
 * recorder (check_results, classification, measures) under the SlotFence.
 *
 * Each check's URL is http://127.0.0.1:<port>/c/<check id>/{address} and each host has an address of its
 * own, so the server counts executions per (check, host). Once the run is over the schedules lose their
 * checks, the slots in progress finish, and the survivor stops: every execution should then have its
 * recorded run. Executions beyond the recorded runs of a (check, host) are jobs executed twice (or run and
 * never recorded); after a SIGKILL, a job the killed process was running is run again by the process taking
 * its slot over: those (on a (check, host) with a result recorded under a taken-over claim) are shown apart.
 *
 * Printed: jobs recorded and the rate, measures stored, results stored twice, jobs executed twice, slots
 * lost (a gap between finished slots of a schedule), slots and jobs missed beyond the maximum lateness,
 * lateness (job start - slot) p50/p99/max, the takeover time (database clock, from the kill to the
 * survivor's first takeover), and a baseline in the same run: the same number of jobs as a plain loop (an
 * HTTP GET on a fresh connection, then raw INSERTs of the same check_results row and measures into copies
 * of the tables), flat out, against which the scheduled rate and the executor's latency are put.
 */
const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'checks-per-minute': { type: 'string', default: '5000' },
    'kill-at': { type: 'string', default: '0.5' },
    'max-lateness-ms': { type: 'string', default: '5000' },
  },
});
const positive = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: ${text} is not a positive number`);
  return value;
};
const MINUTES = positive('minutes', flags.minutes);
const CHECKS_PER_MINUTE = positive('checks-per-minute', flags['checks-per-minute']);
const KILL_AT = positive('kill-at', flags['kill-at']);
const MAX_LATENESS_MS = positive('max-lateness-ms', flags['max-lateness-ms']);
const PERIOD_MS = 15_000;
const CHECKS = 5;
const HOSTS = 2;
const SCHEDULES = Math.max(1, Math.round((CHECKS_PER_MINUTE * PERIOD_MS) / 60_000 / (CHECKS * HOSTS)));
const CHILD = path.join(ROOT, 'dist', 'scripts', 'bench', 'checks-child.js');

/** A host address of its own for host number n (never connected to: it names the host in the URL's path). */
const addressOf = (n: number) => `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** Counts requests per path /c/<check id>/<address>; `counting` off for the baseline's requests. */
function loopbackServer(): Promise<{ base: string; runs: Map<string, number>; close(): Promise<void> }> {
  const runs = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const key = /^\/c\/(\d+)\/([\d.]+)$/.exec(request.url ?? '')?.slice(1, 3).join('/');
    if (key) runs.set(key, (runs.get(key) ?? 0) + 1);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        runs,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

async function main(): Promise<void> {
  const database = `mymonit_bench_checks_${Date.now().toString(36)}`;
  const config = loadConfig({ ...process.env, DB_DATABASE: database, LOG_LEVEL: 'warn', AUTH_LOCAL_KEY: 'bench-signing-key-0123456789abcdef0123456789' });
  await new PostgratorMigrator(config).migrate();
  const connection = await mysql.createConnection({ host: config.db.host, port: config.db.port, user: config.db.user, password: config.db.password, database });
  const rows = async (sql: string, params: unknown[] = []) => (await connection.query<RowDataPacket[]>(sql, params))[0];
  const dbNow = async () => Number((await rows('SELECT ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS now_ms'))[0]!.now_ms);
  const server = await loopbackServer();
  const children: Child[] = [];
  try {
    const begin = (await dbNow()) + 5_000;
    const schedules: SeededSchedule[] = [];
    for (let i = 0; i < SCHEDULES; i++) {
      const offset = Math.floor((i * PERIOD_MS) / SCHEDULES);
      schedules.push(
        await seedSchedule((sql, params) => connection.query(sql, params), {
          code: `BENCH${i}`,
          hosts: HOSTS,
          checks: CHECKS,
          intervals: [{ startMs: begin - (begin % PERIOD_MS) + offset, periodMs: PERIOD_MS }],
          maxLatenessMs: MAX_LATENESS_MS,
          timeoutMs: 5_000,
        }),
      );
    }
    const addresses = new Map<string, number>();
    for (const schedule of schedules) {
      for (const checkId of schedule.checkIds) {
        await connection.query('UPDATE checks SET params = ? WHERE id = ?', [JSON.stringify({ url: `${server.base}/c/${checkId}/{address}` }), checkId]);
      }
      for (const hostId of schedule.hostIds) {
        const address = addressOf(addresses.size + 1);
        addresses.set(address, hostId);
        await connection.query('UPDATE hosts SET address = ? WHERE id = ?', [address, hostId]);
      }
    }
    console.log(
      `bench:checks: ${SCHEDULES} schedules x ${CHECKS} checks x ${HOSTS} hosts every ${PERIOD_MS / 1000} s = ${(SCHEDULES * CHECKS * HOSTS * 60_000) / PERIOD_MS} checks/min, ${MINUTES} min, two schedulers, SIGKILL of one at ${KILL_AT * 100}%`,
    );
    const env = {
      DB_DATABASE: database,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      MIGRATE_ON_START: 'false',
      AUTH_LOCAL_KEY: 'bench-signing-key-0123456789abcdef0123456789',
    };
    for (let i = 0; i < 2; i++) children.push(startNode(CHILD, [], env));
    const holders: string[] = [];
    for (const child of children) {
      await until('a scheduler ready', () => /ready \S+/.test(child.output()), 60_000, 50, child);
      holders.push(/ready (\S+)/.exec(child.output())![1]!);
    }
    const startedAt = await dbNow();
    const runMs = MINUTES * 60_000;
    await sleep(Math.max(0, startedAt + runMs * KILL_AT - (await dbNow())));

    // Kill the holder of a slot in progress if there is one (a takeover to measure), else the first.
    const [open] = await rows("SELECT holder FROM schedule_slot_claims WHERE done_at IS NULL AND holder <> '' LIMIT 1");
    const victimIndex = open && holders.indexOf(String(open.holder)) >= 0 ? holders.indexOf(String(open.holder)) : 0;
    const victim = children[victimIndex]!;
    const survivorHolder = holders[1 - victimIndex]!;
    victim.process.kill('SIGKILL');
    await victim.exited;
    const killedAt = await dbNow();
    let takeoverMs: number | undefined;
    const takeoverDeadline = Date.now() + 30_000;
    while (takeoverMs === undefined && Date.now() < takeoverDeadline) {
      const [taken] = await rows(
        'SELECT ROUND(UNIX_TIMESTAMP(MIN(taken_over_at)) * 1000) AS at_ms FROM schedule_slot_claims WHERE holder = ? AND taken_over_at >= FROM_UNIXTIME(? / 1000) - INTERVAL 5 SECOND',
        [survivorHolder, killedAt],
      );
      if (taken?.at_ms !== null && taken?.at_ms !== undefined) takeoverMs = Number(taken.at_ms) - killedAt;
      else await sleep(50);
    }
    await sleep(Math.max(0, startedAt + runMs - (await dbNow())));
    const endedAt = await dbNow();
    // No new jobs; the slots in progress finish (their runs recorded) before the survivor stops.
    // (Slots claimed from now on expand to no job; those claimed ahead before the DELETE, up to lookahead later, still have theirs.)
    await connection.query('DELETE FROM schedule_checks');
    const lastWithJobs = (await dbNow()) + 2 * DEFAULT_CHECK_SCHEDULER_OPTIONS.lookaheadMs;
    const unfinished = async () => Number((await rows('SELECT COUNT(*) AS n FROM schedule_slot_claims WHERE done_at IS NULL AND slot_ms <= ?', [lastWithJobs]))[0]!.n);
    await until('the slots in progress finished', async () => (await unfinished()) === 0, 30_000, 100, children[1 - victimIndex]);
    await stopChild(children[1 - victimIndex]!);

    const results = await rows('SELECT check_id, host_id, slot_ms, outcome, started_at_ms, duration_ms, fencing_token FROM check_results');
    const [measureCount] = await rows(
      "SELECT COUNT(*) AS n FROM measures m JOIN series s ON s.id = m.series_id JOIN checks c ON c.experiment_id = s.experiment_id AND c.name = s.metric",
    );
    const [twiceStored] = await rows('SELECT COUNT(*) AS n FROM (SELECT 1 FROM check_results GROUP BY check_id, host_id, slot_ms HAVING COUNT(*) > 1) d');
    const claims = await rows(
      `SELECT schedule_id, slot_ms, mode, ROUND(UNIX_TIMESTAMP(taken_over_at) * 1000) AS taken_ms, ROUND(UNIX_TIMESTAMP(claimed_at) * 1000) AS claimed_ms
       FROM schedule_slot_claims WHERE done_at IS NOT NULL ORDER BY schedule_id, slot_ms`,
    );
    const claimLateness = claims.map((c) => Number(c.claimed_ms) - Number(c.slot_ms));
    let lost = 0;
    for (const schedule of schedules) {
      const slots = claims.filter((c) => Number(c.schedule_id) === schedule.scheduleId).map((c) => Number(c.slot_ms));
      for (let i = 1; i < slots.length; i++) lost += (slots[i]! - slots[i - 1]!) / PERIOD_MS - 1;
    }
    const lateness = results.filter((r) => r.outcome !== 'missed' && r.started_at_ms !== null).map((r) => Number(r.started_at_ms) - Number(r.slot_ms));
    const missedJobs = results.filter((r) => r.outcome === 'missed').length;
    const missedSlots = claims.filter((c) => c.mode === 'missed').length;
    const notOk = results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'missed').length;
    // Executions beyond the runs recorded, per (check, host); those on a pair recorded under a taken-over claim apart.
    const recordedRuns = new Map<string, number>();
    const takenPairs = new Set<string>();
    const hostAddress = new Map([...addresses].map(([address, hostId]) => [hostId, address]));
    for (const r of results) {
      const pair = `${Number(r.check_id)}/${hostAddress.get(Number(r.host_id))}`;
      if (r.outcome !== 'missed') recordedRuns.set(pair, (recordedRuns.get(pair) ?? 0) + 1);
      if (Number(r.fencing_token) > 1) takenPairs.add(pair);
    }
    let runTwice = 0;
    let rerunByTakeover = 0;
    let executions = 0;
    for (const [pair, n] of server.runs) {
      executions += n;
      const surplus = Math.max(0, n - (recordedRuns.get(pair) ?? 0));
      if (takenPairs.has(pair)) rerunByTakeover += surplus;
      else runTwice += surplus;
    }
    const runs = [...recordedRuns.values()].reduce((a, b) => a + b, 0);
    const unexecuted = [...recordedRuns].reduce((sum, [pair, n]) => sum + Math.max(0, n - (server.runs.get(pair) ?? 0)), 0);
    const takenSlots = claims.filter((c) => c.taken_ms !== null).length;
    const minutes = (endedAt - startedAt) / 60_000;
    console.log(`jobs recorded:            ${results.length} (${Math.round(results.length / minutes)}/min; ${notOk} not ok)`);
    console.log(`measures stored:          ${Number(measureCount!.n)} (${(Number(measureCount!.n) / Math.max(1, runs)).toFixed(2)} per run: value, status_code, latency_ms)`);
    console.log(`results stored twice:     ${Number(twiceStored!.n)}`);
    console.log(`executions / runs:        ${executions} HTTP requests / ${runs} runs recorded (${unexecuted} recorded runs without a request)`);
    console.log(`jobs executed twice:      ${runTwice} (and ${rerunByTakeover} re-run by the takeover of ${takenSlots} slots the killed process held)`);
    console.log(`slots lost (gaps):        ${lost}`);
    console.log(`missed beyond lateness:   ${missedSlots} slots, ${missedJobs} jobs (max lateness ${MAX_LATENESS_MS} ms)`);
    console.log(`lateness p50/p99/max:     ${percentile(lateness, 50)} / ${percentile(lateness, 99)} / ${Math.max(...lateness)} ms`);
    console.log(`claim lateness p50/p99:   ${percentile(claimLateness, 50)} / ${percentile(claimLateness, 99)} ms (slot claimed - slot)`);
    console.log(`takeover after SIGKILL:   ${takeoverMs === undefined ? 'none within 30 s' : `${takeoverMs} ms`} (lease ${config.checkScheduler.leaseMs} ms, poll ${config.checkScheduler.pollMs} ms)`);
    const warnings = new Map<string, number>();
    for (const child of children) {
      for (const line of child.output().split('\n')) {
        const message = /"message":"([^"]*)"/.exec(line)?.[1];
        if (message && /"level":"(warn|error)"/.test(line)) warnings.set(message, (warnings.get(message) ?? 0) + 1);
      }
    }
    for (const [message, count] of warnings) console.log(`scheduler warning x${count}: ${message}`);

    const executorMs = results.filter((r) => r.outcome === 'ok' && r.duration_ms !== null).map((r) => Number(r.duration_ms));
    const baseline = await plainLoop(connection, server.base, runs, [...addresses.keys()]);
    const scheduledPerMin = runs / minutes;
    console.log(`baseline (plain loop):    ${runs} jobs flat out in ${(baseline.ms / 1000).toFixed(2)} s = ${Math.round((runs * 60_000) / baseline.ms)}/min (GET on a fresh connection, 64 at once; INSERT of the result row and its 3 measures, 4 at once)`);
    console.log(`scheduled / baseline:     ${((scheduledPerMin * baseline.ms) / (runs * 60_000)).toFixed(3)} (the schedulers' paced rate over the plain loop's flat-out rate)`);
    console.log(
      `HTTP latency p50/p99:     executor ${percentile(executorMs, 50)} / ${percentile(executorMs, 99)} ms, plain loop ${percentile(baseline.httpMs, 50)} / ${percentile(baseline.httpMs, 99)} ms (ratio p50 ${(percentile(executorMs, 50) / percentile(baseline.httpMs, 50)).toFixed(2)})`,
    );
  } finally {
    for (const child of children) await stopChild(child, 'SIGKILL', 5_000).catch(() => undefined);
    await server.close();
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.end();
  }
}

/**
 * The baseline: `jobs` jobs done by a plain loop, flat out: a GET on a fresh connection (as the executor
 * makes it), then the same rows the recorder writes, as raw INSERTs into copies of check_results and measures
 * in one transaction each, on 4 pooled connections (the schedulers' recordConcurrency).
 */
async function plainLoop(connection: mysql.Connection, base: string, jobs: number, addresses: readonly string[]): Promise<{ ms: number; httpMs: number[] }> {
  await connection.query('CREATE TABLE baseline_results LIKE check_results');
  await connection.query('CREATE TABLE baseline_measures LIKE measures');
  const { host, port, user, password, database } = connection.config;
  const pool = mysql.createPool({ host, port, user, password, database, connectionLimit: 4 });
  const agent = new http.Agent({ keepAlive: false });
  const httpMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < jobs; i = next++) {
      const sent = performance.now();
      await new Promise<void>((resolve, reject) => {
        http.get(`${base}/baseline/${i}`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve).on('error', reject);
        }).on('error', reject);
      });
      httpMs.push(performance.now() - sent);
      const nowMs = Date.now();
      const db = await pool.getConnection();
      try {
        await db.beginTransaction();
        await db.query(
          `INSERT INTO baseline_results (check_id, host_id, experiment_id, slot_ms, started_at_ms, duration_ms, outcome, value, message, severity, fencing_token, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 'ok', ?, ?, 'ok', 1, NOW(3))`,
          [1, addresses.length === 0 ? 1 : (i % addresses.length) + 1, 1, i, nowMs, 1, 1, 'HTTP 200 in 1 ms'],
        );
        const ts = epochMsToUs(nowMs);
        await db.query('INSERT INTO baseline_measures (series_id, ts_us, value) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)', [3 * i + 1, ts, 1, 3 * i + 2, ts, 200, 3 * i + 3, ts, 1]);
        await db.commit();
      } finally {
        db.release();
      }
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const ms = performance.now() - started;
  await pool.end();
  agent.destroy();
  return { ms, httpMs: httpMs.map((v) => Math.round(v * 1000) / 1000) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
