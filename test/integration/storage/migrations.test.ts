import fs from 'node:fs';
import path from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { PostgratorMigrator } from '../../../src/storage/postgrator-migrator';
import { testConfig, uniqueName } from '../../support/real-services';

const migrationsDir = path.join(__dirname, '../../../src/storage/migrations');
const latestVersion = Math.max(
  ...fs
    .readdirSync(migrationsDir)
    .filter((file) => /^\d+\.do\..+\.sql$/.test(file))
    .map((file) => Number(file.split('.')[0])),
);

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
    expect(database.charset).toBe('utf8mb4');
    const tables = (await query('SELECT TABLE_NAME AS t, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [name]));
    expect(tables.map((row) => row.t).sort()).toEqual(
      [
        'audit_events', 'experiment_users', 'experiments', 'measures', 'rejected_messages', 'rollup_dirty', 'rollup_hour',
        'rollup_minute', 'schemaversion', 'series', 'users',
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
      expect(applied).toHaveLength(latestVersion);
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
      expect(row.version).toBe(1);
    }
  });

  it('refuses a database name that is not a plain identifier', async () => {
    const bad = { ...config, db: { ...config.db, database: 'x`; DROP DATABASE mysql; --' } };
    await expect(new PostgratorMigrator(bad).migrate()).rejects.toThrow(/letters, digits and _ only/);
  });
});
