import { createHash } from 'node:crypto';
import path from 'node:path';
import { inject, injectable, optional } from 'inversify';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import Postgrator from 'postgrator';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import type { Migrator } from './stores';

const LOCK_WAIT_SECONDS = 120;

/** Database names are interpolated into DDL (identifiers cannot be parameters), so only safe ones pass. */
function quotedDatabase(name: string): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error('DB_DATABASE must be letters, digits and _ only');
  return `\`${name}\``;
}

/** GET_LOCK names are server-wide and at most 64 characters on MySQL 8. */
function lockName(database: string): string {
  return `mymonit.migrate.${createHash('sha1').update(database).digest('hex')}`;
}

/**
 * PostgratorMigrator brings the configured database to the newest schema version: it creates the database
 * when missing, then applies the numbered SQL files of ./migrations that it has not applied yet.
 */
@injectable()
export class PostgratorMigrator implements Migrator {
  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) @optional() private readonly logger?: Logger,
  ) {}

  async migrate(): Promise<number> {
    const { host, port, user, password, database } = this.config.db;
    const connection = await mysql.createConnection({
      host,
      port,
      user,
      password,
      multipleStatements: true,
      timezone: 'Z',
      charset: 'utf8mb4',
    });
    try {
      await connection.query(
        `CREATE DATABASE IF NOT EXISTS ${quotedDatabase(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      await connection.query(`USE ${quotedDatabase(database)}`);
      return await this.whileLocked(connection, database, () => this.applyMigrations(connection, database));
    } finally {
      await connection.end();
    }
  }

  private async applyMigrations(connection: Connection, database: string): Promise<number> {
    const postgrator = new Postgrator({
      driver: 'mysql',
      database,
      schemaTable: 'schemaversion',
      migrationPattern: path.join(__dirname, 'migrations', '*'),
      // Checksums of applied files are compared: line endings must not make a checkout on Windows differ.
      newline: 'LF',
      validateChecksums: true,
      execQuery: async (sql: string) => {
        const [rows] = await connection.query(sql);
        return { rows: Array.isArray(rows) ? rows : [] };
      },
    });
    postgrator.on('migration-started', (migration) =>
      this.logger?.info('applying migration', { version: migration.version, name: migration.name }),
    );
    const applied = await postgrator.migrate();
    const version = await postgrator.getDatabaseVersion();
    if (applied.length > 0) this.logger?.info('schema migrated', { version, applied: applied.length });
    return version;
  }

  /**
   * N instances may start together with MIGRATE_ON_START: a server-wide named lock lets one migrate while
   * the others wait, then find nothing left to do.
   */
  private async whileLocked<T>(connection: Connection, database: string, work: () => Promise<T>): Promise<T> {
    const name = lockName(database);
    const [rows] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [
      name,
      LOCK_WAIT_SECONDS,
    ]);
    if (Number(rows[0]?.acquired) !== 1) {
      throw new Error(`another migration of ${database} held the lock for more than ${LOCK_WAIT_SECONDS}s`);
    }
    try {
      return await work();
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  }
}
