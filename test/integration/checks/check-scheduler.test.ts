import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { StaleClaimError, type CheckJob } from '../../../src/checks/ports';
import { dueSlots } from '../../../src/checks/schedule/due-slots';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import { MemoryLogger } from '../../support/amqp-fakes';
import { CheckSchedulerMetrics } from '../../../src/metrics/check-scheduler-metrics';
import { CheckScheduler } from '../../../src/services/checks/check-scheduler';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { MysqlScheduleStore } from '../../../src/storage/mysql-schedule-store';
import type { Migrator } from '../../../src/storage/stores';
import { seedSchedule, standInParams, StubExecutor, TableRecorder } from '../../support/checks-fakes-scheduler';
import { eventually } from '../../support/eventually';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/**
 * The scheduler against MariaDB: two scheduler instances (two holders, as two processes would be) share the
 * schedules through the claims of migration 016; the recorder stand-in writes check_results under the fence.
 */
jest.setTimeout(120_000);

let database: TestDatabase;
let connection: Connection;
let db: MysqlDatabase;
let store: MysqlScheduleStore;
let metrics: CheckSchedulerMetrics;
const query = (sql: string, params: unknown[] = []) => connection.query(sql, params);
async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await connection.query<RowDataPacket[]>(sql, params);
  return result;
}

beforeAll(async () => {
  database = await createTestDatabase('mymonit_sched');
  const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
  await container.get<Migrator>(TYPES.Migrator).migrate();
  db = container.get<MysqlDatabase>(TYPES.Database);
  store = container.get<MysqlScheduleStore>(TYPES.ScheduleStore);
  metrics = container.get(CheckSchedulerMetrics);
  const config = testConfig({ DB_DATABASE: database.name }).db;
  connection = await mysql.createConnection({ host: config.host, port: config.port, user: config.user, password: config.password, database: database.name });
}, 120_000);

afterAll(async () => {
  await connection?.end();
  await db?.close();
  await database?.drop();
});

function scheduler(executor: StubExecutor, options: { leaseMs?: number; logger?: MemoryLogger } = {}): CheckScheduler {
  return new CheckScheduler(store, metrics, options.logger ?? new MemoryLogger(), [executor], new TableRecorder(db, store), {
    pollMs: 50,
    leaseMs: options.leaseMs ?? 1_500,
    concurrency: 8,
    parseParams: standInParams,
  });
}

const key = (job: Pick<CheckJob, 'checkId' | 'slotMs'> & { host: { id: number } }) => `${job.checkId}/${job.host.id}/${job.slotMs}`;

