import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { loadConfig } from '../../src/config';
import { PostgratorMigrator } from '../../src/storage/postgrator-migrator';
import { seedSchedule, type SeededSchedule } from '../../test/support/checks-fakes-scheduler';
import { percentile } from './alerts-workload';
import { ROOT, sleep, startNode, stopChild, until, type Child } from './bench-support';

/**
 * `npm run bench:checks`: the check scheduler under load. CHECKS per minute (5,000; --checks-per-minute)
 * for MINUTES (10; --minutes) across two scheduler processes on one MariaDB, against a loopback HTTP server:
 * schedules of PERIOD_S (15 s) with 5 http checks on 2 hosts each (10 jobs a slot), their starts spread
 * evenly over the period. One scheduler is SIGKILLed midway (--kill-at, a fraction of the run). The
 * executor is a fetch executor inside the bench (P3's built-in one is not on this branch) and the recorder
 * the stand-in of test/support/checks-fakes-scheduler.ts (one check_results row per (check, host, slot)
 * under the SlotFence, no classification or measures).
 *
 * Printed: jobs recorded and the rate, jobs executed more than once (the HTTP server counts requests per
 * (check, host, slot); after a SIGKILL, a job the killed process was running is run again by the process
 * taking its slot over: those are shown apart), results stored twice, slots lost (a gap between finished
 * slots of a schedule), slots and jobs missed beyond the maximum lateness, lateness (job start - slot)
 * p50/p99/max, and the takeover time (database clock, from the kill to the survivor's first takeover).
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

function loopbackServer(): Promise<{ url: string; runs: Map<string, number>; close(): Promise<void> }> {
  const runs = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const job = new URL(request.url ?? '/', 'http://x').searchParams.get('job');
    if (job) runs.set(job, (runs.get(job) ?? 0) + 1);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`,
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
          params: { url: server.url },
          intervals: [{ startMs: begin - (begin % PERIOD_MS) + offset, periodMs: PERIOD_MS }],
          maxLatenessMs: MAX_LATENESS_MS,
          timeoutMs: 5_000,
        }),
      );
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
    await stopChild(children[1 - victimIndex]!);

    const results = await rows('SELECT check_id, host_id, slot_ms, outcome, started_at_ms FROM check_results');
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
    const runTwice = [...server.runs.values()].filter((n) => n > 1).length;
    const takenSlots = claims.filter((c) => c.taken_ms !== null).length;
    const minutes = (endedAt - startedAt) / 60_000;
    console.log(`jobs recorded:            ${results.length} (${Math.round(results.length / minutes)}/min; ${notOk} not ok)`);
    console.log(`results stored twice:     ${Number(twiceStored!.n)}`);
    console.log(`jobs executed twice:      ${runTwice} (re-run by the takeover of ${takenSlots} slots the killed process held)`);
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
  } finally {
    for (const child of children) await stopChild(child, 'SIGKILL', 5_000).catch(() => undefined);
    await server.close();
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
