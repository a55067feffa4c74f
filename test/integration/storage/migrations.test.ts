import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import Postgrator from 'postgrator';
import { PostgratorMigrator } from '../../../src/storage/postgrator-migrator';
import { testConfig, uniqueName } from '../../support/real-services';

const migrationsDir = path.join(__dirname, '../../../src/storage/migrations');
const migrationVersions = fs
  .readdirSync(migrationsDir)
  .filter((file) => /^\d+\.do\..+\.sql$/.test(file))
  .map((file) => Number(file.split('.')[0]));
const latestVersion = Math.max(...migrationVersions);

describe('PostgratorMigrator', () => {
  const name = uniqueName('mymonit_migrate');
  const config = testConfig({ DB_DATABASE: name });
  let admin: Connection;

  async function query(sql: string, values: unknown[] = []): Promise<RowDataPacket[]> {
    const [rows] = await admin.query<RowDataPacket[]>(sql, values);
    return rows;
  }

  beforeAll(async () => {
    admin = await mysql.createConnection({
      host: config.db.host,
      port: config.db.port,
      user: config.db.user,
      password: config.db.password,
    });
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  });

  it('creates a missing database and brings it to the newest version', async () => {
    expect(await query('SHOW DATABASES LIKE ?', [name])).toHaveLength(0);

    const version = await new PostgratorMigrator(config).migrate();

    expect(version).toBe(latestVersion);
    const [database] = await query(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [name],
    );
    expect(database!.charset).toBe('utf8mb4');
    const tables = (await query('SELECT TABLE_NAME AS t, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [name]));
    expect(tables.map((row) => row.t).sort()).toEqual(
      [
        'audit_events', 'experiment_users', 'experiments', 'measures', 'rejected_messages', 'rollup_dirty', 'rollup_hour',
        'rollup_minute', 'rule_groups', 'rules', 'schemaversion', 'series', 'users',
        'alert_outbox', 'alert_states', 'alert_transitions', 'rule_evaluations', 'rule_group_leases',
        'alertmanager_configs',
        'silence_changes', 'silences',
        'notify_alerts', 'notify_alert_seq',
        'notify_dispatch_cursor', 'notify_groups', 'notify_group_alerts', 'notification_log',
        'tickets', 'ticket_comments', 'ticket_events', 'ticket_experiments',
        'notification_attempts', 'notification_attempt_experiments',
        'hosts', 'host_groups', 'host_group_members', 'checks', 'check_hosts', 'check_host_groups', 'schedules',
        'schedule_intervals', 'schedule_checks', 'services', 'service_dependencies', 'redundancy_groups',
        'redundancy_group_members', 'check_results',
        'health_states',
        'plugins', 'agents',
        'schedule_slot_claims', 'schedule_slot_jobs',
        'policies', 'policy_time_points', 'policy_events', 'policy_monitors', 'policy_verdicts', 'policy_rejections',
        'policy_generations', 'policy_alert_states',
        'policy_deliveries',
      ].sort(),
    );
    expect(tables.filter((row) => row.t !== 'schemaversion').every((row) => row.engine === 'InnoDB')).toBe(true);
  });

  it('migrations are idempotent: a second run applies nothing and reports the same version', async () => {
    const before = await query(`SELECT version, md5 FROM \`${name}\`.schemaversion ORDER BY version`);

    const version = await new PostgratorMigrator(config).migrate();

    expect(version).toBe(latestVersion);
    expect(await query(`SELECT version, md5 FROM \`${name}\`.schemaversion ORDER BY version`)).toEqual(before);
  });

  it('instances migrating at the same time wait for each other instead of failing', async () => {
    const other = uniqueName('mymonit_migrate_race');
    const raceConfig = testConfig({ DB_DATABASE: other });
    try {
      const versions = await Promise.all([1, 2, 3].map(() => new PostgratorMigrator(raceConfig).migrate()));
      expect(versions).toEqual([latestVersion, latestVersion, latestVersion]);
      const applied = await query(`SELECT version FROM \`${other}\`.schemaversion WHERE version > 0`);
      // One row per file: numbers given out to parallel branches may leave gaps until they all merge.
      expect(applied).toHaveLength(migrationVersions.length);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${other}\``);
    }
  });

  it('the measures table has no foreign key and is keyed by (series_id, ts_us)', async () => {
    const keys = await query(
      `SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'measures' AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`,
      [name],
    );
    expect(keys.map((row) => row.c)).toEqual(['series_id', 'ts_us']);
    const foreign = await query(
      `SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = 'measures'`,
      [name],
    );
    expect(foreign).toHaveLength(0);
  });

  it('an applied migration whose file changed is refused, not silently re-run', async () => {
    await admin.query(`UPDATE \`${name}\`.schemaversion SET md5 = 'edited' WHERE version = 1`);
    try {
      await expect(new PostgratorMigrator(config).migrate()).rejects.toThrow(/checksum/i);
    } finally {
      const [row] = await query(`SELECT version FROM \`${name}\`.schemaversion WHERE version = 1`);
      expect(row!.version).toBe(1);
    }
  });

  it('refuses a database name that is not a plain identifier', async () => {
    const bad = { ...config, db: { ...config.db, database: 'x`; DROP DATABASE mysql; --' } };
    await expect(new PostgratorMigrator(bad).migrate()).rejects.toThrow(/letters, digits and _ only/);
  });

  it('migration 004 keeps rejections stored twice before it, digests the first and adds the delivery key', async () => {
    const other = uniqueName('mymonit_migrate_004');
    const otherConfig = testConfig({ DB_DATABASE: other });
    const connection = await mysql.createConnection({
      host: config.db.host,
      port: config.db.port,
      user: config.db.user,
      password: config.db.password,
      multipleStatements: true,
    });
    try {
      await connection.query(`CREATE DATABASE \`${other}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; USE \`${other}\``);
      const postgrator = new Postgrator({
        driver: 'mysql',
        database: other,
        schemaTable: 'schemaversion',
        migrationPattern: path.join(migrationsDir, '*'),
        newline: 'LF',
        execQuery: async (sql: string) => {
          const [rows] = await connection.query(sql);
          return { rows: Array.isArray(rows) ? rows : [] };
        },
      });
      await postgrator.migrate('003');
      // What the consumer stored before 004: the same bad message twice, another under an id differing in case, a cut body.
      await connection.query(
        `INSERT INTO rejected_messages (received_at, reason, detail, message_id, body, body_truncated) VALUES
          (NOW(3), 'empty', 'd', 'same', 'x', FALSE), (NOW(3), 'empty', 'd', 'same', 'x', FALSE),
          (NOW(3), 'empty', 'd', 'SAME', 'x', FALSE), (NOW(3), 'oversize', 'd', 'cut', 'prefix', TRUE)`,
      );

      expect(await new PostgratorMigrator(otherConfig).migrate()).toBe(latestVersion);

      const [rows] = await connection.query<RowDataPacket[]>(
        'SELECT message_id, HEX(body_sha256) AS digest, partial FROM rejected_messages ORDER BY id',
      );
      const sha = createHash('sha256').update('x').digest('hex').toUpperCase();
      expect(rows.map((r) => [r.message_id, r.digest, r.partial])).toEqual([
        ['same', sha, 0],
        ['same', null, 0],
        ['SAME', sha, 0],
        ['cut', null, 0],
      ]);
      await expect(
        connection.query(`INSERT INTO rejected_messages (received_at, reason, detail, message_id, body, body_sha256) VALUES (NOW(3), 'empty', 'd', 'same', 'x', UNHEX(?))`, [sha]),
      ).rejects.toThrow(/Duplicate entry/);
    } finally {
      await connection.query(`DROP DATABASE IF EXISTS \`${other}\``);
      await connection.end();
    }
  });
});
