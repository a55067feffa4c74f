import { doNotLog } from './do-not-log';
import type { Role } from './role';

/**
 * User is a person allowed to call the API. `username` is the identity provider's uid; `pseudonym` is a
 * random id that the audit trail uses, and that survives erasure when the personal fields are wiped.
 */
export class User {
  readonly id: number;
  readonly pseudonym: string;
  readonly userId: string | null;
  @doNotLog readonly name: string | null;
  @doNotLog readonly username: string | null;
  @doNotLog readonly email: string | null;
  readonly role: Role;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly erasedAt: Date | null;

  constructor(fields: UserFields) {
    this.id = fields.id;
    this.pseudonym = fields.pseudonym;
    this.userId = fields.userId;
    this.name = fields.name;
    this.username = fields.username;
    this.email = fields.email;
    this.role = fields.role;
    this.createdAt = fields.createdAt;
    this.updatedAt = fields.updatedAt;
    this.erasedAt = fields.erasedAt;
  }

  get isAdmin(): boolean {
    return this.role === 'ADMIN' && this.erasedAt === null;
  }
}

export interface UserFields {
  id: number;
  pseudonym: string;
  userId: string | null;
  name: string | null;
  username: string | null;
  email: string | null;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
  erasedAt: Date | null;
}

export interface NewUser {
  userId: string;
  name: string;
  username: string;
  email: string;
  role: Role;
}

export type UserChanges = Partial<NewUser>;
