import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Severity } from '../alerting/rules/rule';
import type { AlertState, AlertStateName, AlertTransition, TransitionTarget } from '../alerting/state/alert-state';
import { TYPES } from '../identifiers';
import type {
  ActiveAlertQuery,
  AlertFilter,
  AlertStateStore,
  ListedAlert,
  RuleEvaluationRecord,
  StoredTransition,
  TransitionQuery,
} from './alerting-stores';
import { historyFromText, historyToText, labelsFromJson, labelsToJson, valueFromText, valueToText } from './alert-codec';
import type { MysqlDatabase } from './mysql-database';

const REASON_LENGTH = 1000;
const ERROR_LENGTH = 2000;

const optionalNumber = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));

function stateOf(row: RowDataPacket): AlertState {
  const activeAtMs = optionalNumber(row.active_at_ms);
  const firedAtMs = optionalNumber(row.fired_at_ms);
  const resolvedAtMs = optionalNumber(row.resolved_at_ms);
  const keepFiringSinceMs = optionalNumber(row.keep_firing_since_ms);
  return {
    ruleId: Number(row.rule_id),
    fingerprint: String(row.fingerprint),
    labels: labelsFromJson(String(row.labels)),
    state: row.state as AlertStateName,
    severity: row.severity as Severity,
    ...(row.reason === null ? {} : { reason: String(row.reason) }),
    value: valueFromText(String(row.value)),
    ...(activeAtMs === undefined ? {} : { activeAtMs }),
    ...(firedAtMs === undefined ? {} : { firedAtMs }),
    ...(resolvedAtMs === undefined ? {} : { resolvedAtMs }),
    ...(keepFiringSinceMs === undefined ? {} : { keepFiringSinceMs }),
    lastEvalMs: Number(row.last_eval_ms),
    values: historyFromText(String(row.value_history)),
  };
}

function transitionOf(row: RowDataPacket): StoredTransition {
  return {
    id: Number(row.id),
    ruleId: Number(row.rule_id),
    groupId: Number(row.group_id),
    experimentId: Number(row.experiment_id),
    experiment: String(row.code),
    alertname: String(row.alertname),
    fingerprint: String(row.fingerprint),
    labels: labelsFromJson(String(row.labels)),
    from: row.from_state as AlertStateName,
    to: row.to_state as TransitionTarget,
    severity: row.severity as Severity,
    ...(row.reason === null ? {} : { reason: String(row.reason) }),
    value: valueFromText(String(row.value)),
    atMs: Number(row.at_ms),
  };
}

/** The visibility and filter conditions shared by the listings, on alias `a` (and experiments `e`). */
function filterSql(filter: AlertFilter, where: string[], params: unknown[]): void {
  if (filter.associatedUserId !== undefined) {
    where.push('a.experiment_id IN (SELECT experiment_id FROM experiment_users WHERE user_id = ?)');
    params.push(filter.associatedUserId);
  }
  if (filter.experimentId !== undefined) {
    where.push('a.experiment_id = ?');
    params.push(filter.experimentId);
  }
  if (filter.ruleId !== undefined) {
    where.push('a.rule_id = ?');
    params.push(filter.ruleId);
  }
  if (filter.severity !== undefined) {
    where.push('a.severity = ?');
    params.push(filter.severity);
  }
}

const alertnameOf = (labels: ReadonlyMap<string, string>): string => (labels.get('alertname') ?? '').slice(0, 255);
const clip = (text: string | undefined, length: number): string | null => (text === undefined ? null : text.slice(0, length));

/** Alert states, transitions and the outbox in MySQL (migration 008). */
/** Transitions per multi-row INSERT. */
const TRANSITION_CHUNK = 1000;

