import { inject, injectable } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import type { Severity } from '../alerting/rules/rule';
import type { RedundancyMember } from '../checks/model';
import type { CheckLatest } from '../health/compute';
import type { HealthSubjectKind } from '../health/alerts';
import type { HealthExplanation, HealthState } from '../health/health';
import { TYPES } from '../identifiers';
import { labelsFromJson, labelsToJson } from './alert-codec';
import type { HealthHostInput, HealthScope, HealthServiceModel, HealthStore, NewHealthState, StoredHealthState } from './health-stores';
import type { MysqlDatabase } from './mysql-database';

const TABLES: Record<HealthSubjectKind, string> = { host: 'hosts', service: 'services' };

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function stateOf(row: RowDataPacket): StoredHealthState {
  const explanation = String(row.explanation);
  return {
    kind: row.subject_kind as HealthSubjectKind,
    subjectId: Number(row.subject_id),
    experimentId: Number(row.experiment_id),
    name: String(row.name),
    state: row.state as HealthState,
    // Written by save() from a computed tree only: its own JSON.
    ...(explanation === '' ? {} : { explanation: JSON.parse(explanation) as HealthExplanation }),
    sinceMs: Number(row.since_ms),
    computedMs: Number(row.computed_ms),
    ...(row.alert_labels === null || row.alert_state === null
      ? {}
      : { firing: { labels: labelsFromJson(String(row.alert_labels)), state: row.alert_state as HealthState } }),
    version: Number(row.version),
  };
}

