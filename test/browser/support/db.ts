import mysql from 'mysql2/promise';
import type { TestPlatform } from '../../support/platform';

/** A direct connection to the platform's own test database (to break or inspect it on purpose). */
export function mysqlFor(platform: TestPlatform): Promise<mysql.Connection> {
  const { host, port, user, password } = platform.config.db;
  return mysql.createConnection({ host, port, user, password, database: platform.database.name });
}
