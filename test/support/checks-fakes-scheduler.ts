import type { RowDataPacket } from 'mysql2/promise';
import type { CheckKind, CheckParams } from '../../src/checks/model';
import type { ParsedParams } from '../../src/checks/params';
import { StaleClaimError, type CheckExecutor, type CheckJob, type CheckResultRecorder, type CheckRunResult, type RecordedResult, type SlotFence } from '../../src/checks/ports';
import type { DueSlots } from '../../src/checks/schedule/due-slots';
import type { SlotSnapshot } from '../../src/checks/schedule/expand-slot';
import type { MysqlDatabase } from '../../src/storage/mysql-database';
import type { ClaimedSlots, ScheduleIntervalRow, ScheduleStore, SlotClaim } from '../../src/storage/schedule-stores';

/**
 * Stand-ins for the parts the scheduler (P2) talks to, until they are merged: executors (P3, P4), the
 * result recorder (P5) and the parameter parser (P1).
 */

/** Parameters of every kind accepted as they are (the real parser is P1's). */
export function standInParams(kind: CheckKind, raw: unknown): ParsedParams {
  const url = typeof raw === 'object' && raw !== null && 'url' in raw && typeof raw.url === 'string' ? raw.url : 'http://127.0.0.1/';
  const byKind: Record<CheckKind, CheckParams> = {
    http: { kind: 'http', url, method: 'GET', headers: new Map(), expectStatus: [200], bodyRegex: false, verifyTls: true },
    tcp: { kind: 'tcp', port: 1 },
    dns: { kind: 'dns', recordType: 'A' },
    tls: { kind: 'tls', port: 443, minDaysLeft: 0 },
    probe: { kind: 'probe', steps: [] },
    plugin: { kind: 'plugin', args: [] },
    mesh: { kind: 'mesh', port: 1 },
  };
  return { ok: true, params: byKind[kind] };
}

/** An executor whose answer the test decides; it notes every job it was given. */
export class StubExecutor implements CheckExecutor {
  readonly calls: CheckJob[] = [];

  constructor(
    readonly kinds: readonly CheckKind[],
    private readonly answer: (job: CheckJob, signal: AbortSignal) => Promise<Omit<CheckRunResult, 'startedAtMs' | 'durationMs'>> = async () => ({ outcome: 'ok', value: 1, message: 'fine' }),
  ) {}

  async execute(job: CheckJob, signal: AbortSignal): Promise<CheckRunResult> {
    this.calls.push(job);
    const startedAtMs = Date.now();
    const answer = await this.answer(job, signal);
    return { ...answer, startedAtMs, durationMs: Date.now() - startedAtMs };
  }
}

/** Resolves after `ms`, or rejects when `signal` aborts (as a real check's I/O would). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    }, { once: true });
  });
}

/**
 * What P5's recorder does that matters to the scheduler: one check_results row per (check, host, slot)
 * (INSERT IGNORE on the unique key: a second record stores nothing and returns the first), written in a
 * transaction that asks the SlotFence, so a stale holder's result is rolled back. No classification
 * (severity: ok for ok, critical for failed/timeout, unknown otherwise) and no measures.
 */
export class TableRecorder implements CheckResultRecorder {
  recorded = 0;

  constructor(
    private readonly db: MysqlDatabase,
    private readonly fence: SlotFence,
  ) {}

  record(job: CheckJob, result: CheckRunResult): Promise<RecordedResult> {
    return this.write(job, result.outcome, result);
  }

  recordMissed(job: CheckJob): Promise<RecordedResult> {
    return this.write(job, 'missed');
  }

  private async write(job: CheckJob, outcome: RecordedResult['outcome'], result?: CheckRunResult): Promise<RecordedResult> {
    const severity = outcome === 'ok' ? 'ok' : outcome === 'failed' || outcome === 'timeout' ? 'critical' : 'unknown';
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      await executor.query(
        `INSERT IGNORE INTO check_results (check_id, host_id, experiment_id, slot_ms, started_at_ms, duration_ms, outcome, value, message, severity, fencing_token, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))`,
        [job.checkId, job.host.id, job.experimentId, job.slotMs, result?.startedAtMs ?? null, result?.durationMs ?? null, outcome, result?.value ?? null, (result?.message ?? 'missed').slice(0, 2000), severity, job.fencingToken],
      );
      await this.fence.assertHeld(job);
      const [rows] = await executor.query<RowDataPacket[]>('SELECT id, outcome, message, severity FROM check_results WHERE check_id = ? AND host_id = ? AND slot_ms = ?', [
        job.checkId,
        job.host.id,
        job.slotMs,
      ]);
      const row = rows[0]!;
      this.recorded++;
      return {
        id: Number(row.id),
        checkId: job.checkId,
        hostId: job.host.id,
        experimentId: job.experimentId,
        slotMs: job.slotMs,
        outcome: row.outcome as RecordedResult['outcome'],
        message: String(row.message),
        severity: row.severity as RecordedResult['severity'],
      };
    });
  }
}

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface SeededSchedule {
  experimentId: number;
  scheduleId: number;
  intervalIds: number[];
  checkIds: number[];
  hostIds: number[];
}

