import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { ChecksModelStore, ReferencedTable } from './checks-stores';
import { MysqlCheckTable, MysqlScheduleTable } from './mysql-check-tables';
import type { MysqlDatabase } from './mysql-database';
import { MysqlHostGroupTable, MysqlHostTable } from './mysql-host-tables';
import { MysqlServiceTable } from './mysql-service-table';

const REFERENCED: ReadonlySet<ReferencedTable> = new Set(['hosts', 'host_groups', 'checks']);

/** MysqlChecksModelStore keeps the checks model of migration 015: one table object per aggregate. */
@injectable()
export class MysqlChecksModelStore implements ChecksModelStore {
  readonly hosts: MysqlHostTable;
  readonly hostGroups: MysqlHostGroupTable;
  readonly checks: MysqlCheckTable;
  readonly schedules: MysqlScheduleTable;
  readonly services: MysqlServiceTable;

  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {
    this.hosts = new MysqlHostTable(db);
    this.hostGroups = new MysqlHostGroupTable(db);
    this.checks = new MysqlCheckTable(db);
    this.schedules = new MysqlScheduleTable(db);
    this.services = new MysqlServiceTable(db);
  }

  async owners(table: ReferencedTable, ids: readonly number[]): Promise<Map<number, number>> {
    if (!REFERENCED.has(table)) throw new Error(`owners: ${table} is not a referenced table`);
    if (ids.length === 0) return new Map();
    // LOCK IN SHARE MODE (MySQL 8 and MariaDB alike): the rows stay until the transaction that refers to them commits.
    const lock = this.db.inTransactionScope() ? ' LOCK IN SHARE MODE' : '';
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT id, experiment_id FROM ${table} WHERE id IN (?)${lock}`, [[...new Set(ids)]]);
    return new Map(rows.map((row) => [Number(row.id), Number(row.experiment_id)]));
  }
}
