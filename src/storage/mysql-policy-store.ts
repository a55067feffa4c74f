import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../identifiers';
import type { Tuple } from '../policies';
import type { MysqlDatabase } from './mysql-database';
import { translatingErrors } from './mysql-errors';
import type {
  NewPolicy,
  NewPolicyRejection,
  Policy,
  PolicyGeneration,
  PolicyListQuery,
  PolicyMonitorRow,
  PolicyMonitorUpdate,
  PolicyRejectionRow,
  PolicyStore,
  PolicyVerdictRow,
  StoredTimePointRow,
} from './policy-stores';
import { keysetBounds } from './sql-window';

const CONFLICTS = { uq_policies_name: 'the experiment already has a policy of that name' };
/** Rows per multi-row INSERT: 10,000 events are a handful of statements, each well under max_allowed_packet. */
const CHUNK = 2000;

/** BIGINT columns arrive as strings when past 2^53 (supportBigNumbers); ours never are, but read them as numbers explicitly. */
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function policyOf(row: RowDataPacket): Policy {
  return {
    id: num(row.id),
    experimentId: num(row.experiment_id),
    experiment: String(row.code),
    name: String(row.name),
    signature: String(row.signature),
    formula: String(row.formula),
    negate: Boolean(row.negate),
    generation: num(row.generation),
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

function monitorOf(row: RowDataPacket): PolicyMonitorRow {
  return {
    policyId: num(row.policy_id),
    generation: num(row.generation),
    firstTp: num(row.first_tp),
    nextTp: num(row.next_tp),
    lastTs: numOrNull(row.last_ts),
    ended: Boolean(row.ended),
    snapshot: row.snapshot === null ? null : String(row.snapshot),
    fencing: num(row.fencing),
    replayedEvents: numOrNull(row.replayed_events),
    storedEvents: numOrNull(row.stored_events),
  };
}

/** MysqlPolicyStore keeps the temporal policies of migrations 021 and 022. */
@injectable()
export class MysqlPolicyStore implements PolicyStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  insert(policy: NewPolicy, first: { readonly variables: readonly string[]; readonly snapshot: string }): Promise<Policy> {
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      const now = new Date();
      const [result] = await translatingErrors(
        () =>
          executor.query<ResultSetHeader>(
            `INSERT INTO policies (experiment_id, name, signature, formula, negate, generation, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
            [policy.experimentId, policy.name, policy.signature, policy.formula, policy.negate, now, now],
          ),
        CONFLICTS,
      );
      const id = result.insertId;
      await executor.query(
        `INSERT INTO policy_generations (policy_id, generation, signature, formula, negate, variables, first_tp, created_at)
         VALUES (?, 1, ?, ?, ?, ?, 0, ?)`,
        [id, policy.signature, policy.formula, policy.negate, JSON.stringify(first.variables), now],
      );
      await executor.query(
        `INSERT INTO policy_monitors (policy_id, generation, first_tp, next_tp, snapshot, fencing, updated_at) VALUES (?, 1, 0, 0, ?, 0, ?)`,
        [id, first.snapshot, now],
      );
      const created = await this.get(id);
      if (created === undefined) throw new Error(`policy ${id} vanished inside its own transaction`);
      return created;
    });
  }

  async get(id: number): Promise<Policy | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT p.*, e.code FROM policies p JOIN experiments e ON e.id = p.experiment_id WHERE p.id = ?', [id]);
    const row = rows[0];
    return row === undefined ? undefined : policyOf(row);
  }

  async list(query: PolicyListQuery): Promise<Policy[]> {
    const { afterId, limit } = keysetBounds(query);
    const where = ['p.id > ?'];
    const params: unknown[] = [afterId];
    if (query.scope.kind === 'experiments') {
      if (query.scope.experimentIds.length === 0) return [];
      where.push('p.experiment_id IN (?)');
      params.push(query.scope.experimentIds);
    }
    if (query.experimentId !== undefined) {
      where.push('p.experiment_id = ?');
      params.push(query.experimentId);
    }
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(
        `SELECT p.*, e.code FROM policies p JOIN experiments e ON e.id = p.experiment_id WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT ?`,
        [...params, limit],
      );
    return rows.map(policyOf);
  }

  async rename(id: number, name: string): Promise<Policy | undefined> {
    const [result] = await translatingErrors(
      () => this.db.executor().query<ResultSetHeader>('UPDATE policies SET name = ?, updated_at = ? WHERE id = ?', [name, new Date(), id]),
      CONFLICTS,
    );
    return result.affectedRows === 0 ? undefined : this.get(id);
  }

  async changeGeneration(
    id: number,
    change: { readonly name: string; readonly signature: string; readonly formula: string; readonly negate: boolean; readonly generation: number; readonly variables: readonly string[] },
    monitor: PolicyMonitorUpdate,
    expectedFencing: number,
  ): Promise<boolean> {
    const executor = this.db.executor();
    const now = new Date();
    const [result] = await translatingErrors(
      () =>
        executor.query<ResultSetHeader>(
          'UPDATE policies SET name = ?, signature = ?, formula = ?, negate = ?, generation = ?, updated_at = ? WHERE id = ?',
          [change.name, change.signature, change.formula, change.negate, change.generation, now, id],
        ),
      CONFLICTS,
    );
    if (result.affectedRows === 0) return false;
    await executor.query(
      `INSERT INTO policy_generations (policy_id, generation, signature, formula, negate, variables, first_tp, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, change.generation, change.signature, change.formula, change.negate, JSON.stringify(change.variables), monitor.firstTp, now],
    );
    return this.saveMonitor(id, expectedFencing, monitor);
  }

  async delete(id: number): Promise<boolean> {
    const [result] = await this.db.executor().query<ResultSetHeader>('DELETE FROM policies WHERE id = ?', [id]);
    return result.affectedRows > 0;
  }

  async generation(policyId: number, generation: number): Promise<PolicyGeneration | undefined> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT * FROM policy_generations WHERE policy_id = ? AND generation = ?', [policyId, generation]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      generation: num(row.generation),
      signature: String(row.signature),
      formula: String(row.formula),
      negate: Boolean(row.negate),
      variables: JSON.parse(String(row.variables)) as string[],
      firstTp: num(row.first_tp),
    };
  }

  async lockMonitor(policyId: number): Promise<PolicyMonitorRow | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM policy_monitors WHERE policy_id = ? FOR UPDATE', [policyId]);
    const row = rows[0];
    return row === undefined ? undefined : monitorOf(row);
  }

  async monitor(policyId: number): Promise<PolicyMonitorRow | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT * FROM policy_monitors WHERE policy_id = ?', [policyId]);
    const row = rows[0];
    return row === undefined ? undefined : monitorOf(row);
  }

  async saveMonitor(policyId: number, expectedFencing: number, update: PolicyMonitorUpdate): Promise<boolean> {
    const counts = update.replayedEvents === undefined ? '' : ', replayed_events = ?, stored_events = ?';
    const [result] = await this.db.executor().query<ResultSetHeader>(
      `UPDATE policy_monitors SET generation = ?, first_tp = ?, next_tp = ?, last_ts = ?, ended = ?, snapshot = ?, holder = ?,
         lease_expires = NULL, updated_at = ?, fencing = fencing + 1${counts}
       WHERE policy_id = ? AND fencing = ?`,
      [
        update.generation,
        update.firstTp,
        update.nextTp,
        update.lastTs,
        update.ended,
        update.snapshot,
        update.holder,
        new Date(),
        ...(update.replayedEvents === undefined ? [] : [update.replayedEvents, update.storedEvents ?? null]),
        policyId,
        expectedFencing,
      ],
    );
    return result.affectedRows === 1;
  }

  async insertTimePoints(policyId: number, points: readonly StoredTimePointRow[]): Promise<void> {
    if (points.length === 0) return;
    const executor = this.db.executor();
    const now = new Date();
    for (const chunk of chunks(points)) {
      await executor.query('INSERT INTO policy_time_points (policy_id, tp, ts, event_count, received_at) VALUES ?', [
        chunk.map((p) => [policyId, p.tp, p.ts, p.events.length, now]),
      ]);
    }
    const events = points.flatMap((p) => p.events.map((e, seq) => [policyId, e.pred, p.ts, p.tp, seq, JSON.stringify(e.args)]));
    for (const chunk of chunks(events)) {
      await executor.query('INSERT INTO policy_events (policy_id, pred, ts, tp, seq, args) VALUES ?', [chunk]);
    }
  }

  async insertVerdicts(policyId: number, generation: number, verdicts: readonly PolicyVerdictRow[]): Promise<void> {
    if (verdicts.length === 0) return;
    const now = new Date();
    for (const chunk of chunks(verdicts)) {
      await this.db
        .executor()
        .query('INSERT INTO policy_verdicts (policy_id, generation, tp, ts, tuples, line, created_at) VALUES ?', [
          chunk.map((v) => [policyId, generation, v.tp, v.ts, JSON.stringify(v.tuples), v.line, now]),
        ]);
    }
  }

  async insertRejection(rejection: NewPolicyRejection): Promise<number> {
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>('INSERT INTO policy_rejections (policy_id, received_at, source, reason, body) VALUES (?, ?, ?, ?, ?)', [
        rejection.policyId,
        new Date(),
        rejection.source,
        rejection.reason,
        rejection.body,
      ]);
    return result.insertId;
  }

  async claimDelivery(policyId: number, deliveryId: string): Promise<boolean> {
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>('INSERT IGNORE INTO policy_deliveries (policy_id, message_id, received_at) VALUES (?, ?, ?)', [policyId, deliveryId, new Date()]);
    return result.affectedRows === 1;
  }

  async insertRejections(rejections: readonly NewPolicyRejection[]): Promise<number[]> {
    const ids: number[] = [];
    // One row at a time: each rejection's id is answered to the client (a multi-row INSERT's ids are only
    // consecutive under innodb_autoinc_lock_mode settings we do not control). Rejections are the rare case.
    for (const rejection of rejections) ids.push(await this.insertRejection(rejection));
    return ids;
  }

  async verdicts(policyId: number, generation: number, afterTp: number | undefined, limit: number): Promise<PolicyVerdictRow[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      `SELECT tp, ts, tuples, line FROM policy_verdicts WHERE policy_id = ? AND generation = ? AND tp > ? ORDER BY tp LIMIT ?`,
      // -1 is below every tp: the first page.
      [policyId, generation, afterTp ?? -1, limit],
    );
    return rows.map((row) => ({ tp: num(row.tp), ts: num(row.ts), tuples: JSON.parse(String(row.tuples)) as Tuple[], line: String(row.line) }));
  }

  async rejections(policyId: number, afterId: number | undefined, limit: number): Promise<PolicyRejectionRow[]> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>(
      'SELECT id, received_at, source, reason, body FROM policy_rejections WHERE policy_id = ? AND id > ? ORDER BY id LIMIT ?',
      [policyId, afterId ?? 0, limit],
    );
    return rows.map((row) => ({
      id: num(row.id),
      receivedAt: row.received_at as Date,
      source: row.source === 'amqp' ? 'amqp' : 'rest',
      reason: String(row.reason),
      body: String(row.body),
    }));
  }

  async firingAlerts(policyId: number): Promise<string> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT firing FROM policy_alert_states WHERE policy_id = ?', [policyId]);
    return rows[0] === undefined ? '[]' : String(rows[0].firing);
  }

  async saveFiringAlerts(policyId: number, firing: string): Promise<void> {
    await this.db
      .executor()
      .query('INSERT INTO policy_alert_states (policy_id, firing, updated_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE firing = VALUES(firing), updated_at = VALUES(updated_at)', [
        policyId,
        firing,
        new Date(),
      ]);
  }
}
