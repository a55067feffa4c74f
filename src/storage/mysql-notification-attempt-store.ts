import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { ValidationError } from '../domain/errors';
import type { IntegrationKind } from '../notify/receivers/receiver';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import type { AttemptStatus, NotificationAttempt, NotificationAttemptQuery, NotificationAttemptStore } from './notify-stores';

interface AttemptRow extends RowDataPacket {
  id: number | string;
  receiver: string;
  integration: IntegrationKind;
  integration_index: number;
  group_key: string;
  attempt: number;
  status: AttemptStatus;
  detail: string;
  firing: number;
  resolved: number;
  at_ms: number | string;
  duration_ms: number;
  experiment_ids: string | null;
}

function toAttempt(row: AttemptRow): NotificationAttempt {
  return {
    id: Number(row.id),
    receiver: row.receiver,
    integration: row.integration,
    integrationIndex: row.integration_index,
    groupKey: row.group_key,
    attempt: row.attempt,
    status: row.status,
    detail: row.detail,
    firing: row.firing,
    resolved: row.resolved,
    atMs: Number(row.at_ms),
    durationMs: row.duration_ms,
    experimentIds: row.experiment_ids === null || row.experiment_ids === '' ? [] : row.experiment_ids.split(',').map(Number),
  };
}

const clampUnsigned = (n: number, max: number) => Math.min(max, Math.max(0, Math.round(n)));

/**
 * MysqlNotificationAttemptStore keeps every delivery attempt (notification_attempts) with the experiments
 * of its alerts (notification_attempt_experiments), and lists them newest first by id (keyset pages).
 */
@injectable()
export class MysqlNotificationAttemptStore implements NotificationAttemptStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async record(attempt: Omit<NotificationAttempt, 'id'>): Promise<number> {
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      const detail = attempt.detail.length > 1000 ? `${attempt.detail.slice(0, 999)}…` : attempt.detail;
      const [result] = await executor.query<ResultSetHeader>(
        `INSERT INTO notification_attempts
           (receiver, integration, integration_index, group_key, attempt, status, detail, firing, resolved, at_ms, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          attempt.receiver,
          attempt.integration,
          attempt.integrationIndex,
          attempt.groupKey,
          attempt.attempt,
          attempt.status,
          detail,
          attempt.firing,
          attempt.resolved,
          Math.round(attempt.atMs),
          clampUnsigned(attempt.durationMs, 4_294_967_295),
        ],
      );
      const id = result.insertId;
      const experiments = [...new Set(attempt.experimentIds)];
      if (experiments.length > 0) {
        await executor.query('INSERT INTO notification_attempt_experiments (attempt_id, experiment_id) VALUES ?', [experiments.map((e) => [id, e])]);
      }
      return id;
    });
  }

  /** `fromMs` inclusive, `toMs` exclusive, on the attempt's start. */
  async list(query: NotificationAttemptQuery): Promise<NotificationAttempt[]> {
    if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
      throw new ValidationError(`limit must be a non-negative integer, got ${query.limit}`, { field: 'limit' });
    }
    if (query.scope.kind === 'experiments' && query.scope.experimentIds.length === 0) return [];
    const conditions: string[] = [];
    const values: unknown[] = [];
    const filters: Array<[string, unknown]> = [
      ['a.receiver = ?', query.receiver],
      ['a.status = ?', query.status],
      ['a.at_ms >= ?', query.fromMs],
      ['a.at_ms < ?', query.toMs],
      ['a.id < ?', query.beforeId],
    ];
    for (const [condition, value] of filters) {
      if (value === undefined) continue;
      conditions.push(condition);
      values.push(value);
    }
    if (query.scope.kind === 'experiments') {
      conditions.push('EXISTS (SELECT 1 FROM notification_attempt_experiments s WHERE s.attempt_id = a.id AND s.experiment_id IN (?))');
      values.push(query.scope.experimentIds);
    }
    const [rows] = await this.db.executor().query<AttemptRow[]>(
      `SELECT a.id, a.receiver, a.integration, a.integration_index, a.group_key, a.attempt, a.status, a.detail,
              a.firing, a.resolved, a.at_ms, a.duration_ms,
              (SELECT GROUP_CONCAT(e.experiment_id ORDER BY e.experiment_id) FROM notification_attempt_experiments e
                WHERE e.attempt_id = a.id) AS experiment_ids
         FROM notification_attempts a
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY a.id DESC
        LIMIT ?`,
      [...values, query.limit],
    );
    return rows.map(toAttempt);
  }
}
