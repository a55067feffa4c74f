import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { CHECK_KINDS, type CheckKind, type Host } from '../checks/model';
import { StaleClaimError, type CheckJob, type SlotFence } from '../checks/ports';
import type { DueSlots } from '../checks/schedule/due-slots';
import type { SlotCheck, SlotSnapshot } from '../checks/schedule/expand-slot';
import { StorageUnavailableError } from '../domain/errors';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import type { ClaimedSlots, ScheduleIntervalRow, ScheduleStore, SlotClaim } from './schedule-stores';

/** The database's clock in epoch milliseconds: leases, due-ness and lateness are judged on it. */
const NOW_MS = 'ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000)';

const micros = (ms: number) => Math.max(1, Math.round(ms)) * 1000;

function intervalRow(row: RowDataPacket): ScheduleIntervalRow {
  return {
    intervalId: Number(row.id),
    scheduleId: Number(row.schedule_id),
    startMs: Number(row.start_ms),
    periodMs: Number(row.period_ms),
    ...(row.execute_next_ms === null ? {} : { executeNextMs: Number(row.execute_next_ms) }),
    maxLatenessMs: Number(row.max_lateness_ms),
  };
}

const INTERVAL_COLUMNS = 'si.id, si.schedule_id, si.start_ms, si.period_ms, si.execute_next_ms, s.max_lateness_ms';

/**
 * The scheduler's claims in MySQL (schedule_slot_claims, schedule_slot_jobs: migration 016) and the
 * execute_next of intervals (015). Also the SlotFence the result recorder calls inside its transaction.
 */
