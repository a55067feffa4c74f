import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { SEVERITIES, type Severity } from '../alerting/rules/rule';
import { CHECK_OUTCOMES, type CheckOutcomeName } from '../checks/model';
import type { JsonValue, RecordedResult } from '../checks/ports';
import { TYPES } from '../identifiers';
import type {
  CheckClassifierRow,
  CheckResultQuery,
  CheckResultStore,
  HostCheckResult,
  NewCheckResult,
  OwnedRow,
  ResultReading,
} from './check-result-stores';
import type { MysqlDatabase } from './mysql-database';
import { translateMysqlError } from './mysql-errors';

const ER_DUP_ENTRY = 1062;

const COLUMNS =
  'r.id, r.check_id, r.host_id, r.experiment_id, r.slot_ms, r.started_at_ms, r.duration_ms, r.outcome, r.value, r.message, r.severity, r.reason, r.details';

function errno(error: unknown): number | undefined {
  const value = (error as { errno?: unknown } | null)?.errno;
  return typeof value === 'number' ? value : undefined;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, what: string): T {
  if (!(allowed as readonly unknown[]).includes(value)) throw new Error(`check_results.${what} holds ${String(value)}`);
  return value as T;
}

/** details was written by JSON.stringify: a row that does not parse is shown as absent rather than failing a listing. */
function parsedDetails(text: unknown): JsonValue | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function resultOf(row: RowDataPacket): RecordedResult {
  const details = parsedDetails(row.details);
  return {
    id: Number(row.id),
    checkId: Number(row.check_id),
    hostId: Number(row.host_id),
    experimentId: Number(row.experiment_id),
    slotMs: Number(row.slot_ms),
    outcome: oneOf<CheckOutcomeName>(CHECK_OUTCOMES, row.outcome, 'outcome'),
    ...(row.value === null ? {} : { value: Number(row.value) }),
    message: String(row.message),
    severity: oneOf<Severity>(SEVERITIES, row.severity, 'severity'),
    ...(row.reason === null ? {} : { reason: String(row.reason) }),
    ...(row.started_at_ms === null ? {} : { startedAtMs: Number(row.started_at_ms) }),
    ...(row.duration_ms === null ? {} : { durationMs: Number(row.duration_ms) }),
    ...(details === undefined ? {} : { details }),
  };
}

/**
 * MysqlCheckResultStore keeps check_results (migration 015) and reads what the recorder and the results API
 * need of checks and hosts (the model's tables, written by the model's own store).
 */
