import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { Migrator } from '../../../src/storage/stores';
import { seedSchedule, type SeededSchedule } from '../../support/checks-fakes-scheduler';
import { buildConsumer } from '../../support/consumer-process';
import { eventually } from '../../support/eventually';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/**
 * Two real scheduler processes share four schedules through MySQL; the one holding a slot in progress is
 * SIGKILLed. The other takes its unfinished slots over (the takeover time is printed, measured on the
 * database's clock from the kill to the takeover) and finishes only the jobs not yet recorded. Whatever
 * the timing: every (check, host) of every finished slot has exactly one result, ok or missed; slots are
 * consecutive (none lost); a job run twice is only one the killed process was running, recorded once under
 * the new token.
 */
jest.setTimeout(240_000);

const PERIOD_MS = 1_000;
const LEASE_MS = 1_500;
const POLL_MS = 250;

interface Child {
  child: ChildProcess;
  holder: Promise<string>;
  output(): string;
}

describe('check scheduler failover (real processes, SIGKILL)', () => {
  let database: TestDatabase;
  let connection: Connection;
  let dir: string;
  const children: Child[] = [];
  const schedules: SeededSchedule[] = [];

  async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
    const [result] = await connection.query<RowDataPacket[]>(sql, params);
    return result;
  }

  beforeAll(async () => {
    database = await createTestDatabase('mymonit_schedfail');
    const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
    await container.get<Migrator>(TYPES.Migrator).migrate();
    await container.get<MysqlDatabase>(TYPES.Database).close();
    const config = testConfig({ DB_DATABASE: database.name }).db;
    connection = await mysql.createConnection({ host: config.host, port: config.port, user: config.user, password: config.password, database: database.name });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-schedfail-'));
    const start = Date.now() + 2_000;
    for (let i = 0; i < 4; i++) {
      schedules.push(
        await seedSchedule((sql, params) => connection.query(sql, params), {
          code: `SF${i}`,
          hosts: 2,
          checks: 2,
          intervals: [{ startMs: start - (start % PERIOD_MS) + i * 250, periodMs: PERIOD_MS }],
          maxLatenessMs: 5_000,
        }),
      );
    }
  }, 180_000);

  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await connection?.end();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<Child> {
    const main = await buildConsumer();
    const child = spawn(process.execPath, [path.join(__dirname, '../../support/scheduler-child.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        AUTH_LOCAL_KEY: 'test-signing-key-0123456789abcdef0123456789',
        DB_DATABASE: database.name,
        MYMONIT_OUT: path.dirname(main),
        EXEC_LOG: path.join(dir, 'executions.log'),
        EXEC_DELAY_MS: '400',
        CHECK_SCHEDULER_POLL_MS: String(POLL_MS),
        CHECK_SCHEDULER_LEASE_MS: String(LEASE_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const holder = new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const ready = /ready (\S+)/.exec(output);
        if (ready?.[1]) resolve(ready[1]);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      child.once('exit', (code) => reject(new Error(`scheduler process exited (${code}) before it was ready: ${output}`)));
    });
    const started = { child, holder, output: () => output };
    children.push(started);
    return started;
  }

  const nowMs = async () => Number((await rows('SELECT ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS now_ms'))[0]!.now_ms);

  it('SIGKILL of a scheduler: its slots are taken over, nothing run twice but what it was running, nothing lost', async () => {
    const a = await start();
    const b = await start();
    const holders = await Promise.all([a.holder, b.holder]);
    // Both have finished slots, and one holds a slot in progress: kill that one.
    await eventually(() => rows('SELECT DISTINCT holder FROM schedule_slot_claims WHERE done_at IS NOT NULL'), (r) => r.length === 2, {
      what: 'both processes finishing slots',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const [open] = await eventually(() => rows('SELECT holder FROM schedule_slot_claims WHERE done_at IS NULL AND holder <> \'\' LIMIT 1'), (r) => r.length === 1, {
      what: 'a slot in progress',
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const victim = open!.holder === holders[0] ? a : b;
    const victimHolder = String(open!.holder);
    const survivorHolder = holders.find((h) => h !== victimHolder)!;
    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    const killedAtOrBefore = await nowMs();

    const [taken] = await eventually(
      () => rows('SELECT ROUND(UNIX_TIMESTAMP(MIN(taken_over_at)) * 1000) AS at_ms FROM schedule_slot_claims WHERE holder = ? AND taken_over_at IS NOT NULL', [survivorHolder]),
      (r) => r[0]?.at_ms !== null && r[0]?.at_ms !== undefined,
      { what: 'a takeover by the survivor', timeoutMs: 30_000, intervalMs: 50 },
    );
    // The kill time is read after the exit: the takeover may precede it by the read's latency, never by much.
    console.log(`takeover: ${Number(taken!.at_ms) - killedAtOrBefore} ms after SIGKILL (lease ${LEASE_MS} ms, poll ${POLL_MS} ms)`);
    // The survivor goes on alone for a few slots, then stops (releasing what it still holds).
    const after = await nowMs();
    await eventually(() => rows("SELECT COUNT(*) AS n FROM schedule_slot_claims WHERE done_at IS NOT NULL AND slot_ms > ?", [after]), (r) => Number(r[0]!.n) >= 8, {
      what: 'slots after the takeover',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    const survivor = victim === a ? b : a;
    survivor.child.kill('SIGTERM');
    await new Promise((resolve) => survivor.child.once('exit', resolve));

    // Nothing of the victim is left unfinished in its name.
    expect(await rows('SELECT slot_ms FROM schedule_slot_claims WHERE holder = ? AND done_at IS NULL', [victimHolder])).toEqual([]);
    const results = await rows('SELECT check_id, host_id, slot_ms, outcome, fencing_token FROM check_results');
    const byKey = new Map(results.map((r) => [`${r.check_id}/${r.host_id}/${r.slot_ms}`, r]));
    expect(byKey.size).toBe(results.length);
    expect(results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'missed')).toEqual([]);
    const done = await rows('SELECT schedule_id, slot_ms FROM schedule_slot_claims WHERE done_at IS NOT NULL ORDER BY schedule_id, slot_ms');
    for (const seeded of schedules) {
      const slots = done.filter((c) => Number(c.schedule_id) === seeded.scheduleId).map((c) => Number(c.slot_ms));
      expect(slots.length).toBeGreaterThan(0);
      slots.slice(1).forEach((slot, i) => expect(slot - slots[i]!).toBe(PERIOD_MS));
      for (const slot of slots) for (const checkId of seeded.checkIds) for (const hostId of seeded.hostIds) expect(byKey.has(`${checkId}/${hostId}/${slot}`)).toBe(true);
    }
    // Executions: a (check, host, slot) run twice is one the victim was running when killed, recorded once by the survivor.
    const runs = new Map<string, Array<{ token: number; pid: number }>>();
    for (const line of fs.readFileSync(path.join(dir, 'executions.log'), 'utf8').split('\n').filter(Boolean)) {
      const [k, token, pid] = line.split(' ');
      runs.set(k!, [...(runs.get(k!) ?? []), { token: Number(token), pid: Number(pid) }]);
    }
    const twice = [...runs].filter(([, r]) => r.length > 1);
    for (const [k, r] of twice) {
      expect(r.map((x) => x.pid)).toContain(victim.child.pid);
      expect(Number(byKey.get(k)?.fencing_token)).toBeGreaterThan(1);
    }
    const missed = results.filter((r) => r.outcome === 'missed').length;
    console.log(`${results.length} results (${missed} missed), ${twice.length} jobs re-run after the kill (in flight in the killed process)`);
  });
});
