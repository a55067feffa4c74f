import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { NewRejectedMessage, RefusedMeasure, RejectedMessage, RejectionReason } from '../domain/rejected-message';
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
  body_sha256: Buffer | null;
  partial: number;
  refused_measures: string | null;
}

const COLUMNS =
  'id, received_at, reason, detail, message_id, routing_key, content_type, body, body_truncated, body_sha256, partial, refused_measures';

const ER_DUP_ENTRY = 1062;

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
    bodySha256: row.body_sha256,
    partial: Boolean(row.partial),
    refusedMeasures: row.refused_measures === null ? null : (JSON.parse(row.refused_measures) as RefusedMeasure[]),
  };
}

/** The errno of a MySQL error, if it is one. */
function errno(error: unknown): number | undefined {
  const value = typeof error === 'object' && error !== null ? (error as { errno?: unknown }).errno : undefined;
  return typeof value === 'number' ? value : undefined;
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
      bodySha256: message.bodySha256,
      partial: message.partial,
      refusedMeasures: message.refusedMeasures,
    };
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>(
        'INSERT INTO rejected_messages (received_at, reason, detail, message_id, routing_key, content_type, body, body_truncated, body_sha256, partial, refused_measures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          stored.receivedAt,
          stored.reason,
          stored.detail,
          stored.messageId,
          stored.routingKey,
          stored.contentType,
          stored.body,
          stored.bodyTruncated,
          stored.bodySha256,
          stored.partial,
          stored.refusedMeasures === null ? null : JSON.stringify(stored.refusedMeasures),
        ],
      );
    return { id: result.insertId, ...stored };
  }

  async record(message: NewRejectedMessage): Promise<{ id: number; created: boolean }> {
    try {
      return { id: (await this.insert(message)).id, created: true };
    } catch (error) {
      // ux_rejected_messages_delivery: this delivery (message id and body digest) is already a rejection.
      // InnoDB undoes the statement only; the ambient transaction goes on.
      if (errno(error) !== ER_DUP_ENTRY || message.messageId === null || message.bodySha256 === null) throw error;
      // A locking read sees the row committed by another consumer after this transaction's snapshot.
      const [rows] = await this.db
        .executor()
        .query<RowDataPacket[]>(
          'SELECT id FROM rejected_messages WHERE message_id = ? AND body_sha256 = ? LOCK IN SHARE MODE',
          [fit(message.messageId, MAX_HEADER_CHARS), message.bodySha256],
        );
      if (!rows[0]) throw error;
      return { id: Number(rows[0].id), created: false };
    }
  }

  async findById(id: number): Promise<RejectedMessage | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RejectedMessageRow[]>(`SELECT ${COLUMNS} FROM rejected_messages WHERE id = ?`, [id]);
    return rows[0] && toRejectedMessage(rows[0]);
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