@injectable()
export class MysqlCheckResultStore implements CheckResultStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async insertOnce(result: NewCheckResult): Promise<{ result: RecordedResult; created: boolean }> {
    let header: ResultSetHeader;
    try {
      [header] = await this.db.executor().query<ResultSetHeader>(
        `INSERT INTO check_results (check_id, host_id, experiment_id, slot_ms, started_at_ms, duration_ms, outcome, value,
           message, severity, reason, details, fencing_token, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))`,
        [
          result.checkId,
          result.hostId,
          result.experimentId,
          result.slotMs,
          result.startedAtMs ?? null,
          result.durationMs ?? null,
          result.outcome,
          result.value ?? null,
          result.message,
          result.severity,
          result.reason ?? null,
          result.details === undefined ? null : JSON.stringify(result.details),
          result.fencingToken,
        ],
      );
    } catch (error) {
      // uq_check_results_slot: the slot's result is stored already. InnoDB undoes the statement only.
      if (errno(error) !== ER_DUP_ENTRY) throw translateMysqlError(error);
      const first = await this.findSlot(result.checkId, result.hostId, result.slotMs);
      if (!first) throw translateMysqlError(error);
      return { result: first, created: false };
    }
    const stored: RecordedResult = {
      id: Number(header.insertId),
      checkId: result.checkId,
      hostId: result.hostId,
      experimentId: result.experimentId,
      slotMs: result.slotMs,
      outcome: result.outcome,
      ...(result.value === undefined ? {} : { value: result.value }),
      message: result.message,
      severity: result.severity,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(result.startedAtMs === undefined ? {} : { startedAtMs: result.startedAtMs }),
      ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
      ...(result.details === undefined ? {} : { details: result.details }),
    };
    return { result: stored, created: true };
  }

  async findSlot(checkId: number, hostId: number, slotMs: number): Promise<RecordedResult | undefined> {
    // A locking read inside a transaction sees what another one committed after this one's snapshot.
    const locking = this.db.inTransactionScope() ? ' LOCK IN SHARE MODE' : '';
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM check_results r WHERE r.check_id = ? AND r.host_id = ? AND r.slot_ms = ?${locking}`, [
        checkId,
        hostId,
        slotMs,
      ]);
    return rows[0] && resultOf(rows[0]);
  }

  async readings(checkId: number, hostId: number, beforeSlotMs: number, count: number): Promise<ResultReading[]> {
    if (count <= 0) return [];
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT value, message FROM check_results
        WHERE check_id = ? AND host_id = ? AND slot_ms < ? AND value IS NOT NULL
        ORDER BY slot_ms DESC LIMIT ?`,
      [checkId, hostId, beforeSlotMs, count],
    );
    return rows.map((row) => ({ value: Number(row.value), message: String(row.message) })).reverse();
  }

  async list(query: CheckResultQuery): Promise<RecordedResult[]> {
    const where = ['r.check_id = ?'];
    const values: unknown[] = [query.checkId];
    if (query.hostId !== undefined) {
      where.push('r.host_id = ?');
      values.push(query.hostId);
    }
    if (query.fromMs !== undefined) {
      where.push('r.slot_ms >= ?');
      values.push(query.fromMs);
    }
    if (query.toMs !== undefined) {
      where.push('r.slot_ms < ?');
      values.push(query.toMs);
    }
    if (query.before !== undefined) {
      where.push('(r.slot_ms < ? OR (r.slot_ms = ? AND r.id < ?))');
      values.push(query.before.slotMs, query.before.slotMs, query.before.id);
    }
    values.push(query.limit);
    // One host: the slot is unique (uq_check_results_slot gives the order, no sort). Every host:
    // ix_check_results_check_slot, whose entries end with the id.
    const order = query.hostId === undefined ? 'r.slot_ms DESC, r.id DESC' : 'r.slot_ms DESC';
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM check_results r WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`, values);
    return rows.map(resultOf);
  }

  async latestOfHost(hostId: number): Promise<HostCheckResult[]> {
    const [checks] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT c.id, c.name FROM checks c
        WHERE c.id IN (SELECT check_id FROM check_hosts WHERE host_id = ?)
           OR c.id IN (SELECT g.check_id FROM check_host_groups g JOIN host_group_members m ON m.group_id = g.group_id WHERE m.host_id = ?)
        ORDER BY c.name`,
      [hostId, hostId],
    );
    if (checks.length === 0) return [];
    const names = new Map(checks.map((row) => [Number(row.id), String(row.name)]));
    // One indexed probe per check (uq_check_results_slot), rather than grouping the host's whole history.
    const probe = `(SELECT ${COLUMNS} FROM check_results r WHERE r.check_id = ? AND r.host_id = ? ORDER BY r.slot_ms DESC LIMIT 1)`;
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      checks.map(() => probe).join(' UNION ALL '),
      checks.flatMap((row) => [Number(row.id), hostId]),
    );
    const results = rows.map((row) => ({ ...resultOf(row), checkName: names.get(Number(row.check_id)) ?? '' }));
    return results.sort((a, b) => (a.checkName < b.checkName ? -1 : a.checkName > b.checkName ? 1 : a.checkId - b.checkId));
  }

  async classifierOf(checkId: number): Promise<CheckClassifierRow | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT id, version, classifier FROM checks WHERE id = ?', [checkId]);
    const row = rows[0];
    if (!row) return undefined;
    return { checkId: Number(row.id), version: Number(row.version), classifier: row.classifier === null ? null : String(row.classifier) };
  }

  async checkById(checkId: number): Promise<OwnedRow | undefined> {
    return this.owned('checks', checkId);
  }

  async hostById(hostId: number): Promise<OwnedRow | undefined> {
    return this.owned('hosts', hostId);
  }

  private async owned(table: 'checks' | 'hosts', id: number): Promise<OwnedRow | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(`SELECT id, experiment_id, name FROM ${table} WHERE id = ?`, [id]);
    const row = rows[0];
    return row && { id: Number(row.id), experimentId: Number(row.experiment_id), name: String(row.name) };
  }
}