/**
 * Rows of migration 015 for one schedule: an experiment (created unless `experimentId`), `hosts` hosts, one
 * host group holding all of them, `checks` checks of `kind` each on the group, one interval per entry of
 * `intervals`.
 */
export async function seedSchedule(
  query: Query,
  options: { code: string; experimentId?: number; hosts: number; checks: number; kind?: CheckKind; params?: unknown; intervals: Array<{ startMs: number; periodMs: number }>; maxLatenessMs: number; timeoutMs?: number },
): Promise<SeededSchedule> {
  const insertId = async (sql: string, params: unknown[]) => Number(((await query(sql, params)) as [{ insertId: number }])[0].insertId);
  const experimentId =
    options.experimentId ?? (await insertId('INSERT INTO experiments (code, name, created_at, updated_at) VALUES (?, ?, NOW(3), NOW(3))', [options.code, options.code]));
  const suffix = `${options.code}-${Math.random().toString(36).slice(2, 8)}`;
  const hostIds: number[] = [];
  for (let i = 0; i < options.hosts; i++) {
    hostIds.push(await insertId('INSERT INTO hosts (experiment_id, name, address, created_at, updated_at) VALUES (?, ?, ?, NOW(3), NOW(3))', [experimentId, `host-${suffix}-${i}`, '127.0.0.1']));
  }
  const groupId = await insertId('INSERT INTO host_groups (experiment_id, name, created_at, updated_at) VALUES (?, ?, NOW(3), NOW(3))', [experimentId, `group-${suffix}`]);
  for (const hostId of hostIds) await query('INSERT INTO host_group_members (group_id, host_id) VALUES (?, ?)', [groupId, hostId]);
  const scheduleId = await insertId('INSERT INTO schedules (experiment_id, name, max_lateness_ms, created_at, updated_at) VALUES (?, ?, ?, NOW(3), NOW(3))', [
    experimentId,
    `schedule-${suffix}`,
    options.maxLatenessMs,
  ]);
  const intervalIds: number[] = [];
  for (const interval of options.intervals) {
    intervalIds.push(await insertId('INSERT INTO schedule_intervals (schedule_id, start_ms, period_ms) VALUES (?, ?, ?)', [scheduleId, interval.startMs, interval.periodMs]));
  }
  const checkIds: number[] = [];
  for (let i = 0; i < options.checks; i++) {
    const checkId = await insertId('INSERT INTO checks (experiment_id, name, kind, params, timeout_ms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NOW(3), NOW(3))', [
      experimentId,
      `check-${suffix}-${i}`,
      options.kind ?? 'http',
      JSON.stringify(options.params ?? {}),
      options.timeoutMs ?? 5_000,
    ]);
    checkIds.push(checkId);
    await query('INSERT INTO check_host_groups (check_id, group_id) VALUES (?, ?)', [checkId, groupId]);
    await query('INSERT INTO schedule_checks (schedule_id, check_id) VALUES (?, ?)', [scheduleId, checkId]);
  }
  return { experimentId, scheduleId, intervalIds, checkIds, hostIds };
}

/** The ScheduleStore contract in memory, for unit tests of the scheduler: one interval per schedule, a settable clock. */
export class InMemoryScheduleStore implements ScheduleStore {
  nowMs_ = 1_000_000;
  readonly intervals = new Map<number, ScheduleIntervalRow>();
  readonly snapshots = new Map<number, SlotSnapshot>();
  readonly claims = new Map<string, { claim: SlotClaim; holder: string; expiresMs: number; done: boolean }>();
  readonly progress = new Set<string>();
  released: string[] = [];

  static key(scheduleId: number, slotMs: number): string {
    return `${scheduleId}@${slotMs}`;
  }

  async nowMs(): Promise<number> {
    return this.nowMs_;
  }

  async dueIntervals(limit: number, lookaheadMs: number): Promise<{ nowMs: number; intervals: readonly ScheduleIntervalRow[] }> {
    const due = [...this.intervals.values()].filter((i) => i.executeNextMs === undefined || i.executeNextMs <= this.nowMs_ + lookaheadMs);
    return { nowMs: this.nowMs_, intervals: due.slice(0, limit) };
  }

  async claimDue(intervalId: number, holder: string, leaseMs: number, decide: (row: ScheduleIntervalRow, nowMs: number) => DueSlots): Promise<ClaimedSlots> {
    const row = this.intervals.get(intervalId);
    if (!row) return { claims: [] };
    const due = decide(row, this.nowMs_);
    const claims: SlotClaim[] = [];
    for (const slot of due.slots) {
      const k = InMemoryScheduleStore.key(row.scheduleId, slot.slotMs);
      if (this.claims.has(k)) continue;
      const claim: SlotClaim = { scheduleId: row.scheduleId, slotMs: slot.slotMs, mode: slot.mode, fencingToken: 1, takenOver: false };
      this.claims.set(k, { claim, holder, expiresMs: this.nowMs_ + leaseMs, done: false });
      claims.push(claim);
    }
    this.intervals.set(intervalId, { ...row, executeNextMs: due.executeNextMs });
    return { claims, due };
  }

