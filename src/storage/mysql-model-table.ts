import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { ModelListQuery, ModelTable, Owned } from './checks-stores';
import type { MysqlDatabase } from './mysql-database';
import { translatingErrors } from './mysql-errors';
import { keysetBounds } from './sql-window';

/** The row of an aggregate's own table, with its experiment's code. */
export interface OwnedRow extends RowDataPacket {
  id: number;
  experiment_id: number;
  code: string;
}

/** Child rows grouped by their parent's id, in query order. */
export function groupBy<R extends RowDataPacket>(rows: readonly R[], parent: (row: R) => number): Map<number, R[]> {
  const map = new Map<number, R[]>();
  for (const row of rows) {
    const key = parent(row);
    const list = map.get(key) ?? [];
    list.push(row);
    map.set(key, list);
  }
  return map;
}

/**
 * What the five tables of the checks model share: keyset lists scoped to experiments, reads by id that
 * load children in one query per child table, deletes, and unique-name conflicts as ConflictError.
 * Subclasses map rows and write their children.
 */
export abstract class MysqlModelTable<T, N> implements ModelTable<T, N> {
  protected abstract readonly table: string;
  /** Unique key name -> the conflict's message. */
  protected abstract readonly conflicts: Readonly<Record<string, string>>;

  constructor(protected readonly db: MysqlDatabase) {}

  /** The rows of these ids (rows of `table` joined with their experiment's code), children included, by id. */
  protected abstract load(rows: readonly OwnedRow[]): Promise<Owned<T>[]>;
  abstract insert(row: N): Promise<Owned<T>>;
  abstract update(id: number, row: N): Promise<Owned<T> | undefined>;

  /** Before the row goes: bump the versions of what changes with it. */
  protected beforeDelete(id: number): Promise<void> {
    void id;
    return Promise.resolve();
  }

  async get(id: number): Promise<Owned<T> | undefined> {
    return (await this.select('t.id = ?', [id]))[0];
  }

  async list(query: ModelListQuery): Promise<Owned<T>[]> {
    const { afterId, limit } = keysetBounds(query);
    const where = ['t.id > ?'];
    const params: unknown[] = [afterId];
    if (query.scope.kind === 'experiments') {
      if (query.scope.experimentIds.length === 0) return [];
      where.push('t.experiment_id IN (?)');
      params.push(query.scope.experimentIds);
    }
    if (query.experimentId !== undefined) {
      where.push('t.experiment_id = ?');
      params.push(query.experimentId);
    }
    return this.select(where.join(' AND '), params, limit);
  }

  delete(id: number): Promise<boolean> {
    return this.db.inTransaction(async () => {
      const [locked] = await this.db.executor().query<RowDataPacket[]>(`SELECT id FROM ${this.table} WHERE id = ? FOR UPDATE`, [id]);
      if (locked.length === 0) return false;
      await this.beforeDelete(id);
      await this.db.executor().query<ResultSetHeader>(`DELETE FROM ${this.table} WHERE id = ?`, [id]);
      return true;
    });
  }

  protected async select(where: string, params: readonly unknown[], limit?: number): Promise<Owned<T>[]> {
    const [rows] = await this.db.executor().query<OwnedRow[]>(
      `SELECT t.*, e.code FROM ${this.table} t JOIN experiments e ON e.id = t.experiment_id
        WHERE ${where} ORDER BY t.id${limit === undefined ? '' : ' LIMIT ?'}`,
      limit === undefined ? [...params] : [...params, limit],
    );
    return rows.length === 0 ? [] : this.load(rows);
  }

  /** The row's own INSERT (name conflicts as ConflictError); its id. */
  protected async insertRow(columns: readonly string[], values: readonly unknown[]): Promise<number> {
    const now = new Date();
    const [result] = await translatingErrors(
      () =>
        this.db
          .executor()
          .query<ResultSetHeader>(
            `INSERT INTO ${this.table} (${columns.join(', ')}, created_at, updated_at) VALUES (${columns.map(() => '?').join(', ')}, ?, ?)`,
            [...values, now, now],
          ),
      this.conflicts,
    );
    return result.insertId;
  }

  /** The row's own UPDATE (`extra`: more assignments, e.g. the version); false when there is no such row. */
  protected async updateRow(id: number, columns: readonly string[], values: readonly unknown[], extra = ''): Promise<boolean> {
    const [locked] = await this.db.executor().query<RowDataPacket[]>(`SELECT id FROM ${this.table} WHERE id = ? FOR UPDATE`, [id]);
    if (locked.length === 0) return false;
    await translatingErrors(
      () =>
        this.db
          .executor()
          .query<ResultSetHeader>(
            `UPDATE ${this.table} SET ${columns.map((c) => `${c} = ?`).join(', ')}${extra}, updated_at = ? WHERE id = ?`,
            [...values, new Date(), id],
          ),
      this.conflicts,
    );
    return true;
  }

  /** Replaces the (parent, child) rows of a link table. */
  protected async replaceLinks(table: string, parentColumn: string, childColumn: string, parentId: number, childIds: readonly number[]): Promise<void> {
    const executor = this.db.executor();
    await executor.query(`DELETE FROM ${table} WHERE ${parentColumn} = ?`, [parentId]);
    if (childIds.length === 0) return;
    await translatingErrors(() =>
      executor.query(`INSERT INTO ${table} (${parentColumn}, ${childColumn}) VALUES ?`, [childIds.map((child) => [parentId, child])]),
    );
  }

  /** The child ids of each parent in a link table, ascending. */
  protected async links(table: string, parentColumn: string, childColumn: string, parentIds: readonly number[]): Promise<Map<number, number[]>> {
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(`SELECT ${parentColumn} AS parent, ${childColumn} AS child FROM ${table} WHERE ${parentColumn} IN (?) ORDER BY ${childColumn}`, [
        parentIds,
      ]);
    const map = new Map<number, number[]>();
    for (const row of rows) {
      const list = map.get(Number(row.parent)) ?? [];
      list.push(Number(row.child));
      map.set(Number(row.parent), list);
    }
    return map;
  }

  /** Loads the row just written: it exists, the transaction holds it. */
  protected async written(id: number): Promise<Owned<T>> {
    const row = await this.get(id);
    if (!row) throw new Error(`${this.table} ${id} vanished inside its own transaction`);
    return row;
  }
}

/** Bumps the version of every check that runs on this host (directly or through a host group). */
export async function bumpChecksOfHost(db: MysqlDatabase, hostId: number): Promise<void> {
  await db.executor().query(
    `UPDATE checks SET version = version + 1 WHERE id IN (
       SELECT check_id FROM check_hosts WHERE host_id = ?
       UNION SELECT g.check_id FROM check_host_groups g JOIN host_group_members m ON m.group_id = g.group_id WHERE m.host_id = ?)`,
    [hostId, hostId],
  );
}

export async function bumpChecksOfGroup(db: MysqlDatabase, groupId: number): Promise<void> {
  await db.executor().query('UPDATE checks SET version = version + 1 WHERE id IN (SELECT check_id FROM check_host_groups WHERE group_id = ?)', [groupId]);
}
