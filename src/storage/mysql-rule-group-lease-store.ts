import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { GroupLease, LockedLease, RuleGroupLeaseStore } from './alerting-stores';
import type { MysqlDatabase } from './mysql-database';

/**
 * Leases of rule groups in rule_group_leases, judged on the database's clock (NOW(3)), so that processes
 * with different clocks agree on expiry. A take locks the row, so two processes never take one lease.
 */
@injectable()
export class MysqlRuleGroupLeaseStore implements RuleGroupLeaseStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async acquire(groupId: number, holder: string, durationMs: number): Promise<GroupLease | undefined> {
    const micros = Math.max(1, Math.round(durationMs)) * 1000;
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      // The locking read comes first: processes that meet on an existing row only queue on its X lock. An
      // INSERT IGNORE first would take a shared lock on the duplicate, and two of those deadlock.
      let row = await this.lockRow(groupId);
      if (!row) {
        // An expired placeholder, so that there is a row to lock.
        await executor.query(
          "INSERT IGNORE INTO rule_group_leases (group_id, holder, fencing_token, expires_at) VALUES (?, '', 0, '1970-01-02 00:00:00')",
          [groupId],
        );
        row = await this.lockRow(groupId);
      }
      if (!row) return undefined;
      const live = Number(row.live) === 1;
      if (live && row.holder !== holder) return undefined;
      // Renewing one's own live lease keeps the token; any other take fences off every earlier holder.
      const token = live ? Number(row.fencing_token) : Number(row.fencing_token) + 1;
      await executor.query(
        'UPDATE rule_group_leases SET holder = ?, fencing_token = ?, expires_at = NOW(3) + INTERVAL ? MICROSECOND WHERE group_id = ?',
        [holder, token, micros, groupId],
      );
      return { groupId, holder, fencingToken: token };
    });
  }

  private async lockRow(groupId: number): Promise<RowDataPacket | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      'SELECT holder, fencing_token, expires_at > NOW(3) AS live FROM rule_group_leases WHERE group_id = ? FOR UPDATE',
      [groupId],
    );
    return rows[0];
  }

  async releaseAll(holder: string): Promise<void> {
    await this.db.executor().query('UPDATE rule_group_leases SET expires_at = NOW(3) WHERE holder = ? AND expires_at > NOW(3)', [holder]);
  }

  async lockForCommit(groupId: number): Promise<LockedLease | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      'SELECT holder, fencing_token, last_eval_ms FROM rule_group_leases WHERE group_id = ? FOR UPDATE',
      [groupId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      holder: String(row.holder),
      fencingToken: Number(row.fencing_token),
      lastEvalMs: row.last_eval_ms === null ? undefined : Number(row.last_eval_ms),
    };
  }

  async recordEvaluation(groupId: number, evalMs: number, durationMs: number): Promise<void> {
    await this.db.executor().query('UPDATE rule_group_leases SET last_eval_ms = ?, last_duration_ms = ? WHERE group_id = ?', [evalMs, durationMs, groupId]);
  }

  async lastEvaluations(groupIds: readonly number[]): Promise<Map<number, { evalMs: number; durationMs: number }>> {
    const result = new Map<number, { evalMs: number; durationMs: number }>();
    if (groupIds.length === 0) return result;
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      'SELECT group_id, last_eval_ms, last_duration_ms FROM rule_group_leases WHERE group_id IN (?) AND last_eval_ms IS NOT NULL',
      [groupIds],
    );
    for (const row of rows) result.set(Number(row.group_id), { evalMs: Number(row.last_eval_ms), durationMs: Number(row.last_duration_ms ?? 0) });
    return result;
  }
}
