import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { NewUser, User, UserChanges } from '../domain/user';
import { TYPES } from '../identifiers';
import type { MysqlDatabase } from './mysql-database';
import { translatingErrors } from './mysql-errors';
import { keysetBounds } from './sql-window';
import { toUser, USER_COLUMNS, type UserRow } from './user-rows';
import type { ListWindow, UserStore } from './stores';

const CONFLICTS = {
  uq_users_username: 'username is already taken',
  uq_users_user_id: 'userId is already taken',
  uq_users_pseudonym: 'pseudonym is already taken',
};

/** The columns a UserChanges field writes; fixed here, never derived from input. */
const CHANGE_COLUMNS: ReadonlyArray<[keyof UserChanges, string]> = [
  ['userId', 'user_id'],
  ['name', 'name'],
  ['username', 'username'],
  ['email', 'email'],
  ['role', 'role'],
];

/** MysqlUserStore keeps users and their erasure tombstones in the users table. */
@injectable()
export class MysqlUserStore implements UserStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  async insert(user: NewUser & { pseudonym: string }): Promise<User> {
    const now = new Date();
    const [result] = await translatingErrors(
      () =>
        this.db
          .executor()
          .query<ResultSetHeader>(
            'INSERT INTO users (pseudonym, user_id, name, username, email, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [user.pseudonym, user.userId, user.name, user.username, user.email, user.role, now, now],
          ),
      CONFLICTS,
    );
    const inserted = await this.findById(result.insertId);
    if (!inserted) throw new Error(`user ${result.insertId} vanished right after its insert`);
    return inserted;
  }

  async findById(id: number): Promise<User | undefined> {
    const [rows] = await this.db
      .executor()
      .query<UserRow[]>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const [rows] = await this.db
      .executor()
      .query<UserRow[]>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.username = ? AND u.erased_at IS NULL`, [
        username,
      ]);
    return rows[0] && toUser(rows[0]);
  }

  async list(window: ListWindow): Promise<User[]> {
    const { afterId, limit } = keysetBounds(window);
    const [rows] = await this.db
      .executor()
      .query<UserRow[]>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id > ? ORDER BY u.id LIMIT ?`, [afterId, limit]);
    return rows.map(toUser);
  }

  /** An erased user is a tombstone: it cannot be given personal data again, so it counts as absent here. */
  async update(id: number, changes: UserChanges): Promise<User | undefined> {
    const assignments: string[] = [];
    const values: unknown[] = [];
    for (const [field, column] of CHANGE_COLUMNS) {
      if (changes[field] === undefined) continue;
      assignments.push(`${column} = ?`);
      values.push(changes[field]);
    }
    if (assignments.length > 0) {
      await translatingErrors(
        () =>
          this.db
            .executor()
            .query<ResultSetHeader>(
              `UPDATE users SET ${assignments.join(', ')}, updated_at = ? WHERE id = ? AND erased_at IS NULL`,
              [...values, new Date(), id],
            ),
        CONFLICTS,
      );
    }
    const user = await this.findById(id);
    return user && user.erasedAt === null ? user : undefined;
  }

  /** Erasing twice keeps the first erasure time: the tombstone records when the data went. */
  async erase(id: number): Promise<User | undefined> {
    const now = new Date();
    await this.db
      .executor()
      .query<ResultSetHeader>(
        'UPDATE users SET name = NULL, email = NULL, username = NULL, user_id = NULL, erased_at = COALESCE(erased_at, ?), updated_at = ? WHERE id = ?',
        [now, now, id],
      );
    return this.findById(id);
  }

  /**
   * Inside a transaction the count locks the admin rows, so that two admins demoting or erasing each other
   * at once cannot both see "another admin is left" and leave none.
   */
  async countAdmins(): Promise<number> {
    const lock = this.db.inTransactionScope() ? ' FOR UPDATE' : '';
    const [rows] = await this.db
      .executor()
      .query<RowDataPacket[]>(
        `SELECT COUNT(*) AS admins FROM users WHERE role = 'ADMIN' AND erased_at IS NULL${lock}`,
      );
    const [row] = rows;
    return Number(row?.admins ?? 0);
  }
}
