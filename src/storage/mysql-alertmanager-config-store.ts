import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import type { AlertmanagerConfigStore } from './notify-stores';

/** Versions of the Alertmanager configuration in alertmanager_configs (migration 009): the newest is in force. */
@injectable()
export class MysqlAlertmanagerConfigStore implements AlertmanagerConfigStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async append(yaml: string, source: 'api' | 'file', author: string | undefined, nowMs: number): Promise<number> {
    const sha256 = createHash('sha256').update(yaml, 'utf8').digest('hex');
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>('INSERT INTO alertmanager_configs (yaml, sha256, source, author, created_at_ms) VALUES (?, ?, ?, ?, ?)', [
        yaml,
        sha256,
        source,
        author ?? null,
        Math.trunc(nowMs),
      ]);
    return Number(result.insertId);
  }

  latest(): Promise<{ readonly version: number; readonly yaml: string; readonly createdAtMs: number } | undefined> {
    return this.newest('SELECT version, yaml, created_at_ms FROM alertmanager_configs ORDER BY version DESC LIMIT 1');
  }

  latestFromFile(): Promise<{ readonly version: number; readonly yaml: string; readonly createdAtMs: number } | undefined> {
    return this.newest("SELECT version, yaml, created_at_ms FROM alertmanager_configs WHERE source = 'file' ORDER BY version DESC LIMIT 1");
  }

  private async newest(sql: string): Promise<{ readonly version: number; readonly yaml: string; readonly createdAtMs: number } | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(sql);
    const row = rows[0];
    if (!row) return undefined;
    return { version: Number(row.version), yaml: String(row.yaml), createdAtMs: Number(row.created_at_ms) };
  }
}
