import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import type { Severity } from '../alerting/rules/rule';
import type { AlertStateName, TransitionTarget } from '../alerting/state/alert-state';
import { TYPES } from '../identifiers';
import type { OutboxTransition } from '../notify/provider/transition-alert';
import { labelsFromJson, valueFromText } from './alert-codec';
import type { MysqlDatabase } from './mysql-database';
import type { AlertOutboxStore } from './notify-input-stores';

/** alert_outbox and alert_transitions (migration 008), read by the notification stage's outbox reader. */
@injectable()
export class MysqlAlertOutboxStore implements AlertOutboxStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async claimPending(limit: number): Promise<OutboxTransition[]> {
    if (!this.db.inTransactionScope()) throw new Error('claimPending must run inside a transaction: its locks end with it');
    const executor = this.db.executor();
    // Locking the outbox rows only (MariaDB has no FOR UPDATE OF): the transitions are read without locks.
    const [claimed] = await executor.query<RowDataPacket[]>(
      'SELECT id, transition_id FROM alert_outbox WHERE consumed_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED',
      [Math.max(1, Math.floor(limit))],
    );
    if (claimed.length === 0) return [];
    const outboxIds = claimed.map((row) => Number(row.id));
    const [rows] = await executor.query<RowDataPacket[]>(
      `SELECT o.id AS outbox_id, t.id AS transition_id, t.rule_id, t.experiment_id, t.fingerprint, t.labels, t.from_state, t.to_state,
         t.severity, t.value, t.at_ms, r.annotations
       FROM alert_outbox o JOIN alert_transitions t ON t.id = o.transition_id LEFT JOIN rules r ON r.id = t.rule_id
       WHERE o.id IN (?) ORDER BY o.id`,
      [outboxIds],
    );
    // A consistent read taken after the claim: another consumer's claimed rows are still unconsumed in it.
    const fingerprints = [...new Set(rows.map((row) => String(row.fingerprint)))];
    const [held] = await executor.query<RowDataPacket[]>(
      `SELECT DISTINCT t.fingerprint FROM alert_outbox o JOIN alert_transitions t ON t.id = o.transition_id
       WHERE o.consumed_at IS NULL AND o.id < ? AND o.id NOT IN (?) AND t.fingerprint IN (?)`,
      [Math.max(...outboxIds), outboxIds, fingerprints],
    );
    const blocked = new Set(held.map((row) => String(row.fingerprint)));
    return rows
      .filter((row) => !blocked.has(String(row.fingerprint)))
      .map((row) => ({
        outboxId: Number(row.outbox_id),
        transitionId: Number(row.transition_id),
        ruleId: Number(row.rule_id),
        experimentId: Number(row.experiment_id),
        labels: labelsFromJson(String(row.labels)),
        from: row.from_state as AlertStateName,
        to: row.to_state as TransitionTarget,
        severity: row.severity as Severity,
        value: valueFromText(String(row.value)),
        atMs: Number(row.at_ms),
        ...(row.annotations === null ? {} : { annotations: labelsFromJson(String(row.annotations)) }),
      }));
  }

  async markConsumed(outboxIds: readonly number[]): Promise<void> {
    if (outboxIds.length === 0) return;
    await this.db.executor().query('UPDATE alert_outbox SET consumed_at = UTC_TIMESTAMP(3) WHERE id IN (?)', [outboxIds]);
  }

  async pendingCount(): Promise<number> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM alert_outbox WHERE consumed_at IS NULL');
    return Number(rows[0]?.n ?? 0);
  }
}