@injectable()
export class MysqlAlertStateStore implements AlertStateStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async statesOfGroup(groupId: number): Promise<AlertState[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM alert_states WHERE group_id = ? ORDER BY rule_id, fingerprint', [groupId]);
    return rows.map(stateOf);
  }

  async replaceGroupStates(groupId: number, experimentId: number, states: readonly AlertState[]): Promise<void> {
    const executor = this.db.executor();
    await executor.query('DELETE FROM alert_states WHERE group_id = ?', [groupId]);
    if (states.length === 0) return;
    const rows = states.map((s) => [
      s.ruleId,
      s.fingerprint,
      groupId,
      experimentId,
      alertnameOf(s.labels),
      labelsToJson(s.labels),
      s.state,
      s.severity,
      clip(s.reason, REASON_LENGTH),
      valueToText(s.value),
      s.activeAtMs ?? null,
      s.firedAtMs ?? null,
      s.resolvedAtMs ?? null,
      s.keepFiringSinceMs ?? null,
      s.lastEvalMs,
      historyToText(s.values),
    ]);
    await executor.query(
      `INSERT INTO alert_states (rule_id, fingerprint, group_id, experiment_id, alertname, labels, state, severity, reason, value,
         active_at_ms, fired_at_ms, resolved_at_ms, keep_firing_since_ms, last_eval_ms, value_history) VALUES ?`,
      [rows],
    );
  }

  async appendTransitions(groupId: number, experimentId: number, fencingToken: number, transitions: readonly AlertTransition[]): Promise<number[]> {
    if (transitions.length === 0) return [];
    const executor = this.db.executor();
    const ids: number[] = [];
    // Multi-row INSERTs (a policy's ingest may append thousands), then the ids read back by the unique key
    // (rule_id, fingerprint, at_ms): a multi-row INSERT's ids are not consecutive under every auto-increment mode.
    for (let start = 0; start < transitions.length; start += TRANSITION_CHUNK) {
      const chunk = transitions.slice(start, start + TRANSITION_CHUNK);
      await executor.query<ResultSetHeader>(
        `INSERT INTO alert_transitions (rule_id, group_id, experiment_id, fingerprint, alertname, labels, from_state, to_state, severity,
           reason, value, at_ms, fencing_token, created_at) VALUES ?`,
        [
          chunk.map((t) => [
            t.ruleId,
            groupId,
            experimentId,
            t.fingerprint,
            alertnameOf(t.labels),
            labelsToJson(t.labels),
            t.from,
            t.to,
            t.severity,
            clip(t.reason, REASON_LENGTH),
            valueToText(t.value),
            t.atMs,
            fencingToken,
            new Date(),
          ]),
        ],
      );
      // Ranges of the unique key's columns (a row-constructor IN is not an index lookup on every server); the
      // rows of other transitions this also finds are left out by the key below.
      const atMs = chunk.map((t) => t.atMs);
      const [rows] = await executor.query<RowDataPacket[]>(
        'SELECT id, rule_id, fingerprint, at_ms FROM alert_transitions WHERE rule_id IN (?) AND fingerprint IN (?) AND at_ms BETWEEN ? AND ?',
        [[...new Set(chunk.map((t) => t.ruleId))], [...new Set(chunk.map((t) => t.fingerprint))], Math.min(...atMs), Math.max(...atMs)],
      );
      const byKey = new Map(rows.map((row) => [`${Number(row.rule_id)}|${String(row.fingerprint)}|${Number(row.at_ms)}`, Number(row.id)]));
      for (const t of chunk) {
        const id = byKey.get(`${t.ruleId}|${t.fingerprint}|${t.atMs}`);
        if (id === undefined) throw new Error(`alert transition ${t.fingerprint}@${t.atMs} vanished inside its own transaction`);
        ids.push(id);
      }
    }
    await executor.query('INSERT INTO alert_outbox (transition_id, created_at) VALUES ?', [ids.map((id) => [id, new Date()])]);
    return ids;
  }

  async recordRuleEvaluations(groupId: number, records: readonly RuleEvaluationRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.executor().query(
      `INSERT INTO rule_evaluations (rule_id, group_id, health, last_error, last_eval_ms, duration_ms) VALUES ?
       ON DUPLICATE KEY UPDATE group_id = VALUES(group_id), health = VALUES(health), last_error = VALUES(last_error),
         last_eval_ms = VALUES(last_eval_ms), duration_ms = VALUES(duration_ms)`,
      [records.map((r) => [r.ruleId, groupId, r.health, clip(r.lastError, ERROR_LENGTH), r.evalMs, r.durationMs])],
    );
  }

  async active(query: ActiveAlertQuery): Promise<ListedAlert[]> {
    const where = ["a.state IN ('pending', 'firing')"];
    const params: unknown[] = [];
    filterSql(query, where, params);
    if (query.state !== undefined) {
      where.push('a.state = ?');
      params.push(query.state);
    }
    if (query.groupIds !== undefined) {
      if (query.groupIds.length === 0) return [];
      where.push('a.group_id IN (?)');
      params.push(query.groupIds);
    }
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT a.*, e.code FROM alert_states a JOIN experiments e ON e.id = a.experiment_id
       WHERE ${where.join(' AND ')} ORDER BY e.code, a.rule_id, a.fingerprint`,
      params,
    );
    return rows.map((row) => ({
      ...stateOf(row),
      groupId: Number(row.group_id),
      experimentId: Number(row.experiment_id),
      experiment: String(row.code),
      alertname: String(row.alertname),
    }));
  }

  async transitions(query: TransitionQuery): Promise<StoredTransition[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    filterSql(query, where, params);
    if (query.toState !== undefined) {
      where.push('a.to_state = ?');
      params.push(query.toState);
    }
    if (query.fromMs !== undefined) {
      where.push('a.at_ms >= ?');
      params.push(query.fromMs);
    }
    if (query.toMs !== undefined) {
      where.push('a.at_ms < ?');
      params.push(query.toMs);
    }
    if (query.beforeId !== undefined) {
      where.push('a.id < ?');
      params.push(query.beforeId);
    }
    params.push(query.limit);
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT a.*, e.code FROM alert_transitions a JOIN experiments e ON e.id = a.experiment_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ?`,
      params,
    );
    return rows.map(transitionOf);
  }

  async ruleEvaluations(groupIds: readonly number[]): Promise<Map<number, RuleEvaluationRecord>> {
    const result = new Map<number, RuleEvaluationRecord>();
    if (groupIds.length === 0) return result;
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM rule_evaluations WHERE group_id IN (?)', [groupIds]);
    for (const row of rows) {
      result.set(Number(row.rule_id), {
        ruleId: Number(row.rule_id),
        health: row.health as 'ok' | 'err',
        ...(row.last_error === null ? {} : { lastError: String(row.last_error) }),
        evalMs: Number(row.last_eval_ms),
        durationMs: Number(row.duration_ms),
      });
    }
    return result;
  }
}
