import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Experiment, ExperimentChanges, NewExperiment } from '../domain/experiment';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import { translatingErrors } from './mysql-errors';
import { keysetBounds } from './sql-window';
import type { ExperimentStore, ListWindow } from './stores';
import { toUser, USER_COLUMNS, type UserRow } from './user-rows';

interface ExperimentRow extends RowDataPacket {
  id: number;
  code: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'e.id, e.code, e.name, e.description, e.created_at, e.updated_at';

const CONFLICTS = { uq_experiments_code: 'experiment code is already taken' };

function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: Number(row.id),
    code: row.code,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** MysqlExperimentStore keeps experiments and which users are associated with them. */
@injectable()
export class MysqlExperimentStore implements ExperimentStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async insert(experiment: NewExperiment): Promise<Experiment> {
    const now = new Date();
    await translatingErrors(
      () =>
        this.db
          .executor()
          .query<ResultSetHeader>(
            'INSERT INTO experiments (code, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
            [experiment.code, experiment.name, experiment.description ?? null, now, now],
          ),
      CONFLICTS,
    );
    const inserted = await this.findByCode(experiment.code);
    if (!inserted) throw new Error('an experiment vanished right after its insert');
    return inserted;
  }

  async findByCode(code: string): Promise<Experiment | undefined> {
    const [rows] = await this.db
      .executor()
      .query<ExperimentRow[]>(`SELECT ${COLUMNS} FROM experiments e WHERE e.code = ?`, [code]);
    return rows[0] && toExperiment(rows[0]);
  }

  async list(window: ListWindow & { associatedUserId?: number }): Promise<Experiment[]> {
    const { afterId, limit } = keysetBounds(window);
    const [rows] =
      window.associatedUserId === undefined
        ? await this.db
            .executor()
            .query<ExperimentRow[]>(`SELECT ${COLUMNS} FROM experiments e WHERE e.id > ? ORDER BY e.id LIMIT ?`, [
              afterId,
              limit,
            ])
        : await this.db.executor().query<ExperimentRow[]>(
            `SELECT ${COLUMNS} FROM experiments e
               JOIN experiment_users eu ON eu.experiment_id = e.id
              WHERE eu.user_id = ? AND e.id > ?
              ORDER BY e.id LIMIT ?`,
            [window.associatedUserId, afterId, limit],
          );
    return rows.map(toExperiment);
  }

  async update(code: string, changes: ExperimentChanges): Promise<Experiment | undefined> {
    const assignments: string[] = [];
    const values: unknown[] = [];
    if (changes.name !== undefined) {
      assignments.push('name = ?');
      values.push(changes.name);
    }
    if (changes.description !== undefined) {
      assignments.push('description = ?');
      values.push(changes.description);
    }
    if (assignments.length > 0) {
      await translatingErrors(() =>
        this.db
          .executor()
          .query<ResultSetHeader>(`UPDATE experiments SET ${assignments.join(', ')}, updated_at = ? WHERE code = ?`, [
            ...values,
            new Date(),
            code,
          ]),
      );
    }
    return this.findByCode(code);
  }

  /**
   * Measures have no foreign key (ingest speed, partitioning), so they are deleted explicitly, before their
   * series. The experiment row is locked first: ingest holds a shared lock on it while it writes, so a
   * delete never races a batch into leaving orphan measures.
   */
  async delete(code: string): Promise<boolean> {
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      const [rows] = await executor.query<RowDataPacket[]>('SELECT id FROM experiments WHERE code = ? FOR UPDATE', [
        code,
      ]);
      const [row] = rows;
      if (row === undefined) return false;
      const id = Number(row.id);
      await executor.query(
        'DELETE m FROM measures m JOIN series s ON s.id = m.series_id WHERE s.experiment_id = ?',
        [id],
      );
      // Rollups and their marks are keyed by series like measures, and go with them.
      for (const table of ['rollup_minute', 'rollup_hour', 'rollup_dirty']) {
        await executor.query(`DELETE r FROM ${table} r JOIN series s ON s.id = r.series_id WHERE s.experiment_id = ?`, [id]);
      }
      await executor.query('DELETE FROM series WHERE experiment_id = ?', [id]);
      await executor.query('DELETE FROM experiment_users WHERE experiment_id = ?', [id]);
      await executor.query('DELETE FROM experiments WHERE id = ?', [id]);
      return true;
    });
  }

  /** ON DUPLICATE KEY rather than INSERT IGNORE: IGNORE would also swallow a missing user or experiment. */
  async associate(experimentId: number, userId: number): Promise<void> {
    await translatingErrors(() =>
      this.db
        .executor()
        .query<ResultSetHeader>(
          'INSERT INTO experiment_users (experiment_id, user_id, created_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE experiment_id = experiment_id',
          [experimentId, userId, new Date()],
        ),
    );
  }

  async dissociate(experimentId: number, userId: number): Promise<boolean> {
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>('DELETE FROM experiment_users WHERE experiment_id = ? AND user_id = ?', [
        experimentId,
        userId,
      ]);
    return result.affectedRows > 0;
  }

  async listAssociatedUsers(experimentId: number): Promise<User[]> {
    const [rows] = await this.db.executor().query<UserRow[]>(
      `SELECT ${USER_COLUMNS} FROM users u
         JOIN experiment_users eu ON eu.user_id = u.id
        WHERE eu.experiment_id = ?
        ORDER BY u.id`,
      [experimentId],
    );
    return rows.map(toUser);
  }

  async isAssociated(experimentId: number, userId: number): Promise<boolean> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT 1 FROM experiment_users WHERE experiment_id = ? AND user_id = ? LIMIT 1', [
        experimentId,
        userId,
      ]);
    return rows.length > 0;
  }

  async idsByCode(codes: readonly string[]): Promise<Map<string, number>> {
    const unique = [...new Set(codes)];
    const ids = new Map<string, number>();
    if (unique.length === 0) return ids;
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>('SELECT id, code FROM experiments WHERE code IN (?)', [unique]);
    for (const row of rows) ids.set(String(row.code), Number(row.id));
    return ids;
  }
}
