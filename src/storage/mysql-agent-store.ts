import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { AgentRecord, AgentStore, InstalledPluginRef, NewPlugin, PluginSummary, StoredPlugin } from './agent-stores';
import type { MysqlDatabase } from './mysql-database';
import { translatingErrors } from './mysql-errors';

const SUMMARY_COLUMNS = 'id, name, version, entry, file_count, bytes, sha256, created_by, created_at_ms';

function summary(row: RowDataPacket): PluginSummary {
  return {
    id: Number(row.id),
    name: String(row.name),
    version: String(row.version),
    entry: String(row.entry),
    fileCount: Number(row.file_count),
    bytes: Number(row.bytes),
    sha256: String(row.sha256),
    createdBy: row.created_by === null ? null : String(row.created_by),
    createdAtMs: Number(row.created_at_ms),
  };
}

function installedPlugins(text: string): InstalledPluginRef[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((item: unknown) => {
    const { name, version, sha256 } = (item ?? {}) as Record<string, unknown>;
    return typeof name === 'string' && typeof version === 'string' && typeof sha256 === 'string' ? [{ name, version, sha256 }] : [];
  });
}

function agent(row: RowDataPacket): AgentRecord {
  return {
    name: String(row.name),
    version: String(row.version),
    plugins: installedPlugins(String(row.plugins)),
    firstSeenMs: Number(row.first_seen_ms),
    lastSeenMs: Number(row.last_seen_ms),
  };
}

/** Agents (from their announcements) and signed plugin bundles, in the tables of migration 017. */
@injectable()
export class MysqlAgentStore implements AgentStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async recordAnnouncement(announced: { name: string; version: string; plugins: readonly InstalledPluginRef[] }, atMs: number): Promise<void> {
    const plugins = JSON.stringify(announced.plugins.map(({ name, version, sha256 }) => ({ name, version, sha256 })));
    await this.db
      .executor()
      .query(
        'INSERT INTO agents (name, version, plugins, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE version = VALUES(version), plugins = VALUES(plugins), last_seen_ms = GREATEST(last_seen_ms, VALUES(last_seen_ms))',
        [announced.name, announced.version, plugins, Math.trunc(atMs), Math.trunc(atMs)],
      );
  }

  async listAgents(): Promise<AgentRecord[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM agents ORDER BY name');
    return rows.map(agent);
  }

  async getAgent(name: string): Promise<AgentRecord | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM agents WHERE name = ?', [name]);
    return rows[0] && agent(rows[0]);
  }

  async insertPlugin(plugin: NewPlugin): Promise<StoredPlugin> {
    const [result] = await translatingErrors(
      () =>
        this.db
          .executor()
          .query<ResultSetHeader>(
            'INSERT INTO plugins (name, version, entry, file_count, bytes, sha256, signature, bundle, created_by, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [
              plugin.name,
              plugin.version,
              plugin.entry,
              plugin.fileCount,
              plugin.bytes,
              plugin.sha256,
              plugin.signature,
              plugin.bundle,
              plugin.createdBy,
              Math.trunc(plugin.createdAtMs),
            ],
          ),
      { uq_plugins_name_version: `plugin ${plugin.name} version ${plugin.version} exists` },
    );
    return { ...plugin, id: Number(result.insertId) };
  }

  async pluginVersions(name: string, lock = false): Promise<PluginSummary[]> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT ${SUMMARY_COLUMNS} FROM plugins WHERE name = ? ORDER BY id${lock ? ' FOR UPDATE' : ''}`, [name]);
    return rows.map(summary);
  }

  async getPlugin(name: string, version: string): Promise<StoredPlugin | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT ${SUMMARY_COLUMNS}, signature, bundle FROM plugins WHERE name = ? AND version = ?`, [name, version]);
    const row = rows[0];
    return row && { ...summary(row), signature: String(row.signature), bundle: String(row.bundle) };
  }

  async listPlugins(): Promise<PluginSummary[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT ${SUMMARY_COLUMNS} FROM plugins ORDER BY name, id`);
    return rows.map(summary);
  }
}
