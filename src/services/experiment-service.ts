import { inject, injectable } from 'inversify';
import { NotFoundError } from '../domain/errors';
import type { Experiment, ExperimentChanges, NewExperiment } from '../domain/experiment';
import type { Page } from '../domain/page';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { ExperimentStore, Transactor, UserStore } from '../storage/stores';
import { AuditTrail } from './audit-trail';
import { ExperimentVisibility, requireAdmin, requiredAssociation } from './authorization';
import { afterIdFromCursor, pageById } from './pagination';

/**
 * ExperimentService manages experiments and who is associated with them: ADMINs change everything,
 * a SCIENTIST lists and reads only the experiments associated with them.
 */
@injectable()
export class ExperimentService {
  constructor(
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.UserStore) private readonly users: UserStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
  ) {}

  async create(actor: User, experiment: NewExperiment): Promise<Experiment> {
    requireAdmin(actor, 'create experiments');
    return this.tx.inTransaction(async () => {
      const created = await this.experiments.insert(experiment);
      await this.recordChange('experiment.create', created.code);
      return created;
    });
  }

  async list(actor: User, limit: number, cursor?: string): Promise<Page<Experiment>> {
    const rows = await this.experiments.list({
      afterId: afterIdFromCursor(cursor),
      limit: limit + 1,
      associatedUserId: requiredAssociation(actor),
    });
    return pageById(rows, limit);
  }

  /** NotFoundError when it does not exist or the actor may not see it. */
  get(actor: User, code: string): Promise<Experiment> {
    return this.visibility.visible(actor, code);
  }

  async update(actor: User, code: string, changes: ExperimentChanges): Promise<Experiment> {
    requireAdmin(actor, 'update experiments');
    return this.tx.inTransaction(async () => {
      const updated = await this.experiments.update(code, changes);
      if (!updated) throw new NotFoundError(`experiment ${code} not found`);
      await this.recordChange('experiment.update', code);
      return updated;
    });
  }

  async delete(actor: User, code: string): Promise<void> {
    requireAdmin(actor, 'delete experiments');
    await this.tx.inTransaction(async () => {
      if (!(await this.experiments.delete(code))) throw new NotFoundError(`experiment ${code} not found`);
      await this.recordChange('experiment.delete', code);
    });
  }

  async associate(actor: User, code: string, userId: number): Promise<void> {
    requireAdmin(actor, 'associate users with experiments');
    await this.tx.inTransaction(async () => {
      const { experiment, user } = await this.pair(code, userId);
      await this.experiments.associate(experiment.id, user.id);
      await this.recordChange('association.add', code, user.pseudonym);
    });
  }

  async dissociate(actor: User, code: string, userId: number): Promise<void> {
    requireAdmin(actor, 'remove associations');
    await this.tx.inTransaction(async () => {
      const { experiment, user } = await this.pair(code, userId);
      if (!(await this.experiments.dissociate(experiment.id, user.id))) {
        throw new NotFoundError(`user ${userId} is not associated with experiment ${code}`);
      }
      await this.recordChange('association.remove', code, user.pseudonym);
    });
  }

  async listAssociatedUsers(actor: User, code: string): Promise<User[]> {
    requireAdmin(actor, 'list associations');
    const experiment = await this.visibility.visible(actor, code);
    return this.experiments.listAssociatedUsers(experiment.id);
  }

  private async pair(code: string, userId: number): Promise<{ experiment: Experiment; user: User }> {
    const experiment = await this.experiments.findByCode(code);
    if (!experiment) throw new NotFoundError(`experiment ${code} not found`);
    const user = await this.users.findById(userId);
    if (!user || user.erasedAt) throw new NotFoundError(`user ${userId} not found`);
    return { experiment, user };
  }

  private recordChange(action: string, code: string, user?: string): Promise<void> {
    return this.audit.record({
      action,
      resourceType: 'experiment',
      resourceId: code,
      outcome: 'success',
      detail: user ? { user } : undefined,
    });
  }
}