it('two schedulers share schedules: every (check, host, slot) runs and is recorded exactly once, slots without gaps', async () => {
  const now = Date.now();
  const start = now - (now % 1000);
  // Two intervals whose slots coincide every other second: a slot is the schedule's, run once.
  const a = await seedSchedule(query, { code: 'SCHEDA', hosts: 2, checks: 3, intervals: [{ startMs: start, periodMs: 1000 }, { startMs: start, periodMs: 2000 }], maxLatenessMs: 5_000 });
  const b = await seedSchedule(query, { code: 'SCHEDB', hosts: 3, checks: 1, intervals: [{ startMs: start + 500, periodMs: 700 }], maxLatenessMs: 5_000 });
  const executors = [new StubExecutor(['http']), new StubExecutor(['http'])];
  const logger = new MemoryLogger();
  const schedulers = executors.map((e) => scheduler(e, { logger }));
  await Promise.all(schedulers.map((s) => s.start()));
  await eventually(
    () => rows("SELECT schedule_id, COUNT(*) AS n FROM schedule_slot_claims WHERE done_at IS NOT NULL AND mode = 'run' GROUP BY schedule_id"),
    (r) => r.length === 2 && r.every((row) => Number(row.n) >= 6),
    { what: 'six finished slots of each schedule', timeoutMs: 60_000, intervalMs: 200 },
  );
  await Promise.all(schedulers.map((s) => s.stop()));

  const calls = executors.flatMap((e) => e.calls);
  const counts = new Map<string, number>();
  for (const job of calls) counts.set(key(job), (counts.get(key(job)) ?? 0) + 1);
  expect([...counts.values()].filter((n) => n > 1)).toEqual([]);

  const results = await rows('SELECT check_id, host_id, slot_ms, outcome FROM check_results');
  const claims = await rows("SELECT schedule_id, slot_ms, mode, done_at FROM schedule_slot_claims WHERE done_at IS NOT NULL ORDER BY schedule_id, slot_ms");
  for (const seeded of [a, b]) {
    const slots = claims.filter((c) => Number(c.schedule_id) === seeded.scheduleId).map((c) => Number(c.slot_ms));
    const period = seeded === a ? 1000 : 700;
    // Consecutive slots: none skipped between the first and the last one finished.
    slots.slice(1).forEach((slot, i) => expect(slot - slots[i]!).toBe(period));
    const expected = slots.flatMap((slot) => seeded.checkIds.flatMap((checkId) => seeded.hostIds.map((hostId) => `${checkId}/${hostId}/${slot}`)));
    const stored = results.filter((r) => seeded.checkIds.includes(Number(r.check_id))).map((r) => `${r.check_id}/${r.host_id}/${r.slot_ms}`);
    expect(stored.filter((k) => slots.includes(Number(k.split('/')[2]))).sort()).toEqual(expected.sort());
  }
  // Every recorded result of a finished slot was run here (no result without a run), once.
  for (const r of results.filter((row) => row.outcome === 'ok')) expect(counts.get(`${r.check_id}/${r.host_id}/${r.slot_ms}`)).toBe(1);
  // Progress rows are gone with finished slots.
  const [left] = await rows('SELECT COUNT(*) AS n FROM schedule_slot_jobs j JOIN schedule_slot_claims c USING (schedule_id, slot_ms) WHERE c.done_at IS NOT NULL');
  expect(Number(left!.n)).toBe(0);
  // No statement of the scheduler failed (renewals, polls, claims and finishes log and go on when one does).
  expect(logger.entries.filter((e) => /failed|not renewed|not finished|not released/.test(e.message))).toEqual([]);
  console.log(`two schedulers: ${executors.map((e) => e.calls.length).join(' + ')} jobs run`);
});

