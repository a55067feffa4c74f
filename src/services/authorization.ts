import { inject, injectable } from 'inversify';
import { ForbiddenError, NotFoundError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { ExperimentStore } from '../storage/stores';

/**
 * Who may do what: the authorization matrix of the README, rule by rule. Services call these before they
 * act; no other file decides a permission.
 *
 * An ADMIN may do everything. A SCIENTIST may read their own user record and the experiments (and their
 * measures and series) associated with them; anything else they ask of a user or an experiment answers
 * "not found", so that existence does not leak, and any ADMIN-only action answers "forbidden".
 */

/** Role gate for ADMIN-only actions; checked before any lookup so a refusal says nothing about existence. */
export function requireAdmin(actor: User, action: string): void {
  if (!actor.isAdmin) throw new ForbiddenError(`only an ADMIN may ${action}`);
}

/** A user record is readable by an ADMIN and by the user it describes; to anyone else it does not exist. */
export function requireSelfOrAdmin(actor: User, userId: number): void {
  if (!actor.isAdmin && actor.id !== userId) throw new NotFoundError(`user ${userId} not found`);
}

/**
 * The experiment rule for a store that checks it in the query that reads the data (one round trip on hot
 * paths): the user an experiment must be associated with for `actor` to see it, or undefined for all.
 */
export function requiredAssociation(actor: User): number | undefined {
  return actor.isAdmin ? undefined : actor.id;
}

/** What a hidden and a missing experiment both answer. */
export function notVisible(code: string): NotFoundError {
  return new NotFoundError(`experiment ${code} not found`);
}

/** The experiment rule where it needs a lookup: the experiment when `actor` may see it, else notVisible. */
@injectable()
export class ExperimentVisibility {
  constructor(@inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore) {}

  async visible(actor: User, code: string): Promise<Experiment> {
    const experiment = await this.experiments.findByCode(code);
    const userId = requiredAssociation(actor);
    const allowed =
      experiment !== undefined && (userId === undefined || (await this.experiments.isAssociated(experiment.id, userId)));
    if (!experiment || !allowed) throw notVisible(code);
    return experiment;
  }
}
