import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { NotifyAlert } from '../notify/alert';
import { integrationKey, type GroupSchedule, type IntegrationRef, type NflogEntry } from '../notify/dispatch/aggregation-group';
import { labelsFromJson, labelsToJson } from './alert-codec';
import type { ClaimedGroup, DispatchCursor, GroupIdentity, NotificationLogStore, NotifyGroupStore, StoredGroup } from './dispatch-stores';
import type { MysqlDatabase } from './mysql-database';

const sha256 = (...parts: string[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest();
};

const groupHash = (identity: GroupIdentity): Buffer => sha256(identity.routeId, identity.groupKey);
export const identityKey = (identity: GroupIdentity): string => `${identity.routeId}\n${identity.groupKey}`;

/** A NotifyAlert as the group's copy stores it: label sets as sorted [name, value] pairs. */
export function alertToJson(alert: NotifyAlert): string {
  return JSON.stringify({ ...alert, labels: [...alert.labels], annotations: [...alert.annotations] });
}

export function alertFromJson(text: string): NotifyAlert {
  const raw = JSON.parse(text) as Omit<NotifyAlert, 'labels' | 'annotations'> & { labels: unknown; annotations: unknown };
  return {
    ...raw,
    labels: labelsFromJson(JSON.stringify(raw.labels)),
    annotations: labelsFromJson(JSON.stringify(raw.annotations)),
  };
}

const GROUP_COLUMNS = 'id, route_id, group_key, receiver, labels, config_version, created_at_ms, next_flush_at_ms, has_flushed';

function groupOf(row: RowDataPacket): StoredGroup {
  return {
    id: Number(row.id),
    routeId: String(row.route_id),
    groupKey: String(row.group_key),
    receiver: String(row.receiver),
    labels: labelsFromJson(String(row.labels)),
    configVersion: Number(row.config_version),
    createdAtMs: Number(row.created_at_ms),
    nextFlushAtMs: Number(row.next_flush_at_ms),
    hasFlushed: Number(row.has_flushed) === 1,
  };
}

/**
 * Aggregation groups and the ingest cursor in MySQL. Leases are judged on the database's clock, as the rule
 * group leases: processes with different clocks agree on who holds a group. Claims skip rows another
 * process has locked (FOR UPDATE SKIP LOCKED), so processes claiming at once never wait on each other.
 */
@injectable()
export class MysqlNotifyGroupStore implements NotifyGroupStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async lockCursor(): Promise<DispatchCursor | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT alert_seq, config_version FROM notify_dispatch_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED');
    const row = rows[0];
    return row ? { alertSeq: Number(row.alert_seq), configVersion: Number(row.config_version) } : undefined;
  }

  async saveCursor(cursor: DispatchCursor): Promise<void> {
    await this.db
      .executor()
      .query('UPDATE notify_dispatch_cursor SET alert_seq = ?, config_version = ? WHERE id = 1', [cursor.alertSeq, cursor.configVersion]);
  }

  async lockGroups(identities: readonly GroupIdentity[]): Promise<Map<string, StoredGroup>> {
    const result = new Map<string, StoredGroup>();
    if (identities.length === 0) return result;
    const hashes = [...new Map(identities.map((i) => [identityKey(i), groupHash(i)])).values()];
    // In hash order, as every ingest takes them: two ingests never lock the same groups in opposite orders.
    hashes.sort(Buffer.compare);
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT ${GROUP_COLUMNS} FROM notify_groups WHERE group_hash IN (?) ORDER BY group_hash FOR UPDATE`, [hashes]);
    for (const row of rows) {
      const group = groupOf(row);
      result.set(identityKey(group), group);
    }
    return result;
  }

  async insertGroup(group: Omit<StoredGroup, 'id'>): Promise<number> {
    const [result] = await this.db.executor().query<ResultSetHeader>(
      `INSERT INTO notify_groups (group_hash, route_id, group_key, receiver, labels, config_version, created_at_ms, next_flush_at_ms,
         has_flushed, lease_holder, lease_expires_at, fencing_token)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '1970-01-02 00:00:00', 0)`,
      [
        groupHash(group),
        group.routeId,
        group.groupKey,
        group.receiver,
        labelsToJson(group.labels),
        group.configVersion,
        group.createdAtMs,
        group.nextFlushAtMs,
        group.hasFlushed ? 1 : 0,
      ],
    );
    return result.insertId;
  }

  async setSchedule(groupId: number, schedule: GroupSchedule): Promise<void> {
    await this.db
      .executor()
      .query('UPDATE notify_groups SET next_flush_at_ms = ?, has_flushed = ? WHERE id = ?', [schedule.nextFlushAtMs, schedule.hasFlushed ? 1 : 0, groupId]);
  }

  async putGroupAlerts(rows: ReadonlyArray<{ readonly groupId: number; readonly alert: NotifyAlert }>): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await this.db.executor().query(
        `INSERT INTO notify_group_alerts (group_id, fingerprint, alert, updated_at_ms) VALUES ?
         ON DUPLICATE KEY UPDATE alert = VALUES(alert), updated_at_ms = VALUES(updated_at_ms)`,
        [chunk.map((row) => [row.groupId, row.alert.fingerprint, alertToJson(row.alert), row.alert.updatedAtMs])],
      );
    }
  }

  async groupAlerts(groupId: number): Promise<NotifyAlert[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT alert FROM notify_group_alerts WHERE group_id = ?', [groupId]);
    return rows.map((row) => alertFromJson(String(row.alert)));
  }

  async deleteAllGroups(): Promise<void> {
    await this.db.executor().query('DELETE FROM notify_groups');
  }

  async deleteEmptyGroups(): Promise<number> {
    const [result] = await this.db.executor().query<ResultSetHeader>(
      `DELETE FROM notify_groups WHERE lease_expires_at <= NOW(3)
         AND NOT EXISTS (SELECT 1 FROM notify_group_alerts a WHERE a.group_id = notify_groups.id)`,
    );
    return result.affectedRows;
  }

  async claimDue(holder: string, configVersion: number, nowMs: number, leaseMs: number, limit: number): Promise<ClaimedGroup[]> {
    const micros = Math.max(1, Math.round(leaseMs)) * 1000;
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      const [rows] = await executor.query<RowDataPacket[]>(
        `SELECT ${GROUP_COLUMNS}, fencing_token FROM notify_groups
         WHERE config_version = ? AND next_flush_at_ms <= ? AND lease_expires_at <= NOW(3)
         ORDER BY next_flush_at_ms LIMIT ? FOR UPDATE SKIP LOCKED`,
        [configVersion, nowMs, limit],
      );
      if (rows.length === 0) return [];
      const ids = rows.map((row) => Number(row.id));
      await executor.query(
        `UPDATE notify_groups SET lease_holder = ?, fencing_token = fencing_token + 1, lease_expires_at = NOW(3) + INTERVAL ? MICROSECOND
         WHERE id IN (?)`,
        [holder, micros, ids],
      );
      return rows.map((row) => ({ ...groupOf(row), holder, fencingToken: Number(row.fencing_token) + 1 }));
    });
  }

  async nextDueMs(configVersion: number): Promise<number | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT MIN(next_flush_at_ms) AS due FROM notify_groups WHERE config_version = ?', [configVersion]);
    const due = rows[0]?.due as number | string | null | undefined;
    return due === null || due === undefined ? undefined : Number(due);
  }

  async renewLease(groupId: number, holder: string, fencingToken: number, leaseMs: number): Promise<boolean> {
    const [result] = await this.db.executor().query<ResultSetHeader>(
      `UPDATE notify_groups SET lease_expires_at = NOW(3) + INTERVAL ? MICROSECOND
       WHERE id = ? AND lease_holder = ? AND fencing_token = ? AND lease_expires_at > NOW(3)`,
      [Math.max(1, Math.round(leaseMs)) * 1000, groupId, holder, fencingToken],
    );
    return result.affectedRows === 1;
  }

  async finishFlush(
    claimed: Pick<ClaimedGroup, 'id' | 'holder' | 'fencingToken'>,
    schedule: GroupSchedule,
    flushedAtMs: number,
    removeResolved: ReadonlyArray<Pick<NotifyAlert, 'fingerprint' | 'updatedAtMs'>>,
  ): Promise<boolean> {
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      const [rows] = await executor.query<RowDataPacket[]>('SELECT lease_holder, fencing_token FROM notify_groups WHERE id = ? FOR UPDATE', [claimed.id]);
      const row = rows[0];
      if (!row || String(row.lease_holder) !== claimed.holder || Number(row.fencing_token) !== claimed.fencingToken) return false;
      for (const alert of removeResolved) {
        await executor.query('DELETE FROM notify_group_alerts WHERE group_id = ? AND fingerprint = ? AND updated_at_ms = ?', [
          claimed.id,
          alert.fingerprint,
          alert.updatedAtMs,
        ]);
      }
      await executor.query(
        `UPDATE notify_groups SET next_flush_at_ms = ?, has_flushed = ?, last_flush_at_ms = ?, lease_expires_at = LEAST(lease_expires_at, NOW(3))
         WHERE id = ?`,
        [schedule.nextFlushAtMs, schedule.hasFlushed ? 1 : 0, flushedAtMs, claimed.id],
      );
      return true;
    });
  }

  async release(claimed: Pick<ClaimedGroup, 'id' | 'holder' | 'fencingToken'>): Promise<boolean> {
    const [result] = await this.db.executor().query<ResultSetHeader>(
      'UPDATE notify_groups SET lease_expires_at = NOW(3) WHERE id = ? AND lease_holder = ? AND fencing_token = ? AND lease_expires_at > NOW(3)',
      [claimed.id, claimed.holder, claimed.fencingToken],
    );
    return result.affectedRows === 1;
  }

  async releaseAll(holder: string): Promise<void> {
    await this.db.executor().query('UPDATE notify_groups SET lease_expires_at = NOW(3) WHERE lease_holder = ? AND lease_expires_at > NOW(3)', [holder]);
  }
}

const fingerprints = (text: string): Set<string> => {
  const items = JSON.parse(text) as unknown;
  return new Set(Array.isArray(items) ? items.filter((item): item is string => typeof item === 'string') : []);
};

/** Alertmanager's nflog in MySQL: one row per (group key, receiver, integration), only ever replaced by a newer one. */
@injectable()
export class MysqlNotificationLogStore implements NotificationLogStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async entries(groupKey: string, receiver: string): Promise<Map<string, NflogEntry>> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT integration, integration_index, firing, resolved, sent_at_ms, expires_at_ms FROM notification_log
       WHERE group_key_hash = ? AND receiver = ?`,
      [sha256(groupKey), receiver],
    );
    const result = new Map<string, NflogEntry>();
    for (const row of rows) {
      result.set(integrationKey({ kind: row.integration as IntegrationRef['kind'], index: Number(row.integration_index) }), {
        firing: fingerprints(String(row.firing)),
        resolved: fingerprints(String(row.resolved)),
        sentAtMs: Number(row.sent_at_ms),
        expiresAtMs: Number(row.expires_at_ms),
      });
    }
    return result;
  }

  async log(groupKey: string, receiver: string, integration: IntegrationRef, entry: NflogEntry, fencingToken: number): Promise<void> {
    const firing = JSON.stringify([...entry.firing].sort());
    const resolved = JSON.stringify([...entry.resolved].sort());
    // A row is only replaced by a later send (nflog.Log keeps the newer entry).
    await this.db.executor().query(
      `INSERT INTO notification_log (group_key_hash, receiver, integration, integration_index, group_key, firing, resolved, sent_at_ms, expires_at_ms, fencing_token)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         firing = IF(VALUES(sent_at_ms) >= sent_at_ms, VALUES(firing), firing),
         resolved = IF(VALUES(sent_at_ms) >= sent_at_ms, VALUES(resolved), resolved),
         expires_at_ms = IF(VALUES(sent_at_ms) >= sent_at_ms, VALUES(expires_at_ms), expires_at_ms),
         fencing_token = IF(VALUES(sent_at_ms) >= sent_at_ms, VALUES(fencing_token), fencing_token),
         sent_at_ms = GREATEST(sent_at_ms, VALUES(sent_at_ms))`,
      [sha256(groupKey), receiver, integration.kind, integration.index, groupKey, firing, resolved, entry.sentAtMs, entry.expiresAtMs, fencingToken],
    );
  }

  async deleteExpired(nowMs: number): Promise<number> {
    const [result] = await this.db.executor().query<ResultSetHeader>('DELETE FROM notification_log WHERE expires_at_ms <= ?', [nowMs]);
    return result.affectedRows;
  }
}