it('a stale holder is fenced: after a takeover its result is refused and the new holder finishes only what is not recorded', async () => {
  const now = Date.now();
  const seeded = await seedSchedule(query, { code: 'FENCE', hosts: 2, checks: 1, intervals: [{ startMs: now - 10_000, periodMs: 3_600_000 }], maxLatenessMs: 60_000 });
  await query('UPDATE schedule_intervals SET execute_next_ms = ? WHERE id = ?', [now - 10_000, seeded.intervalIds[0]]);
  const claimed = await store.claimDue(seeded.intervalIds[0]!, 'old', 100, (row, nowMs) => dueSlots(row, row.executeNextMs, nowMs, row.maxLatenessMs, 10));
  expect(claimed.claims).toEqual([{ scheduleId: seeded.scheduleId, slotMs: now - 10_000, mode: 'run', fencingToken: 1, takenOver: false }]);
  // Claimed once: a second claim finds nothing due.
  expect((await store.claimDue(seeded.intervalIds[0]!, 'other', 100, (row, nowMs) => dueSlots(row, row.executeNextMs, nowMs, row.maxLatenessMs, 10))).claims).toEqual([]);

  const snapshot = (await store.snapshot(seeded.scheduleId))!;
  const recorder = new TableRecorder(db, store);
  const { expandSlot } = await import('../../../src/checks/schedule/expand-slot');
  const oldJobs = expandSlot(snapshot, now - 10_000, 1, standInParams).jobs;
  expect(oldJobs).toHaveLength(2);
  // Renewed only by its holder, only while unfinished.
  expect(await store.renew('old', [{ scheduleId: seeded.scheduleId, slotMs: now - 10_000 }, { scheduleId: seeded.scheduleId, slotMs: 1 }], 100)).toBe(1);
  expect(await store.renew('other', [{ scheduleId: seeded.scheduleId, slotMs: now - 10_000 }], 100)).toBe(0);
  // The old holder records one job, then stalls past its lease.
  await recorder.record(oldJobs[0]!, { outcome: 'ok', message: 'first', startedAtMs: now, durationMs: 1 });
  const taken = await eventually(() => store.takeOver(seeded.scheduleId, now - 10_000, 'new', 5_000), (c) => c !== undefined, { what: 'takeover after the lease', intervalMs: 20 });
  expect(taken).toMatchObject({ fencingToken: 2, takenOver: true });
  // Not twice: the claim is held now.
  expect(await store.takeOver(seeded.scheduleId, now - 10_000, 'third', 5_000)).toBeUndefined();

  await expect(recorder.record(oldJobs[1]!, { outcome: 'ok', message: 'late', startedAtMs: now, durationMs: 1 })).rejects.toBeInstanceOf(StaleClaimError);
  const recorded = await store.recordedJobs(seeded.scheduleId, now - 10_000);
  expect([...recorded]).toEqual([`${oldJobs[0]!.checkId}:${oldJobs[0]!.host.id}`]);
  const stored = await rows('SELECT host_id, message, fencing_token FROM check_results WHERE check_id = ?', [seeded.checkIds[0]]);
  expect(stored.map((r) => [Number(r.host_id), r.message, Number(r.fencing_token)])).toEqual([[oldJobs[0]!.host.id, 'first', 1]]);

  const newJob = expandSlot(snapshot, now - 10_000, 2, standInParams).jobs[1]!;
  await recorder.record(newJob, { outcome: 'ok', message: 'by the new holder', startedAtMs: now, durationMs: 1 });
  expect(await store.finish({ scheduleId: seeded.scheduleId, slotMs: now - 10_000, fencingToken: 1 })).toBe(false);
  expect(await store.finish({ scheduleId: seeded.scheduleId, slotMs: now - 10_000, fencingToken: 2 })).toBe(true);
  await expect(recorder.record(newJob, { outcome: 'ok', message: 'after done', startedAtMs: now, durationMs: 1 })).rejects.toThrow(/already done/);
});

it('a slot reached beyond the maximum lateness is recorded as missed, not run; a kind without executor is an error result', async () => {
  const now = Date.now();
  const seeded = await seedSchedule(query, { code: 'MISSED', hosts: 1, checks: 1, kind: 'tcp', intervals: [{ startMs: now - 3_600_000, periodMs: 3_600_000 }], maxLatenessMs: 1_000 });
  const plugin = await seedSchedule(query, { code: 'NOEXEC', hosts: 1, checks: 1, kind: 'plugin', intervals: [{ startMs: now - 500, periodMs: 3_600_000 }], maxLatenessMs: 60_000 });
  // The tcp schedule's slot an hour ago and its newest slot (just now, but given zero lateness below) are due.
  await query('UPDATE schedule_intervals SET execute_next_ms = start_ms WHERE id IN (?)', [[seeded.intervalIds[0], plugin.intervalIds[0]]]);
  await query('UPDATE schedules SET max_lateness_ms = 0 WHERE id = ?', [seeded.scheduleId]);
  const executor = new StubExecutor(['tcp', 'http']);
  const s = scheduler(executor);
  await s.start();
  const results = await eventually(
    () => rows('SELECT check_id, slot_ms, outcome, message FROM check_results WHERE check_id IN (?) ORDER BY slot_ms', [[...seeded.checkIds, ...plugin.checkIds]]),
    (r) => r.length === 3,
    { what: 'missed and error results', timeoutMs: 30_000 },
  );
  await s.stop();
  expect(results.filter((r) => Number(r.check_id) === seeded.checkIds[0]).map((r) => r.outcome)).toEqual(['missed', 'missed']);
  expect(executor.calls.filter((job) => job.kind === 'tcp')).toEqual([]);
  const [error] = results.filter((r) => Number(r.check_id) === plugin.checkIds[0]);
  expect(error).toMatchObject({ outcome: 'error', message: 'no executor runs plugin checks in this process' });
});
