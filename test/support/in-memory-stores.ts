import type { AuditEvent, StoredAuditEvent } from '../../src/domain/audit-event';
import { ConflictError } from '../../src/domain/errors';
import type { Experiment, ExperimentChanges, NewExperiment } from '../../src/domain/experiment';
import type { Series, StoredMeasure } from '../../src/domain/measure';
import type { NewRejectedMessage, RejectedMessage } from '../../src/domain/rejected-message';
import { User, type NewUser, type UserChanges } from '../../src/domain/user';
import type {
  AuditQuery,
  AuditStore,
  ExperimentStore,
  ListWindow,
  RejectedMessageQuery,
  RejectedMessageStore,
  Transactor,
  UserStore,
  MeasureReader,
  SeriesFilter,
} from '../../src/storage/stores';

/**
 * In-memory stand-ins for the storage interfaces, so that the services' rules (who may do what, erasure,
 * the last ADMIN) are checked without a database. They keep the contracts the interfaces document, not
 * MySQL's behaviour: the integration tests in test/integration/storage hold the real stores to those.
 */

const EPOCH = new Date('2026-01-01T00:00:00Z');

function windowed<T extends { id: number }>(rows: Iterable<T>, window: ListWindow): T[] {
  return [...rows]
    .filter((row) => row.id > (window.afterId ?? 0))
    .sort((a, b) => a.id - b.id)
    .slice(0, window.limit);
}

/** Runs the work as it is: the rules under test refuse before they write, so there is nothing to roll back. */
export class PassThroughTransactor implements Transactor {
  transactions = 0;
  inTransaction<T>(work: () => Promise<T>): Promise<T> {
    this.transactions++;
    return work();
  }
}

/** Commit hooks outside any transaction run at once, as the real database's do. */
export const immediateCommitHooks = { afterCommit: (callback: () => void): void => callback() };

export class InMemoryUserStore implements UserStore {
  readonly rows = new Map<number, User>();
  private nextId = 1;

  async insert(user: NewUser & { pseudonym: string }): Promise<User> {
    this.refuseTaken(user);
    const created = new User({ ...user, id: this.nextId++, createdAt: EPOCH, updatedAt: EPOCH, erasedAt: null });
    this.rows.set(created.id, created);
    return created;
  }

  async findById(id: number): Promise<User | undefined> {
    return this.rows.get(id);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    return [...this.rows.values()].find((u) => u.username === username && u.erasedAt === null);
  }

  async list(window: ListWindow): Promise<User[]> {
    return windowed(this.rows.values(), window);
  }

  async update(id: number, changes: UserChanges): Promise<User | undefined> {
    const current = this.rows.get(id);
    if (!current) return undefined;
    this.refuseTaken(changes, id);
    const updated = new User({ ...current, ...changes });
    this.rows.set(id, updated);
    return updated;
  }

  async erase(id: number): Promise<User | undefined> {
    const current = this.rows.get(id);
    if (!current) return undefined;
    const erased = new User({ ...current, name: null, email: null, username: null, userId: null, erasedAt: EPOCH });
    this.rows.set(id, erased);
    return erased;
  }

  async countAdmins(): Promise<number> {
    return [...this.rows.values()].filter((u) => u.isAdmin).length;
  }

  private refuseTaken(user: Partial<NewUser>, self?: number): void {
    for (const other of this.rows.values()) {
      if (other.id === self) continue;
      if (user.username !== undefined && other.username === user.username) throw new ConflictError('username is taken');
      if (user.userId !== undefined && other.userId === user.userId) throw new ConflictError('userId is taken');
    }
  }
}

export class InMemoryExperimentStore implements ExperimentStore {
  readonly rows = new Map<string, Experiment>();
  /** "experimentId:userId" */
  readonly associations = new Set<string>();
  private nextId = 1;

  constructor(private readonly users: InMemoryUserStore) {}

  async insert(experiment: NewExperiment): Promise<Experiment> {
    if (this.rows.has(experiment.code)) throw new ConflictError(`experiment ${experiment.code} exists`);
    const created: Experiment = { description: null, ...experiment, id: this.nextId++, createdAt: EPOCH, updatedAt: EPOCH };
    this.rows.set(created.code, created);
    return created;
  }

