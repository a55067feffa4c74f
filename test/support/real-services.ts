import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { loadConfig, type Config } from '../../src/config';

/** A name no other test (or parallel worker) uses: databases, queues and exchanges are per test file. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** The configuration a test runs with: the real servers from the environment, its own database and queue names. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    LOG_FORMAT: 'json',
    REST_VALIDATE_RESPONSES: 'true',
    AUTH_LOCAL_KEY: 'test-signing-key-0123456789abcdef0123456789',
    ...overrides,
  });
}

export interface TestDatabase {
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the real server; drop() removes it. */
export async function createTestDatabase(prefix = 'mymonit_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const base = testConfig().db;
  const admin = await mysql.createConnection({
    host: base.host,
    port: base.port,
    user: base.user,
    password: base.password,
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    name,
    async drop() {
      const conn = await mysql.createConnection({
        host: base.host,
        port: base.port,
        user: base.user,
        password: base.password,
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
