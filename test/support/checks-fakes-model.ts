import type { Check, Host, HostGroup, Schedule, Service } from '../../src/checks/model';
import { ConflictError } from '../../src/domain/errors';
import type {
  ChecksModelStore,
  ModelListQuery,
  ModelTable,
  NewCheck,
  NewHost,
  NewHostGroup,
  NewSchedule,
  NewService,
  Owned,
  ReferencedTable,
} from '../../src/storage/checks-stores';

type Versioned = { readonly id: number; readonly experimentId: number; readonly name: string; readonly version?: number };

/**
 * ChecksModelStore in memory (unit tests of the model service, and stand-in for the other parts of issue 14):
 * name conflicts, keyset lists and version bumps as the MySQL store; references are kept as given.
 */
class InMemoryTable<T extends Versioned, N extends { readonly experimentId: number; readonly name: string }> implements ModelTable<T, N> {
  readonly rows = new Map<number, Owned<T>>();
  private next = 1;

  constructor(
    private readonly codes: (experimentId: number) => string,
    private readonly make: (id: number, row: N, previous?: Owned<T>) => T,
  ) {}

  async insert(row: N): Promise<Owned<T>> {
    this.unique(row);
    const stored = { ...this.make(this.next++, row), experiment: this.codes(row.experimentId) };
    this.rows.set(stored.id, stored);
    return stored;
  }

  async get(id: number): Promise<Owned<T> | undefined> {
    return this.rows.get(id);
  }

  async list(query: ModelListQuery): Promise<Owned<T>[]> {
    const scope = query.scope.kind === 'all' ? undefined : new Set(query.scope.experimentIds);
    return [...this.rows.values()]
      .filter((r) => r.id > (query.afterId ?? 0) && (!scope || scope.has(r.experimentId)) && (query.experimentId === undefined || r.experimentId === query.experimentId))
      .sort((a, b) => a.id - b.id)
      .slice(0, query.limit);
  }

  async update(id: number, row: N): Promise<Owned<T> | undefined> {
    const previous = this.rows.get(id);
    if (!previous) return undefined;
    this.unique(row, id);
    const stored = { ...this.make(id, row, previous), experiment: previous.experiment };
    this.rows.set(id, stored);
    return stored;
  }

  async delete(id: number): Promise<boolean> {
    return this.rows.delete(id);
  }

  private unique(row: N, except?: number): void {
    for (const other of this.rows.values()) {
      if (other.id !== except && other.experimentId === row.experimentId && other.name === row.name) throw new ConflictError('the experiment already has one of that name');
    }
  }
}

export class InMemoryChecksModelStore implements ChecksModelStore {
  readonly hosts: InMemoryTable<Host, NewHost>;
  readonly hostGroups: InMemoryTable<HostGroup, NewHostGroup>;
  readonly checks: InMemoryTable<Check, NewCheck>;
  readonly schedules: InMemoryTable<Schedule, NewSchedule>;
  readonly services: InMemoryTable<Service, NewService>;
  private intervalIds = 1;
  private groupIds = 1;

  /** `codes`: experiment id -> code, as the experiments table joins it. */
  constructor(codes: (experimentId: number) => string) {
    this.hosts = new InMemoryTable(codes, (id, row) => ({ ...row, id }));
    this.hostGroups = new InMemoryTable(codes, (id, row) => ({ ...row, id }));
    this.checks = new InMemoryTable(codes, (id, row, previous) => ({ ...row, id, version: (previous?.version ?? 0) + 1 }));
    this.schedules = new InMemoryTable(codes, (id, row, previous) => ({
      ...row,
      id,
      version: (previous?.version ?? 0) + 1,
      intervals: row.intervals.map(
        (i) => previous?.intervals.find((p) => p.startMs === i.startMs && p.periodMs === i.periodMs) ?? { ...i, id: this.intervalIds++ },
      ),
    }));
    this.services = new InMemoryTable(codes, (id, row, previous) => ({
      ...row,
      id,
      redundancyGroups: row.redundancyGroups.map((g) => ({ ...g, id: previous?.redundancyGroups.find((p) => p.name === g.name)?.id ?? this.groupIds++ })),
    }));
  }

  async owners(table: ReferencedTable, ids: readonly number[]): Promise<Map<number, number>> {
    const rows: ReadonlyMap<number, Versioned> = table === 'hosts' ? this.hosts.rows : table === 'host_groups' ? this.hostGroups.rows : this.checks.rows;
    const found = new Map<number, number>();
    for (const id of ids) {
      const row = rows.get(id);
      if (row) found.set(id, row.experimentId);
    }
    return found;
  }
}

