import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../domain/errors';
import type { User } from '../../domain/user';
import { severityRank } from '../../health/compute';
import type { HealthSubjectKind } from '../../health/alerts';
import type { HealthExplanation, HealthState } from '../../health/health';
import { TYPES } from '../../identifiers';
import type { HealthModelReader, HealthScope, HealthStateStore } from '../../storage/health-stores';
import { ExperimentVisibility, requiredAssociation } from '../authorization';
import { hostTrees, serviceTrees, type ComputedHealth } from './health-trees';

/** A subject's health as the API gives it. */
export interface SubjectHealth {
  readonly kind: HealthSubjectKind;
  readonly id: number;
  readonly name: string;
  readonly experiment: string;
  readonly state: HealthState;
  /** When the health monitor last saw the subject enter this state (absent when it has not recorded it). */
  readonly sinceMs?: number;
  readonly explanation: HealthExplanation;
}

export interface HealthReport {
  /** Worst first (table 3.1), then by experiment and name. */
  readonly services: readonly SubjectHealth[];
  readonly hosts: readonly SubjectHealth[];
}

const worstFirst = (a: SubjectHealth, b: SubjectHealth): number =>
  severityRank(b.state) - severityRank(a.state) || (a.experiment < b.experiment ? -1 : a.experiment > b.experiment ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id);

/**
 * Health as the REST API reads it: computed from the model and the latest results at the time of the
 * request (so it never lags the monitor), with `since` from the states the health monitor keeps. A SCIENTIST
 * sees the hosts and services of the experiments associated with them; any other answers 404.
 */
@injectable()
export class HealthService {
  constructor(
    @inject(TYPES.HealthStore) private readonly store: HealthModelReader & HealthStateStore,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
  ) {}

  async host(actor: User, id: number): Promise<SubjectHealth> {
    const computed = (await hostTrees(this.store, this.scope(actor, [id]))).get(id);
    if (computed === undefined) throw new NotFoundError(`host ${id} not found`);
    return (await this.withSince('host', [computed]))[0]!;
  }

  async service(actor: User, id: number): Promise<SubjectHealth> {
    const [computed] = await serviceTrees(this.store, this.scope(actor, [id]));
    if (computed === undefined) throw new NotFoundError(`service ${id} not found`);
    return (await this.withSince('service', [computed]))[0]!;
  }

  /** Every visible service and host (or those of one experiment), worst first. */
  async report(actor: User, filter: { experiment?: string } = {}): Promise<HealthReport> {
    const experimentId = filter.experiment === undefined ? undefined : (await this.visibility.visible(actor, filter.experiment)).id;
    const scope: HealthScope = { ...this.scope(actor), ...(experimentId === undefined ? {} : { experimentId }) };
    const [services, hosts] = await Promise.all([serviceTrees(this.store, scope), hostTrees(this.store, scope)]);
    return {
      services: (await this.withSince('service', services)).sort(worstFirst),
      hosts: (await this.withSince('host', [...hosts.values()])).sort(worstFirst),
    };
  }

  private scope(actor: User, ids?: readonly number[]): HealthScope {
    const userId = requiredAssociation(actor);
    return { ...(ids === undefined ? {} : { ids }), ...(userId === undefined ? {} : { associatedUserId: userId }) };
  }

  private async withSince(kind: HealthSubjectKind, computed: readonly ComputedHealth[]): Promise<SubjectHealth[]> {
    const stored = await this.store.states(
      kind,
      computed.map((c) => c.owner.id),
    );
    return computed.map(({ owner, health }) => {
      const row = stored.get(owner.id);
      const sinceMs = row !== undefined && row.explanation !== undefined && row.state === health.state ? row.sinceMs : undefined;
      return {
        kind,
        id: owner.id,
        name: owner.name,
        experiment: owner.experiment,
        state: health.state,
        ...(sinceMs === undefined ? {} : { sinceMs }),
        explanation: health,
      };
    });
  }
}