  async expiredClaims(limit: number): Promise<ReadonlyArray<{ scheduleId: number; slotMs: number }>> {
    return [...this.claims.values()].filter((c) => !c.done && c.expiresMs < this.nowMs_).slice(0, limit).map((c) => ({ scheduleId: c.claim.scheduleId, slotMs: c.claim.slotMs }));
  }

  async takeOver(scheduleId: number, slotMs: number, holder: string, leaseMs: number): Promise<SlotClaim | undefined> {
    const held = this.claims.get(InMemoryScheduleStore.key(scheduleId, slotMs));
    if (!held || held.done || held.expiresMs >= this.nowMs_) return undefined;
    const claim: SlotClaim = { ...held.claim, fencingToken: held.claim.fencingToken + 1, takenOver: true };
    this.claims.set(InMemoryScheduleStore.key(scheduleId, slotMs), { claim, holder, expiresMs: this.nowMs_ + leaseMs, done: false });
    return claim;
  }

  async renew(holder: string, claims: ReadonlyArray<Pick<SlotClaim, 'scheduleId' | 'slotMs'>>, leaseMs: number): Promise<number> {
    let n = 0;
    for (const c of claims) {
      const held = this.claims.get(InMemoryScheduleStore.key(c.scheduleId, c.slotMs));
      if (held && !held.done && held.holder === holder) {
        held.expiresMs = this.nowMs_ + leaseMs;
        n++;
      }
    }
    return n;
  }

  async recordedJobs(scheduleId: number, slotMs: number): Promise<ReadonlySet<string>> {
    const prefix = `${InMemoryScheduleStore.key(scheduleId, slotMs)}/`;
    return new Set([...this.progress].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)));
  }

  async finish(claim: Pick<SlotClaim, 'scheduleId' | 'slotMs' | 'fencingToken'>): Promise<boolean> {
    const held = this.claims.get(InMemoryScheduleStore.key(claim.scheduleId, claim.slotMs));
    if (!held || held.done || held.claim.fencingToken !== claim.fencingToken) return false;
    held.done = true;
    return true;
  }

  async release(claim: Pick<SlotClaim, 'scheduleId' | 'slotMs' | 'fencingToken'>, delayMs = 0): Promise<void> {
    const held = this.claims.get(InMemoryScheduleStore.key(claim.scheduleId, claim.slotMs));
    if (!held || held.done || held.claim.fencingToken !== claim.fencingToken) return;
    held.holder = '';
    held.expiresMs = this.nowMs_ + delayMs;
    this.released.push(InMemoryScheduleStore.key(claim.scheduleId, claim.slotMs));
  }

  async snapshot(scheduleId: number): Promise<SlotSnapshot | undefined> {
    return this.snapshots.get(scheduleId);
  }

  async purge(): Promise<number> {
    return 0;
  }

  /** The fence over these claims: what the recorder stand-in calls. */
  readonly fence: SlotFence = {
    assertHeld: async (job: CheckJob) => {
      const held = this.claims.get(InMemoryScheduleStore.key(job.scheduleId, job.slotMs));
      if (!held || held.claim.fencingToken !== job.fencingToken || held.done) throw new StaleClaimError(job, 'stale');
      this.progress.add(`${InMemoryScheduleStore.key(job.scheduleId, job.slotMs)}/${job.checkId}:${job.host.id}`);
    },
  };
}

/** A recorder in memory over a fence: what was recorded, once per (check, host, slot); `fail` makes records throw. */
export class MemoryRecorder implements CheckResultRecorder {
  readonly results = new Map<string, RecordedResult>();
  fail?: Error;

  constructor(private readonly fence: SlotFence) {}

  record(job: CheckJob, result: CheckRunResult): Promise<RecordedResult> {
    return this.write(job, result.outcome, result.message);
  }

  recordMissed(job: CheckJob): Promise<RecordedResult> {
    return this.write(job, 'missed', 'missed');
  }

  private async write(job: CheckJob, outcome: RecordedResult['outcome'], message: string): Promise<RecordedResult> {
    if (this.fail) throw this.fail;
    await this.fence.assertHeld(job);
    const k = `${job.checkId}/${job.host.id}/${job.slotMs}`;
    const existing = this.results.get(k);
    if (existing) return existing;
    const recorded: RecordedResult = { id: this.results.size + 1, checkId: job.checkId, hostId: job.host.id, experimentId: job.experimentId, slotMs: job.slotMs, outcome, message, severity: 'ok' };
    this.results.set(k, recorded);
    return recorded;
  }
}
