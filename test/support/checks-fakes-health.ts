import mysql from 'mysql2/promise';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Severity } from '../../src/alerting/rules/rule';
import type { Config } from '../../src/config';

/**
 * Stand-in for P1 (the model's REST) and P5 (the result recorder) in the health stage's tests: model rows
 * and check results written straight into the tables of migration 015, as those parts will write them.
 */
export class HealthFixtures {
  private constructor(private readonly connection: mysql.Connection) {}

  static async connect(config: Config): Promise<HealthFixtures> {
    const { host, port, user, password, database } = config.db;
    return new HealthFixtures(await mysql.createConnection({ host, port, user, password, database }));
  }

  async close(): Promise<void> {
    await this.connection.end();
  }

  async query<T extends RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.connection.query<T[]>(sql, params);
    return rows;
  }

  private async insert(sql: string, params: unknown[]): Promise<number> {
    const [header] = await this.connection.query<ResultSetHeader>(sql, params);
    return header.insertId;
  }

  host(experimentId: number, name: string): Promise<number> {
    return this.insert(
      'INSERT INTO hosts (experiment_id, name, address, created_at, updated_at) VALUES (?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))',
      [experimentId, name, `${name}.example.org`],
    );
  }

  async hostGroup(experimentId: number, name: string, hostIds: readonly number[]): Promise<number> {
    const id = await this.insert('INSERT INTO host_groups (experiment_id, name, created_at, updated_at) VALUES (?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))', [
      experimentId,
      name,
    ]);
    for (const hostId of hostIds) await this.connection.query('INSERT INTO host_group_members (group_id, host_id) VALUES (?, ?)', [id, hostId]);
    return id;
  }

  async check(experimentId: number, name: string, on: { hosts?: readonly number[]; hostGroups?: readonly number[] }): Promise<number> {
    const id = await this.insert(
      `INSERT INTO checks (experiment_id, name, kind, params, timeout_ms, created_at, updated_at)
       VALUES (?, ?, 'tcp', '{"port":80}', 1000, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
      [experimentId, name],
    );
    for (const hostId of on.hosts ?? []) await this.connection.query('INSERT INTO check_hosts (check_id, host_id) VALUES (?, ?)', [id, hostId]);
    for (const groupId of on.hostGroups ?? []) await this.connection.query('INSERT INTO check_host_groups (check_id, group_id) VALUES (?, ?)', [id, groupId]);
    return id;
  }

  async service(
    experimentId: number,
    name: string,
    dependencies: readonly number[],
    groups: readonly { name: string; hosts?: readonly number[]; hostGroups?: readonly number[] }[],
  ): Promise<number> {
    const id = await this.insert('INSERT INTO services (experiment_id, name, created_at, updated_at) VALUES (?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))', [
      experimentId,
      name,
    ]);
    for (const hostId of dependencies) await this.connection.query('INSERT INTO service_dependencies (service_id, host_id) VALUES (?, ?)', [id, hostId]);
    for (const group of groups) {
      const groupId = await this.insert('INSERT INTO redundancy_groups (service_id, name) VALUES (?, ?)', [id, group.name]);
      for (const hostId of group.hosts ?? []) {
        await this.connection.query('INSERT INTO redundancy_group_members (redundancy_group_id, host_id, member_key) VALUES (?, ?, ?)', [groupId, hostId, `h${hostId}`]);
      }
      for (const hostGroupId of group.hostGroups ?? []) {
        await this.connection.query('INSERT INTO redundancy_group_members (redundancy_group_id, host_group_id, member_key) VALUES (?, ?, ?)', [
          groupId,
          hostGroupId,
          `g${hostGroupId}`,
        ]);
      }
    }
    return id;
  }

  /** A classified result, as the recorder stores it (outcome from the severity: ok or failed). */
  result(experimentId: number, checkId: number, hostId: number, slotMs: number, severity: Severity, message = ''): Promise<number> {
    return this.insert(
      `INSERT INTO check_results (check_id, host_id, experiment_id, slot_ms, outcome, severity, message, fencing_token, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(3))`,
      [checkId, hostId, experimentId, slotMs, severity === 'ok' ? 'ok' : 'failed', severity, message],
    );
  }
}
