import type { RowDataPacket } from 'mysql2/promise';
import type { Role } from '../domain/role';
import { User } from '../domain/user';

/** How a users row reads, and its mapping to the domain User; shared by the stores that join users. */
export interface UserRow extends RowDataPacket {
  id: number;
  pseudonym: string;
  user_id: string | null;
  name: string | null;
  username: string | null;
  email: string | null;
  role: Role;
  created_at: Date;
  updated_at: Date;
  erased_at: Date | null;
}

/** Select list for a query that aliases users as `u`. */
export const USER_COLUMNS = 'u.id, u.pseudonym, u.user_id, u.name, u.username, u.email, u.role, u.created_at, u.updated_at, u.erased_at';

export function toUser(row: UserRow): User {
  return new User({
    id: Number(row.id),
    pseudonym: row.pseudonym,
    userId: row.user_id,
    name: row.name,
    username: row.username,
    email: row.email,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    erasedAt: row.erased_at,
  });
}

