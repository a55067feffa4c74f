import { inject, injectable } from 'inversify';
import type { ClassifierChecker } from '../../alerting/rules/checkers';
import type { Check, Host, HostGroup, Schedule, Service } from '../../checks/model';
import { NotFoundError, ValidationError } from '../../domain/errors';
import type { Page } from '../../domain/page';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import type { ChecksModelStore, ModelTable, Owned } from '../../storage/checks-stores';
import type { ExperimentStore, Transactor } from '../../storage/stores';
import { AuditTrail } from '../audit-trail';
import { ExperimentVisibility, requireAdmin, requiredAssociation } from '../authorization';
import { afterIdFromCursor, pageById } from '../pagination';
import { ModelInputs, type CheckInput, type HostGroupInput, type HostInput, type ScheduleInput, type ServiceInput } from './model-inputs';
import { experimentScopeOf } from '../experiment-scope';

export interface ModelListRequest {
  /** Only this experiment's rows (its code); 404 when the actor cannot see it. */
  readonly experiment?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** The five resources' common operations: what a REST resource file calls. */
export interface ModelResource<T, I> {
  create(actor: User, input: I): Promise<Owned<T>>;
  list(actor: User, request: ModelListRequest): Promise<Page<Owned<T>>>;
  get(actor: User, id: number): Promise<Owned<T>>;
  update(actor: User, id: number, input: I): Promise<Owned<T>>;
  delete(actor: User, id: number): Promise<void>;
}

type Row = { readonly id: number; readonly experimentId: number; readonly name: string; readonly version?: number };

/** How one aggregate is named, stored and read from its body. */
interface Aggregate<T extends Row, N, I> {
  /** Audit resource type and message noun, e.g. 'host-group'. */
  readonly noun: string;
  readonly table: ModelTable<T, N>;
  build(inputs: ModelInputs, input: I): Promise<N | undefined> | N;
}

function refused(problems: ReadonlyArray<{ path: string; message: string }>): ValidationError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new ValidationError(`${first?.path ?? ''}: ${first?.message ?? 'is not valid'}${more}`, { errors: problems, field: first?.path });
}

/**
 * ChecksModelService manages the checks model (issue 14): hosts, host groups, checks, schedules and
 * services, each belonging to one experiment (ADR 0008). ADMINs write (audited in the write's transaction,
 * `<noun>.create|update|delete`); a SCIENTIST reads the rows of the experiments associated with them, and any
 * other answers 404 (writes answer 403 before any lookup). A body's references must be rows of its own
 * experiment: a missing or foreign id is a 400 naming the field; a repeated name a 409.
 */
@injectable()
export class ChecksModelService {
  readonly hosts: ModelResource<Host, HostInput>;
  readonly hostGroups: ModelResource<HostGroup, HostGroupInput>;
  readonly checks: ModelResource<Check, CheckInput>;
  readonly schedules: ModelResource<Schedule, ScheduleInput>;
  readonly services: ModelResource<Service, ServiceInput>;

  constructor(
    @inject(TYPES.ChecksModelStore) private readonly store: ChecksModelStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
    @inject(TYPES.ClassifierChecker) private readonly classifiers: ClassifierChecker,
  ) {
    this.hosts = this.resource({ noun: 'host', table: store.hosts, build: (inputs, input: HostInput) => inputs.host(input) });
    this.hostGroups = this.resource({ noun: 'host-group', table: store.hostGroups, build: (inputs, input: HostGroupInput) => inputs.hostGroup(input) });
    this.checks = this.resource({ noun: 'check', table: store.checks, build: (inputs, input: CheckInput) => inputs.check(input) });
    this.schedules = this.resource({ noun: 'schedule', table: store.schedules, build: (inputs, input: ScheduleInput) => inputs.schedule(input) });
    this.services = this.resource({ noun: 'service', table: store.services, build: (inputs, input: ServiceInput) => inputs.service(input) });
  }

  private resource<T extends Row, N, I extends { readonly experiment: string }>(aggregate: Aggregate<T, N, I>): ModelResource<T, I> {
    const { noun, table } = aggregate;
    const missing = (id: number) => new NotFoundError(`${noun} ${id} not found`);
    return {
      create: async (actor, input) => {
        requireAdmin(actor, `create ${noun}s`);
        return this.tx.inTransaction(async () => {
          const experiment = await this.experiments.findByCode(input.experiment);
          if (!experiment) throw refused([{ path: 'experiment', message: `no experiment has the code ${JSON.stringify(input.experiment)}` }]);
          const created = await table.insert(await this.built(aggregate, experiment.id, input));
          await this.record(`${noun}.create`, noun, created);
          return created;
        });
      },
      list: async (actor, request) => {
        const afterId = afterIdFromCursor(request.cursor);
        const experimentId = request.experiment === undefined ? undefined : (await this.visibility.visible(actor, request.experiment)).id;
        const rows = await table.list({
          scope: await experimentScopeOf(this.experiments, actor),
          ...(experimentId === undefined ? {} : { experimentId }),
          ...(afterId === undefined ? {} : { afterId }),
          limit: request.limit + 1,
        });
        return pageById(rows, request.limit);
      },
      get: async (actor, id) => {
        const row = await table.get(id);
        if (!row || !(await this.canSee(actor, row.experimentId))) throw missing(id);
        return row;
      },
      update: async (actor, id, input) => {
        requireAdmin(actor, `change ${noun}s`);
        return this.tx.inTransaction(async () => {
          const current = await table.get(id);
          if (!current) throw missing(id);
          if (input.experiment !== current.experiment) {
            throw refused([{ path: 'experiment', message: `a ${noun} stays in its experiment (${current.experiment}): delete it and create it in the other` }]);
          }
          const updated = await table.update(id, await this.built(aggregate, current.experimentId, input));
          if (!updated) throw missing(id);
          await this.record(`${noun}.update`, noun, updated);
          return updated;
        });
      },
      delete: async (actor, id) => {
        requireAdmin(actor, `delete ${noun}s`);
        await this.tx.inTransaction(async () => {
          const current = await table.get(id);
          if (!current || !(await table.delete(id))) throw missing(id);
          await this.record(`${noun}.delete`, noun, current);
        });
      },
    };
  }

  private async built<T extends Row, N, I>(aggregate: Aggregate<T, N, I>, experimentId: number, input: I): Promise<N> {
    const inputs = new ModelInputs(this.store, this.classifiers, experimentId);
    const row = await aggregate.build(inputs, input);
    if (inputs.problems.length > 0 || row === undefined) throw refused(inputs.problems);
    return row;
  }

  private record(action: string, noun: string, row: Owned<Row>): Promise<void> {
    return this.audit.record({
      action,
      resourceType: noun,
      resourceId: String(row.id),
      outcome: 'success',
      detail: { experiment: row.experiment, name: row.name, ...(row.version === undefined ? {} : { version: row.version }) },
    });
  }

  private async canSee(actor: User, experimentId: number): Promise<boolean> {
    const userId = requiredAssociation(actor);
    return userId === undefined || this.experiments.isAssociated(experimentId, userId);
  }

}
