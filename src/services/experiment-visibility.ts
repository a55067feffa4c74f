import { inject, injectable } from 'inversify';
import { ForbiddenError, NotFoundError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { ExperimentStore } from '../storage/stores';

/**
 * ExperimentVisibility is the authorization matrix's rule for experiments and their measures: an ADMIN
 * sees every experiment; a SCIENTIST only the ones associated with them, and any other answers "not found"
 * so that existence does not leak.
 */
@injectable()
export class ExperimentVisibility {
  constructor(@inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore) {}

  async visible(actor: User, code: string): Promise<Experiment> {
    const experiment = await this.experiments.findByCode(code);
    const allowed =
      experiment !== undefined && (actor.isAdmin || (await this.experiments.isAssociated(experiment.id, actor.id)));
    if (!experiment || !allowed) throw new NotFoundError(`experiment ${code} not found`);
    return experiment;
  }
}

/** Role gate for ADMIN-only actions; checked before any lookup so a refusal says nothing about existence. */
export function requireAdmin(actor: User, action: string): void {
  if (!actor.isAdmin) throw new ForbiddenError(`only an ADMIN may ${action}`);
}
