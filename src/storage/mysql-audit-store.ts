import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { AuditEvent, AuditOutcome, StoredAuditEvent } from '../domain/audit-event';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import { keysetBounds } from './sql-window';
import type { AuditQuery, AuditStore } from './stores';

interface AuditRow extends RowDataPacket {
  id: number;
  at: Date;
  actor: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: AuditOutcome;
  request_id: string | null;
  detail: string | null;
}

function toAuditEvent(row: AuditRow): StoredAuditEvent {
  const event: StoredAuditEvent = {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    requestId: row.request_id,
  };
  if (row.detail !== null) event.detail = JSON.parse(row.detail) as StoredAuditEvent['detail'];
  return event;
}

/**
 * MysqlAuditStore appends audit events and lists them by id. Writes go through the ambient transaction, so
 * an event is committed with the change it describes, or not at all.
 */
@injectable()
export class MysqlAuditStore implements AuditStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async insert(event: AuditEvent): Promise<void> {
    await this.db
      .executor()
      .query<ResultSetHeader>(
        'INSERT INTO audit_events (`at`, actor, action, resource_type, resource_id, outcome, request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          new Date(),
          event.actor,
          event.action,
          event.resourceType,
          event.resourceId,
          event.outcome,
          event.requestId,
          event.detail === undefined ? null : JSON.stringify(event.detail),
        ],
      );
  }

  /** `from` is inclusive and `to` exclusive, like every time window of the API. */
  async list(query: AuditQuery): Promise<StoredAuditEvent[]> {
    const { afterId, limit } = keysetBounds(query);
    const conditions = ['id > ?'];
    const values: unknown[] = [afterId];
    const filters: Array<[string, unknown]> = [
      ['actor = ?', query.actor],
      ['action = ?', query.action],
      ['resource_type = ?', query.resourceType],
      ['outcome = ?', query.outcome],
      ['`at` >= ?', query.from],
      ['`at` < ?', query.to],
    ];
    for (const [condition, value] of filters) {
      if (value === undefined) continue;
      conditions.push(condition);
      values.push(value);
    }
    const [rows] = await this.db.executor().query<AuditRow[]>(
      `SELECT id, \`at\`, actor, action, resource_type, resource_id, outcome, request_id, detail
         FROM audit_events
        WHERE ${conditions.join(' AND ')}
        ORDER BY id
        LIMIT ?`,
      [...values, limit],
    );
    return rows.map(toAuditEvent);
  }
}
