import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Page } from '../domain/page';
import type { NewUser, User, UserChanges } from '../domain/user';
import { TYPES } from '../identifiers';
import type { Transactor, UserStore } from '../storage/stores';
import { AuditTrail } from './audit-trail';
import { requireAdmin, requireSelfOrAdmin } from './authorization';
import { afterIdFromCursor, pageById } from './pagination';

/**
 * UserService manages users: ADMINs create, read, update and erase them; a SCIENTIST may only read
 * their own record. Erasure wipes personal data and keeps a pseudonymous tombstone for the audit trail.
 * Like every service, each method that acts for a person takes the acting User first and applies the
 * authorization matrix (./authorization.ts) itself.
 */
@injectable()
export class UserService {
  constructor(
    @inject(TYPES.UserStore) private readonly users: UserStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
  ) {}

  /** Maps a verified identity to its user; undefined when no active user has that username. */
  authenticate(username: string): Promise<User | undefined> {
    return this.users.findByUsername(username);
  }

  async create(actor: User, user: NewUser): Promise<User> {
    requireAdmin(actor, 'create users');
    return this.insert(user, actor.pseudonym);
  }

  /** Bootstraps a user without an acting admin (the CLI's `mymonit user create`). */
  createFromCli(user: NewUser): Promise<User> {
    return this.insert(user, null);
  }

  private insert(user: NewUser, actor: string | null): Promise<User> {
    return this.tx.inTransaction(async () => {
      const created = await this.users.insert({ ...user, pseudonym: randomUUID() });
      await this.audit.record({
        actor,
        action: 'user.create',
        resourceType: 'user',
        resourceId: created.pseudonym,
        outcome: 'success',
        detail: { role: created.role },
      });
      return created;
    });
  }

  async list(actor: User, limit: number, cursor?: string): Promise<Page<User>> {
    requireAdmin(actor, 'list users');
    const rows = await this.users.list({ afterId: afterIdFromCursor(cursor), limit: limit + 1 });
    return pageById(rows, limit);
  }

  async get(actor: User, id: number): Promise<User> {
    requireSelfOrAdmin(actor, id);
    return this.existing(id);
  }

  async update(actor: User, id: number, changes: UserChanges): Promise<User> {
    requireAdmin(actor, 'update users');
    return this.tx.inTransaction(async () => {
      const current = await this.existing(id);
      if (current.erasedAt) throw new ConflictError(`user ${id} is erased`);
      if (current.isAdmin && changes.role && changes.role !== 'ADMIN') await this.keepOneAdmin();
      const updated = await this.users.update(id, changes);
      if (!updated) throw new NotFoundError(`user ${id} not found`);
      await this.audit.record({
        action: 'user.update',
        resourceType: 'user',
        resourceId: updated.pseudonym,
        outcome: 'success',
        detail: { fields: Object.keys(changes).sort().join(',') },
      });
      return updated;
    });
  }

  async erase(actor: User, id: number): Promise<void> {
    requireAdmin(actor, 'erase users');
    await this.tx.inTransaction(async () => {
      const current = await this.existing(id);
      if (current.erasedAt) return;
      if (current.isAdmin) await this.keepOneAdmin();
      await this.users.erase(id);
      await this.audit.record({
        action: 'user.erase',
        resourceType: 'user',
        resourceId: current.pseudonym,
        outcome: 'success',
      });
    });
  }

  private async existing(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    return user;
  }

  /** Nobody could ever administer the platform again if the last ADMIN were removed or demoted. */
  private async keepOneAdmin(): Promise<void> {
    if ((await this.users.countAdmins()) <= 1) throw new ConflictError('the last ADMIN cannot be removed or demoted');
  }
}