@injectable()
export class MysqlScheduleStore implements ScheduleStore, SlotFence {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  private async rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(sql, params);
    return rows;
  }

  private async write(sql: string, params: unknown[] = []): Promise<ResultSetHeader> {
    const [result] = await this.db.executor().query<ResultSetHeader>(sql, params);
    return result;
  }

  async nowMs(): Promise<number> {
    const [now] = await this.rows(`SELECT ${NOW_MS} AS now_ms`);
    return Number(now?.now_ms);
  }

  async dueIntervals(limit: number, lookaheadMs: number): Promise<{ nowMs: number; intervals: readonly ScheduleIntervalRow[] }> {
    const nowMs = await this.nowMs();
    const rows = await this.rows(
      `SELECT ${INTERVAL_COLUMNS} FROM schedule_intervals si JOIN schedules s ON s.id = si.schedule_id
       WHERE si.execute_next_ms IS NULL OR si.execute_next_ms <= ? ORDER BY si.execute_next_ms LIMIT ?`,
      [nowMs + lookaheadMs, limit],
    );
    return { nowMs, intervals: rows.map(intervalRow) };
  }

  async claimDue(intervalId: number, holder: string, leaseMs: number, decide: (row: ScheduleIntervalRow, nowMs: number) => DueSlots): Promise<ClaimedSlots> {
    return retryingDeadlocks(() => this.claimDueOnce(intervalId, holder, leaseMs, decide));
  }

  private async claimDueOnce(intervalId: number, holder: string, leaseMs: number, decide: (row: ScheduleIntervalRow, nowMs: number) => DueSlots): Promise<ClaimedSlots> {
    return this.db.inTransaction(async () => {
      const [row] = await this.rows(
        `SELECT ${INTERVAL_COLUMNS}, ${NOW_MS} AS now_ms FROM schedule_intervals si JOIN schedules s ON s.id = si.schedule_id WHERE si.id = ? FOR UPDATE`,
        [intervalId],
      );
      if (!row) return { claims: [] };
      const interval = intervalRow(row);
      const due = decide(interval, Number(row.now_ms));
      if (due.executeNextMs === interval.executeNextMs && due.slots.length === 0) return { claims: [] };
      const claims: SlotClaim[] = [];
      for (const slot of due.slots) {
        // Another interval of the schedule may have claimed the same instant: a slot is the schedule's, once.
        const inserted = await this.write(
          `INSERT IGNORE INTO schedule_slot_claims (schedule_id, slot_ms, mode, holder, fencing_token, expires_at, claimed_at)
           VALUES (?, ?, ?, ?, 1, NOW(3) + INTERVAL ? MICROSECOND, NOW(3))`,
          [interval.scheduleId, slot.slotMs, slot.mode, holder, micros(leaseMs)],
        );
        if (inserted.affectedRows === 1) claims.push({ scheduleId: interval.scheduleId, slotMs: slot.slotMs, mode: slot.mode, fencingToken: 1, takenOver: false });
      }
      await this.write('UPDATE schedule_intervals SET execute_next_ms = ? WHERE id = ?', [due.executeNextMs, intervalId]);
      return { claims, due };
    });
  }

  async expiredClaims(limit: number): Promise<ReadonlyArray<{ scheduleId: number; slotMs: number }>> {
    const rows = await this.rows(
      'SELECT schedule_id, slot_ms FROM schedule_slot_claims WHERE done_at IS NULL AND expires_at < NOW(3) ORDER BY expires_at LIMIT ?',
      [limit],
    );
    return rows.map((row) => ({ scheduleId: Number(row.schedule_id), slotMs: Number(row.slot_ms) }));
  }

  async takeOver(scheduleId: number, slotMs: number, holder: string, leaseMs: number): Promise<SlotClaim | undefined> {
    return this.db.inTransaction(async () => {
      const [row] = await this.rows(
        'SELECT mode, fencing_token, done_at IS NULL AND expires_at < NOW(3) AS free FROM schedule_slot_claims WHERE schedule_id = ? AND slot_ms = ? FOR UPDATE',
        [scheduleId, slotMs],
      );
      if (!row || Number(row.free) !== 1) return undefined;
      const token = Number(row.fencing_token) + 1;
      await this.write(
        `UPDATE schedule_slot_claims SET holder = ?, fencing_token = ?, expires_at = NOW(3) + INTERVAL ? MICROSECOND, taken_over_at = NOW(3)
         WHERE schedule_id = ? AND slot_ms = ?`,
        [holder, token, micros(leaseMs), scheduleId, slotMs],
      );
      return { scheduleId, slotMs, mode: row.mode === 'missed' ? 'missed' : 'run', fencingToken: token, takenOver: true };
    });
  }

  async renew(holder: string, claims: ReadonlyArray<Pick<SlotClaim, 'scheduleId' | 'slotMs'>>, leaseMs: number): Promise<number> {
    if (claims.length === 0) return 0;
    // READ COMMITTED: an update over the open-claims index under REPEATABLE READ would also lock its gaps,
    // and every claim of a new slot (an insert into that gap) would queue behind the renewal.
    const result = await this.db.inTransaction(
      () =>
        this.write(
          `UPDATE schedule_slot_claims SET expires_at = NOW(3) + INTERVAL ? MICROSECOND
           WHERE done_at IS NULL AND holder = ? AND (schedule_id, slot_ms) IN (?)`,
          [micros(leaseMs), holder, claims.map((c) => [c.scheduleId, c.slotMs])],
        ),
      { readCommitted: true },
    );
    return result.affectedRows;
  }

  async recordedJobs(scheduleId: number, slotMs: number): Promise<ReadonlySet<string>> {
    const rows = await this.rows('SELECT check_id, host_id FROM schedule_slot_jobs WHERE schedule_id = ? AND slot_ms = ?', [scheduleId, slotMs]);
    return new Set(rows.map((row) => `${Number(row.check_id)}:${Number(row.host_id)}`));
  }

  async finish(claim: Pick<SlotClaim, 'scheduleId' | 'slotMs' | 'fencingToken'>): Promise<boolean> {
    return retryingDeadlocks(() => this.finishOnce(claim));
  }

  private async finishOnce(claim: Pick<SlotClaim, 'scheduleId' | 'slotMs' | 'fencingToken'>): Promise<boolean> {
    return this.db.inTransaction(async () => {
      const done = await this.write(
        'UPDATE schedule_slot_claims SET done_at = NOW(3) WHERE schedule_id = ? AND slot_ms = ? AND fencing_token = ? AND done_at IS NULL',
        [claim.scheduleId, claim.slotMs, claim.fencingToken],
      );
      if (done.affectedRows !== 1) return false;
      await this.write('DELETE FROM schedule_slot_jobs WHERE schedule_id = ? AND slot_ms = ?', [claim.scheduleId, claim.slotMs]);
      return true;
    });
  }

  async release(claim: Pick<SlotClaim, 'scheduleId' | 'slotMs' | 'fencingToken'>, delayMs = 0): Promise<void> {
    await this.write(
      // Without a holder, so that the releasing process's renewals no longer extend it.
      "UPDATE schedule_slot_claims SET holder = '', expires_at = NOW(3) + INTERVAL ? MICROSECOND WHERE schedule_id = ? AND slot_ms = ? AND fencing_token = ? AND done_at IS NULL",
      [Math.max(0, Math.round(delayMs)) * 1000, claim.scheduleId, claim.slotMs, claim.fencingToken],
    );
  }

  /**
   * Inside the recorder's transaction: a shared lock on the claim row (a takeover, which updates it, waits
   * until the result is committed or rolled back; results of one slot do not wait for each other), the
   * token compared, and the job noted as recorded in the same transaction as its result (so a takeover
   * skips it). The recorder calls it for every record, also one that finds the result already stored.
   */
  async assertHeld(job: CheckJob): Promise<void> {
    const [row] = await this.rows('SELECT fencing_token, done_at FROM schedule_slot_claims WHERE schedule_id = ? AND slot_ms = ? LOCK IN SHARE MODE', [
      job.scheduleId,
      job.slotMs,
    ]);
    if (!row) throw new StaleClaimError(job, 'the slot has no claim');
    const token = Number(row.fencing_token);
    if (token !== job.fencingToken) throw new StaleClaimError(job, `the claim is now held under token ${token}`);
    if (row.done_at !== null) throw new StaleClaimError(job, 'the slot is already done');
    await this.write('INSERT IGNORE INTO schedule_slot_jobs (schedule_id, slot_ms, check_id, host_id, fencing_token) VALUES (?, ?, ?, ?, ?)', [
      job.scheduleId,
      job.slotMs,
      job.checkId,
      job.host.id,
      job.fencingToken,
    ]);
  }

  async snapshot(scheduleId: number): Promise<SlotSnapshot | undefined> {
    const [schedule] = await this.rows(
      'SELECT s.id, s.experiment_id, s.max_lateness_ms, e.code FROM schedules s JOIN experiments e ON e.id = s.experiment_id WHERE s.id = ?',
      [scheduleId],
    );
    if (!schedule) return undefined;
    const checkRows = await this.rows(
      `SELECT c.id, c.experiment_id, c.name, c.kind, c.params, c.plugin, c.timeout_ms, c.version
       FROM schedule_checks sc JOIN checks c ON c.id = sc.check_id WHERE sc.schedule_id = ? ORDER BY c.id`,
      [scheduleId],
    );
    const checkIds = checkRows.map((row) => Number(row.id));
    const assignments = checkIds.length === 0 ? [] : await this.rows(
      `SELECT check_id, host_id, NULL AS group_id FROM check_hosts WHERE check_id IN (?)
       UNION ALL SELECT check_id, NULL, group_id FROM check_host_groups WHERE check_id IN (?)`,
      [checkIds, checkIds],
    );
    const groupIds = [...new Set(assignments.filter((a) => a.group_id !== null).map((a) => Number(a.group_id)))];
    const members = groupIds.length === 0 ? [] : await this.rows('SELECT group_id, host_id FROM host_group_members WHERE group_id IN (?)', [groupIds]);
    const hostIds = [...new Set([...assignments.filter((a) => a.host_id !== null).map((a) => Number(a.host_id)), ...members.map((m) => Number(m.host_id))])];
    const hostRows = hostIds.length === 0 ? [] : await this.rows('SELECT id, experiment_id, name, address, agent, description FROM hosts WHERE id IN (?)', [hostIds]);

    const groups = new Map<number, number[]>(groupIds.map((id) => [id, []]));
    for (const m of members) groups.get(Number(m.group_id))?.push(Number(m.host_id));
    const hosts = new Map<number, Host>(
      hostRows.map((row) => [
        Number(row.id),
        {
          id: Number(row.id),
          experimentId: Number(row.experiment_id),
          name: String(row.name),
          address: String(row.address),
          ...(row.agent === null ? {} : { agent: String(row.agent) }),
          description: String(row.description),
        },
      ]),
    );
    const checks: SlotCheck[] = checkRows.flatMap((row) => {
      const kind = CHECK_KINDS.find((k) => k === row.kind);
      if (kind === undefined) return [];
      const id = Number(row.id);
      const mine = assignments.filter((a) => Number(a.check_id) === id);
      return [
        {
          id,
          experimentId: Number(row.experiment_id),
          name: String(row.name),
          kind: kind satisfies CheckKind,
          params: parseJson(String(row.params)),
          ...(row.plugin === null ? {} : { plugin: String(row.plugin) }),
          timeoutMs: Number(row.timeout_ms),
          version: Number(row.version),
          hostIds: mine.filter((a) => a.host_id !== null).map((a) => Number(a.host_id)),
          hostGroupIds: mine.filter((a) => a.group_id !== null).map((a) => Number(a.group_id)),
        },
      ];
    });
    return {
      scheduleId,
      experimentId: Number(schedule.experiment_id),
      experiment: String(schedule.code),
      maxLatenessMs: Number(schedule.max_lateness_ms),
      checks,
      hosts,
      groups,
    };
  }

  async purge(olderThanMs: number, limit: number): Promise<number> {
    const seconds = Math.max(0, Math.round(olderThanMs / 1000));
    // READ COMMITTED, as renew: no gap locks in the indexes that claims and progress rows are inserted into.
    return this.db.inTransaction(
      async () => {
        const claims = await this.write('DELETE FROM schedule_slot_claims WHERE done_at < NOW(3) - INTERVAL ? SECOND LIMIT ?', [seconds, limit]);
        // Progress of claims that vanished unfinished: older than the retention by slot time.
        const jobs = await this.write(`DELETE FROM schedule_slot_jobs WHERE slot_ms < ${NOW_MS} - ? LIMIT ?`, [seconds * 1000, limit]);
        return claims.affectedRows + jobs.affectedRows;
      },
      { readCommitted: true },
    );
  }
}

/** A transaction InnoDB chose as a deadlock's victim was rolled back whole: it is simply run again. */
async function retryingDeadlocks<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof StorageUnavailableError) || error.code !== 'ER_LOCK_DEADLOCK') throw error;
    }
  }
}

/** Stored parameters are JSON text; text that is not JSON reaches the parser as a string (which it refuses). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