  async findByCode(code: string): Promise<Experiment | undefined> {
    return this.rows.get(code);
  }

  async list(window: ListWindow & { associatedUserId?: number }): Promise<Experiment[]> {
    const { associatedUserId } = window;
    const visible = [...this.rows.values()].filter(
      (e) => associatedUserId === undefined || this.associations.has(`${e.id}:${associatedUserId}`),
    );
    return windowed(visible, window);
  }

  async update(code: string, changes: ExperimentChanges): Promise<Experiment | undefined> {
    const current = this.rows.get(code);
    if (!current) return undefined;
    const updated = { ...current, ...changes };
    this.rows.set(code, updated);
    return updated;
  }

  async delete(code: string): Promise<boolean> {
    const current = this.rows.get(code);
    if (!current) return false;
    for (const key of [...this.associations]) if (key.startsWith(`${current.id}:`)) this.associations.delete(key);
    return this.rows.delete(code);
  }

  async associate(experimentId: number, userId: number): Promise<void> {
    this.associations.add(`${experimentId}:${userId}`);
  }

  async dissociate(experimentId: number, userId: number): Promise<boolean> {
    return this.associations.delete(`${experimentId}:${userId}`);
  }

  async listAssociatedUsers(experimentId: number): Promise<User[]> {
    return [...this.users.rows.values()].filter((u) => this.associations.has(`${experimentId}:${u.id}`));
  }

  async isAssociated(experimentId: number, userId: number): Promise<boolean> {
    return this.associations.has(`${experimentId}:${userId}`);
  }

  async idsByCode(codes: readonly string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const code of codes) {
      const experiment = this.rows.get(code);
      if (experiment) ids.set(code, experiment.id);
    }
    return ids;
  }
}

export class InMemoryAuditStore implements AuditStore {
  readonly events: StoredAuditEvent[] = [];

  async insert(event: AuditEvent): Promise<void> {
    this.events.push({ ...event, id: this.events.length + 1, at: EPOCH });
  }

  async list(query: AuditQuery): Promise<StoredAuditEvent[]> {
    return windowed(this.events, query);
  }
}

export class InMemoryRejectedMessageStore implements RejectedMessageStore {
  readonly rows = new Map<number, RejectedMessage>();
  private nextId = 1;

  async insert(message: NewRejectedMessage): Promise<RejectedMessage> {
    const stored: RejectedMessage = { ...message, id: this.nextId++, receivedAt: EPOCH };
    this.rows.set(stored.id, stored);
    return stored;
  }

  async findById(id: number): Promise<RejectedMessage | undefined> {
    return this.rows.get(id);
  }

  async record(message: NewRejectedMessage): Promise<{ id: number; created: boolean }> {
    return { id: (await this.insert(message)).id, created: true };
  }

  async list(query: RejectedMessageQuery): Promise<RejectedMessage[]> {
    return windowed([...this.rows.values()].filter((r) => query.reason === undefined || r.reason === query.reason), query);
  }

  async delete(id: number): Promise<boolean> {
    return this.rows.delete(id);
  }

  findForUpdate(id: number): Promise<RejectedMessage | undefined> {
    return this.findById(id);
  }
}

/** Series by experiment code; no measures are kept (the visibility rule is decided on the series). */
export class InMemoryMeasureReader implements MeasureReader {
  readonly seriesByCode = new Map<string, Series[]>();

  constructor(private readonly experiments: InMemoryExperimentStore) {}

  async series(experiment: { id: number; code: string }, filter: SeriesFilter = {}): Promise<Series[]> {
    return (this.seriesByCode.get(experiment.code) ?? []).filter(
      (s) => (filter.metric === undefined || s.metric === filter.metric) && (filter.source === undefined || s.source === filter.source),
    );
  }

  async visibleSeries(code: string, filter: SeriesFilter, associatedUserId?: number): Promise<Series[] | undefined> {
    const experiment = await this.experiments.findByCode(code);
    if (!experiment) return undefined;
    if (associatedUserId !== undefined && !(await this.experiments.isAssociated(experiment.id, associatedUserId))) return undefined;
    return this.series(experiment, filter);
  }

  async measures(): Promise<StoredMeasure[]> {
    return [];
  }
}
