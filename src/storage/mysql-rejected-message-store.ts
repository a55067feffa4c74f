import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { NewRejectedMessage, RejectedMessage, RejectionReason } from '../domain/rejected-message';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import { keysetBounds } from './sql-window';
import type { RejectedMessageQuery, RejectedMessageStore } from './stores';

interface RejectedMessageRow extends RowDataPacket {
  id: number;
  received_at: Date;
  reason: RejectionReason;
  detail: string;
  message_id: string | null;
  routing_key: string | null;
  content_type: string | null;
  body: Buffer;
  body_truncated: number;
}

const COLUMNS =
  'id, received_at, reason, detail, message_id, routing_key, content_type, body, body_truncated';

/** TEXT holds 65,535 bytes, and a utf8mb4 character takes up to 4 of them. */
const MAX_DETAIL_CHARS = 16_000;
/** The VARCHAR(255) columns: AMQP short strings fit, but a REST replay could carry anything. */
const MAX_HEADER_CHARS = 255;

/**
 * A rejected message must always be recordable: "nothing that arrives is silently dropped" would fail if
 * an over-long explanation made the insert fail, so text is cut to fit rather than refused.
 */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  // A cut between the two halves of a surrogate pair would leave a lone half, which utf8mb4 refuses.
  const cut = text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}

function fitOrNull(text: string | null, max: number): string | null {
  return text === null ? null : fit(text, max);
}

function toRejectedMessage(row: RejectedMessageRow): RejectedMessage {
  return {
    id: Number(row.id),
    receivedAt: row.received_at,
    reason: row.reason,
    detail: row.detail,
    messageId: row.message_id,
    routingKey: row.routing_key,
    contentType: row.content_type,
    body: row.body,
    bodyTruncated: Boolean(row.body_truncated),
  };
}

/** MysqlRejectedMessageStore keeps what the broker delivered and could not be stored, with the reason. */
@injectable()
export class MysqlRejectedMessageStore implements RejectedMessageStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async insert(message: NewRejectedMessage): Promise<RejectedMessage> {
    // DATETIME(3) keeps milliseconds, so this Date is exactly what a later read returns.
    const receivedAt = new Date();
    const stored: Omit<RejectedMessage, 'id'> = {
      receivedAt,
      reason: message.reason,
      detail: fit(message.detail, MAX_DETAIL_CHARS),
      messageId: fitOrNull(message.messageId, MAX_HEADER_CHARS),
      routingKey: fitOrNull(message.routingKey, MAX_HEADER_CHARS),
      contentType: fitOrNull(message.contentType, MAX_HEADER_CHARS),
      body: message.body,
      bodyTruncated: message.bodyTruncated,
    };
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>(
        'INSERT INTO rejected_messages (received_at, reason, detail, message_id, routing_key, content_type, body, body_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          stored.receivedAt,
          stored.reason,
          stored.detail,
          stored.messageId,
          stored.routingKey,
          stored.contentType,
          stored.body,
          stored.bodyTruncated,
        ],
      );
    return { id: result.insertId, ...stored };
  }

  async findById(id: number): Promise<RejectedMessage | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RejectedMessageRow[]>(`SELECT ${COLUMNS} FROM rejected_messages WHERE id = ?`, [id]);
    return rows[0] && toRejectedMessage(rows[0]);
  }

  async findSame(messageId: string, body: Buffer): Promise<number | undefined> {
    // message_id is indexed (migration 002); the body comparison rules out a publisher that reuses ids.
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT id FROM rejected_messages WHERE message_id = ? AND body = ? ORDER BY id LIMIT 1', [
        fit(messageId, MAX_HEADER_CHARS),
        body,
      ]);
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  async findForUpdate(id: number): Promise<RejectedMessage | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RejectedMessageRow[]>(`SELECT ${COLUMNS} FROM rejected_messages WHERE id = ? FOR UPDATE`, [id]);
    return rows[0] && toRejectedMessage(rows[0]);
  }

  async list(query: RejectedMessageQuery): Promise<RejectedMessage[]> {
    const { afterId, limit } = keysetBounds(query);
    const conditions = ['id > ?'];
    const values: unknown[] = [afterId];
    if (query.reason !== undefined) {
      conditions.push('reason = ?');
      values.push(query.reason);
    }
    if (query.from !== undefined) {
      conditions.push('received_at >= ?');
      values.push(query.from);
    }
    if (query.to !== undefined) {
      conditions.push('received_at < ?');
      values.push(query.to);
    }
    const [rows] = await this.db
      .executor()
      .query<RejectedMessageRow[]>(
        `SELECT ${COLUMNS} FROM rejected_messages WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`,
        [...values, limit],
      );
    return rows.map(toRejectedMessage);
  }

  async delete(id: number): Promise<boolean> {
    const [result] = await this.db.executor().query<ResultSetHeader>('DELETE FROM rejected_messages WHERE id = ?', [id]);
    return result.affectedRows > 0;
  }
}
