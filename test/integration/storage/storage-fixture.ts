import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import type { Config } from '../../../src/config';
import type { MeasureQuery, Series, StoredMeasure } from '../../../src/domain/measure';
import type { NewUser, User } from '../../../src/domain/user';
import { MysqlAuditStore } from '../../../src/storage/mysql-audit-store';
import { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlExperimentStore } from '../../../src/storage/mysql-experiment-store';
import { MysqlMeasureReader } from '../../../src/storage/mysql-measure-reader';
import { MysqlMeasureStore } from '../../../src/storage/mysql-measure-store';
import { MysqlRejectedMessageStore } from '../../../src/storage/mysql-rejected-message-store';
import { MysqlUserStore } from '../../../src/storage/mysql-user-store';
import { PostgratorMigrator } from '../../../src/storage/postgrator-migrator';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/** One migrated database of its own per test file, the real stores over one pool, and a raw query helper. */
export interface StorageFixture {
  config: Config;
  database: TestDatabase;
  db: MysqlDatabase;
  users: MysqlUserStore;
  experiments: MysqlExperimentStore;
  measures: MysqlMeasureStore;
  /** The read side REST uses: what the stores wrote is read back the way production reads it. */
  reader: MysqlMeasureReader;
  rejected: MysqlRejectedMessageStore;
  audit: MysqlAuditStore;
  rows<T = RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]>;
  /**
   * Statements on this database still running whose text starts with `prefix`: how a test knows a rival's
   * locking read is blocked (INNODB_TRX's LOCK WAIT state was missed now and then under load).
   */
  runningStatements(prefix: string): Promise<number>;
  close(): Promise<void>;
}

export async function createStorageFixture(): Promise<StorageFixture> {
  const database = await createTestDatabase();
  const config = testConfig({ DB_DATABASE: database.name });
  await new PostgratorMigrator(config).migrate();
  const db = new MysqlDatabase(config);
  return {
    config,
    database,
    db,
    users: new MysqlUserStore(db),
    experiments: new MysqlExperimentStore(db),
    measures: new MysqlMeasureStore(db),
    reader: new MysqlMeasureReader(db),
    rejected: new MysqlRejectedMessageStore(db),
    audit: new MysqlAuditStore(db),
    async rows<T>(sql: string, values: unknown[] = []) {
      const [result] = await db.executor().query<RowDataPacket[]>(sql, values);
      return result as T[];
    },
    async runningStatements(prefix: string) {
      const [result] = await db.executor().query<RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
          WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE CONCAT(?, '%') AND ID <> CONNECTION_ID()`,
        [database.name, prefix],
      );
      return Number(result[0]?.n ?? 0);
    },
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

let sequence = 0;

/** A user with fields no other test shares: uniqueness rules stay the only source of conflicts. */
export function newUser(overrides: Partial<NewUser> = {}): NewUser & { pseudonym: string } {
  sequence += 1;
  return {
    pseudonym: randomUUID(),
    userId: `S${process.pid}${sequence}`,
    name: `Person ${sequence}`,
    username: `uid-${sequence}-${randomUUID().slice(0, 8)}`,
    email: `person${sequence}@example.org`,
    role: 'SCIENTIST',
    ...overrides,
  };
}

export async function insertUser(fixture: StorageFixture, overrides: Partial<NewUser> = {}): Promise<User> {
  return fixture.users.insert(newUser(overrides));
}

export function uniqueCode(prefix = 'EXP'): string {
  sequence += 1;
  return `${prefix}-${sequence}-${randomUUID().slice(0, 6)}`;
}

/** The series of an experiment, read as the REST read path reads them. */
export function seriesOf(fixture: StorageFixture, experiment: { id: number; code: string }): Promise<Series[]> {
  return fixture.reader.series(experiment);
}

/** A page of an experiment's measures, read as the REST read path reads them: its series, then their rows. */
export async function measuresOf(
  fixture: StorageFixture,
  experiment: { id: number; code: string },
  query: Omit<MeasureQuery, 'experiment'>,
): Promise<StoredMeasure[]> {
  const series = await fixture.reader.series(experiment, { metric: query.metric, source: query.source });
  return fixture.reader.measures(series, { fromUs: query.fromUs, toUs: query.toUs, after: query.after, limit: query.limit });
}