/** The health stage's reads of the checks model and results (migration 015) and its states (migration 018). */
@injectable()
export class MysqlHealthStore implements HealthStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  /** The WHERE of a subject listing on alias `s`: ids, experiment, association. */
  private scopeSql(scope: HealthScope): { where: string; params: unknown[] } | undefined {
    const where: string[] = [];
    const params: unknown[] = [];
    if (scope.ids !== undefined) {
      if (scope.ids.length === 0) return undefined;
      where.push('s.id IN (?)');
      params.push(scope.ids);
    }
    if (scope.experimentId !== undefined) {
      where.push('s.experiment_id = ?');
      params.push(scope.experimentId);
    }
    if (scope.associatedUserId !== undefined) {
      where.push('s.experiment_id IN (SELECT experiment_id FROM experiment_users WHERE user_id = ?)');
      params.push(scope.associatedUserId);
    }
    return { where: where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`, params };
  }

  private async owners(table: string, scope: HealthScope): Promise<RowDataPacket[]> {
    const sql = this.scopeSql(scope);
    if (sql === undefined) return [];
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT s.id, s.name, s.experiment_id, e.code FROM ${table} s JOIN experiments e ON e.id = s.experiment_id ${sql.where} ORDER BY s.id`,
      sql.params,
    );
    return rows;
  }

  async hosts(scope: HealthScope): Promise<HealthHostInput[]> {
    const rows = await this.owners('hosts', scope);
    if (rows.length === 0) return [];
    const ids = rows.map((row) => Number(row.id));
    const executor = this.db.executor();
    // A check reaches a host directly or through one of its host groups; UNION keeps each pair once.
    const [assigned] = await executor.query<RowDataPacket[]>(
      `SELECT a.host_id, c.id, c.name FROM (
         SELECT ch.host_id, ch.check_id FROM check_hosts ch WHERE ch.host_id IN (?)
         UNION SELECT m.host_id, cg.check_id FROM host_group_members m JOIN check_host_groups cg ON cg.group_id = m.group_id WHERE m.host_id IN (?)
       ) a JOIN checks c ON c.id = a.check_id ORDER BY a.host_id, c.id`,
      [ids, ids],
    );
    // The latest result of each (check, host): the greatest slot (unique per pair by uq_check_results_slot).
    const [latest] = await executor.query<RowDataPacket[]>(
      `SELECT r.check_id, r.host_id, r.severity, r.slot_ms, r.message, r.reason FROM check_results r
       JOIN (SELECT check_id, host_id, MAX(slot_ms) AS slot_ms FROM check_results WHERE host_id IN (?) GROUP BY check_id, host_id) l
         ON l.check_id = r.check_id AND l.host_id = r.host_id AND l.slot_ms = r.slot_ms`,
      [ids],
    );
    const results = new Map<string, CheckLatest['latest']>();
    for (const row of latest) {
      results.set(`${Number(row.check_id)}/${Number(row.host_id)}`, {
        severity: row.severity as Severity,
        slotMs: Number(row.slot_ms),
        message: String(row.message),
        ...(row.reason === null ? {} : { reason: String(row.reason) }),
      });
    }
    const checks = new Map<number, CheckLatest[]>();
    for (const row of assigned) {
      const hostId = Number(row.host_id);
      const checkId = Number(row.id);
      const result = results.get(`${checkId}/${hostId}`);
      push(checks, hostId, { id: checkId, name: String(row.name), ...(result === undefined ? {} : { latest: result }) });
    }
    return rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      experimentId: Number(row.experiment_id),
      experiment: String(row.code),
      checks: checks.get(Number(row.id)) ?? [],
    }));
  }

  async services(scope: HealthScope): Promise<HealthServiceModel[]> {
    const rows = await this.owners('services', scope);
    if (rows.length === 0) return [];
    const ids = rows.map((row) => Number(row.id));
    const executor = this.db.executor();
    const [dependencyRows] = await executor.query<RowDataPacket[]>(
      'SELECT service_id, host_id FROM service_dependencies WHERE service_id IN (?) ORDER BY service_id, host_id',
      [ids],
    );
    const [groupRows] = await executor.query<RowDataPacket[]>('SELECT id, service_id, name FROM redundancy_groups WHERE service_id IN (?) ORDER BY id', [ids]);
    const groupIds = groupRows.map((row) => Number(row.id));
    const [memberRows] =
      groupIds.length === 0
        ? [[] as RowDataPacket[]]
        : await executor.query<RowDataPacket[]>(
            'SELECT redundancy_group_id, host_id, host_group_id FROM redundancy_group_members WHERE redundancy_group_id IN (?) ORDER BY redundancy_group_id, member_key',
            [groupIds],
          );
    const dependencies = new Map<number, number[]>();
    for (const row of dependencyRows) push(dependencies, Number(row.service_id), Number(row.host_id));
    const members = new Map<number, RedundancyMember[]>();
    for (const row of memberRows) {
      const member: RedundancyMember | undefined =
        row.host_id !== null ? { hostId: Number(row.host_id) } : row.host_group_id !== null ? { hostGroupId: Number(row.host_group_id) } : undefined;
      if (member) push(members, Number(row.redundancy_group_id), member);
    }
    const groups = new Map<number, HealthServiceModel['redundancyGroups'][number][]>();
    for (const row of groupRows) {
      push(groups, Number(row.service_id), { id: Number(row.id), name: String(row.name), members: members.get(Number(row.id)) ?? [] });
    }
    return rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      experimentId: Number(row.experiment_id),
      experiment: String(row.code),
      dependencies: dependencies.get(Number(row.id)) ?? [],
      redundancyGroups: groups.get(Number(row.id)) ?? [],
    }));
  }

  async hostGroupMembers(groupIds: readonly number[]): Promise<Map<number, number[]>> {
    const members = new Map<number, number[]>();
    if (groupIds.length === 0) return members;
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT group_id, host_id FROM host_group_members WHERE group_id IN (?) ORDER BY group_id, host_id', [groupIds]);
    for (const row of rows) push(members, Number(row.group_id), Number(row.host_id));
    return members;
  }

  async subjectIds(kind: HealthSubjectKind): Promise<number[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT id FROM ${TABLES[kind]} ORDER BY id`);
    return rows.map((row) => Number(row.id));
  }

  async servicesOfHost(hostId: number): Promise<number[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT service_id FROM service_dependencies WHERE host_id = ?
       UNION SELECT g.service_id FROM redundancy_group_members m JOIN redundancy_groups g ON g.id = m.redundancy_group_id WHERE m.host_id = ?
       UNION SELECT g.service_id FROM redundancy_group_members m JOIN redundancy_groups g ON g.id = m.redundancy_group_id
         JOIN host_group_members hm ON hm.group_id = m.host_group_id WHERE hm.host_id = ?
       ORDER BY service_id`,
      [hostId, hostId, hostId],
    );
    return rows.map((row) => Number(row.service_id));
  }

  async ensure(kind: HealthSubjectKind, subjectId: number): Promise<void> {
    const executor = this.db.executor();
    const [existing] = await executor.query<RowDataPacket[]>('SELECT 1 FROM health_states WHERE subject_kind = ? AND subject_id = ?', [kind, subjectId]);
    if (existing.length > 0) return;
    // A concurrent ensure may insert first: the duplicate then changes nothing.
    await executor.query(
      `INSERT INTO health_states (subject_kind, subject_id, experiment_id, name, state, explanation, since_ms, computed_ms, version)
       SELECT ?, id, experiment_id, name, 'no_data', '', 0, 0, 0 FROM ${TABLES[kind]} WHERE id = ?
       ON DUPLICATE KEY UPDATE subject_id = health_states.subject_id`,
      [kind, subjectId],
    );
  }

  async lock(kind: HealthSubjectKind, subjectId: number): Promise<StoredHealthState | undefined> {
    if (!this.db.inTransactionScope()) throw new Error('lock must run inside a transaction: its lock ends with it');
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT * FROM health_states WHERE subject_kind = ? AND subject_id = ? FOR UPDATE', [kind, subjectId]);
    return rows[0] === undefined ? undefined : stateOf(rows[0]);
  }

  async save(kind: HealthSubjectKind, subjectId: number, state: NewHealthState): Promise<void> {
    await this.db.executor().query(
      `UPDATE health_states SET experiment_id = ?, name = ?, state = ?, explanation = ?, since_ms = ?, computed_ms = ?, alert_labels = ?,
         alert_state = ?, version = ? WHERE subject_kind = ? AND subject_id = ?`,
      [
        state.experimentId,
        state.name.slice(0, 255),
        state.state,
        JSON.stringify(state.explanation),
        state.sinceMs,
        state.computedMs,
        state.firing === undefined ? null : labelsToJson(state.firing.labels),
        state.firing?.state ?? null,
        state.version,
        kind,
        subjectId,
      ],
    );
  }

  async delete(kind: HealthSubjectKind, subjectId: number): Promise<void> {
    await this.db.executor().query('DELETE FROM health_states WHERE subject_kind = ? AND subject_id = ?', [kind, subjectId]);
  }

  async lastTransitionMs(fingerprints: readonly string[]): Promise<number | undefined> {
    if (fingerprints.length === 0) return undefined;
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT MAX(at_ms) AS at_ms FROM alert_transitions WHERE rule_id = 0 AND fingerprint IN (?)', [fingerprints]);
    const at = rows[0]?.at_ms;
    return at === null || at === undefined ? undefined : Number(at);
  }

  async orphans(): Promise<{ kind: HealthSubjectKind; subjectId: number }[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT s.subject_kind, s.subject_id FROM health_states s
       WHERE (s.subject_kind = 'host' AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.id = s.subject_id))
          OR (s.subject_kind = 'service' AND NOT EXISTS (SELECT 1 FROM services v WHERE v.id = s.subject_id))
       ORDER BY s.subject_kind, s.subject_id`,
    );
    return rows.map((row) => ({ kind: row.subject_kind as HealthSubjectKind, subjectId: Number(row.subject_id) }));
  }

  async states(kind: HealthSubjectKind, subjectIds: readonly number[]): Promise<Map<number, StoredHealthState>> {
    const states = new Map<number, StoredHealthState>();
    if (subjectIds.length === 0) return states;
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT * FROM health_states WHERE subject_kind = ? AND subject_id IN (?)', [kind, subjectIds]);
    for (const row of rows) states.set(Number(row.subject_id), stateOf(row));
    return states;
  }
}
