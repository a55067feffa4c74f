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
    const userId = this.requiredAssociation(actor);
    const allowed =
      experiment !== undefined && (userId === undefined || (await this.experiments.isAssociated(experiment.id, userId)));
    if (!experiment || !allowed) throw notVisible(code);
    return experiment;
  }

  /**
   * The same rule for a store that checks it in the query that reads the data (one round trip on hot
   * paths): the user an experiment must be associated with for `actor` to see it, or undefined for all.
   */
  requiredAssociation(actor: User): number | undefined {
    return actor.isAdmin ? undefined : actor.id;
  }
}

/** What a hidden and a missing experiment both answer. */
export function notVisible(code: string): NotFoundError {
  return new NotFoundError(`experiment ${code} not found`);
}

/** Role gate for ADMIN-only actions; checked before any lookup so a refusal says nothing about existence. */
export function requireAdmin(actor: User, action: string): void {
  if (!actor.isAdmin) throw new ForbiddenError(`only an ADMIN may ${action}`);
}
