import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { NotFoundError } from '../domain/errors';
import { TYPES } from '../identifiers';
import type { Matcher, MatchType } from '../notify/matchers';
import { expired, planSet } from '../notify/silence/set';
import type { Silence } from '../notify/silence/silence';
import type { MysqlDatabase } from './mysql-database';
import type { ExperimentScope, MaintainedSilence, SilenceMaintenanceStore, SilenceStore } from './notify-stores';

const COLUMNS = 'id, matchers, starts_at_ms, ends_at_ms, updated_at_ms, created_by, comment, until_resolved, muted_at_ms, experiment_id';
const TYPES_OF_MATCHERS: ReadonlySet<string> = new Set(['=', '!=', '=~', '!~']);

function matchersToJson(matchers: readonly Matcher[]): string {
  return JSON.stringify(matchers.map((m) => [m.name, m.type, m.value]));
}

function matchersFromJson(text: string): Matcher[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('silences.matchers is not a JSON array');
  return parsed.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length !== 3 || !TYPES_OF_MATCHERS.has(String(entry[1]))) throw new Error('silences.matchers holds a malformed matcher');
    return { name: String(entry[0]), type: String(entry[1]) as MatchType, value: String(entry[2]) };
  });
}

function rowToSilence(row: RowDataPacket): MaintainedSilence {
  return {
    id: String(row.id),
    matchers: matchersFromJson(String(row.matchers)),
    startsAtMs: Number(row.starts_at_ms),
    endsAtMs: Number(row.ends_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    createdBy: String(row.created_by),
    comment: String(row.comment),
    untilResolved: Number(row.until_resolved) === 1,
    ...(row.muted_at_ms === null ? {} : { mutedAtMs: Number(row.muted_at_ms) }),
    ...(row.experiment_id === null ? {} : { experimentId: Number(row.experiment_id) }),
  };
}

/**
 * Silences in MySQL (table `silences`, migration 010). A change runs in a transaction that locks the
 * silence_changes row first: writers are ordered, and each change takes the next version. What a
 * posted silence does (update in place, or replace: a new id and the old one expired) is Alertmanager's
 * Silences.Set, decided by planSet on the row read under lock.
 */
@injectable()
export class MysqlSilenceStore implements SilenceStore, SilenceMaintenanceStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  /** Locks silence_changes and takes the next version (inside the caller's transaction). */
  private async nextVersion(): Promise<number> {
    const [header] = await this.db.executor().query<ResultSetHeader>('UPDATE silence_changes SET version = LAST_INSERT_ID(version + 1) WHERE id = 1');
    return Number(header.insertId);
  }

  private async lockSilence(id: string): Promise<MaintainedSilence | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM silences WHERE id = ? FOR UPDATE`, [id]);
    return rows[0] === undefined ? undefined : rowToSilence(rows[0]);
  }

  private async writeTimes(silence: Silence, version: number): Promise<void> {
    await this.db
      .executor()
      .query('UPDATE silences SET starts_at_ms = ?, ends_at_ms = ?, updated_at_ms = ?, version = ? WHERE id = ?', [
        silence.startsAtMs,
        silence.endsAtMs,
        silence.updatedAtMs,
        version,
        silence.id,
      ]);
  }

  async save(
    silence: Omit<Silence, 'id' | 'updatedAtMs'> & { readonly id?: string },
    experimentId: number | undefined,
    nowMs: number,
  ): Promise<string> {
    return this.db.inTransaction(async () => {
      const version = await this.nextVersion();
      const prev = silence.id === undefined ? undefined : await this.lockSilence(silence.id);
      if (silence.id !== undefined && prev === undefined) throw new NotFoundError('silence not found');
      const plan = planSet(prev, silence, nowMs);
      const executor = this.db.executor();
      if (plan.kind === 'update') {
        const s = plan.silence;
        await executor.query(
          'UPDATE silences SET starts_at_ms = ?, ends_at_ms = ?, updated_at_ms = ?, created_by = ?, comment = ?, until_resolved = ?, experiment_id = ?, version = ? WHERE id = ?',
          [s.startsAtMs, s.endsAtMs, s.updatedAtMs, s.createdBy, s.comment, s.untilResolved ? 1 : 0, experimentId ?? null, version, s.id],
        );
        return s.id;
      }
      if (plan.expirePrevious !== undefined && prev !== undefined) {
        const ended = expired(prev, nowMs);
        if (ended !== undefined) await this.writeTimes(ended, version);
      }
      const id = randomUUID();
      const s = plan.silence;
      await executor.query(
        `INSERT INTO silences (id, matchers, starts_at_ms, ends_at_ms, updated_at_ms, created_by, comment, until_resolved, muted_at_ms, experiment_id, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
        [id, matchersToJson(s.matchers), s.startsAtMs, s.endsAtMs, s.updatedAtMs, s.createdBy, s.comment, s.untilResolved ? 1 : 0, experimentId ?? null, version],
      );
      return id;
    });
  }

  async get(id: string): Promise<(Silence & { readonly experimentId?: number }) | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM silences WHERE id = ?`, [id]);
    return rows[0] === undefined ? undefined : rowToSilence(rows[0]);
  }

  async list(scope: ExperimentScope, expiredSinceMs: number): Promise<Array<Silence & { readonly experimentId?: number }>> {
    if (scope.kind === 'experiments' && scope.experimentIds.length === 0) return [];
    const where = ['ends_at_ms >= ?'];
    const values: unknown[] = [expiredSinceMs];
    if (scope.kind === 'experiments') {
      where.push('experiment_id IN (?)');
      values.push(scope.experimentIds);
    }
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM silences WHERE ${where.join(' AND ')} ORDER BY id`, values);
    return rows.map(rowToSilence);
  }

  async expire(id: string, nowMs: number): Promise<boolean> {
    return this.db.inTransaction(async () => {
      const version = await this.nextVersion();
      const prev = await this.lockSilence(id);
      const ended = prev === undefined ? undefined : expired(prev, nowMs);
      if (ended === undefined) return false;
      await this.writeTimes(ended, version);
      return true;
    });
  }

  async version(): Promise<number> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT version FROM silence_changes WHERE id = 1');
    return Number(rows[0]?.version ?? 0);
  }

  async activeUntilResolved(nowMs: number): Promise<MaintainedSilence[]> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM silences WHERE until_resolved = 1 AND ends_at_ms > ? AND starts_at_ms <= ? ORDER BY id`, [nowMs, nowMs]);
    return rows.map(rowToSilence);
  }

  async markMuted(id: string, atMs: number): Promise<void> {
    await this.db.executor().query('UPDATE silences SET muted_at_ms = GREATEST(COALESCE(muted_at_ms, 0), ?) WHERE id = ?', [atMs, id]);
  }

  async endResolved(id: string, endsAtMs: number, updatedAtMs: number, nowMs: number): Promise<boolean> {
    return this.db.inTransaction(async () => {
      const version = await this.nextVersion();
      const [header] = await this.db
        .executor()
        .query<ResultSetHeader>(
          'UPDATE silences SET ends_at_ms = ?, updated_at_ms = ?, version = ? WHERE id = ? AND updated_at_ms = ? AND until_resolved = 1 AND ends_at_ms > ?',
          [endsAtMs, nowMs, version, id, updatedAtMs, nowMs],
        );
      return header.affectedRows === 1;
    });
  }

  async deleteEndedBefore(ms: number): Promise<number> {
    const [header] = await this.db.executor().query<ResultSetHeader>('DELETE FROM silences WHERE ends_at_ms < ?', [ms]);
    return header.affectedRows;
  }
}
