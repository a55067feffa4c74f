import { inject, injectable, optional } from 'inversify';
import type { RuleGroup, Severity } from '../alerting/rules/rule';
import type { TransitionTarget } from '../alerting/state/alert-state';
import type { Page } from '../domain/page';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type {
  AlertStateStore,
  ListedAlert,
  RuleEvaluationRecord,
  RuleGroupLeaseStore,
  RuleGroupReader,
  StoredTransition,
} from '../storage/alerting-stores';
import type { ExperimentStore } from '../storage/stores';
import { ExperimentVisibility, requiredAssociation } from './authorization';
import { afterIdFromCursor, pageById } from './pagination';

export interface ActiveAlertsQuery {
  experiment?: string;
  rule?: number;
  severity?: Severity;
  state?: 'pending' | 'firing';
}

export interface AlertHistoryQuery {
  experiment?: string;
  rule?: number;
  severity?: Severity;
  state?: TransitionTarget;
  fromMs?: number;
  toMs?: number;
  limit: number;
  cursor?: string;
}

/** A group as /prometheus/api/v1/rules shows it: its rules, their last evaluation and their alerts. */
export interface GroupStatus {
  readonly group: RuleGroup;
  readonly lastEvaluation?: { evalMs: number; durationMs: number };
  readonly rules: ReadonlyMap<number, RuleEvaluationRecord>;
  readonly alerts: readonly ListedAlert[];
}

/**
 * Alerts and their history as people may read them: an ADMIN sees every experiment's, a SCIENTIST those
 * of the experiments associated with them; naming another experiment answers "not found", as measures do.
 */
@injectable()
export class AlertQueryService {
  constructor(
    @inject(TYPES.AlertStateStore) private readonly alerts: AlertStateStore,
    @inject(TYPES.RuleGroupLeaseStore) private readonly leases: RuleGroupLeaseStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
    @inject(TYPES.RuleGroupReader) @optional() private readonly reader?: RuleGroupReader,
  ) {}

  /** Pending and firing alerts. */
  async active(actor: User, query: ActiveAlertsQuery): Promise<ListedAlert[]> {
    return this.alerts.active({ ...(await this.scope(actor, query.experiment)), ...ruleAndSeverity(query), ...(query.state ? { state: query.state } : {}) });
  }

  /** Transitions, newest first; `next` continues with older ones under the same filters. */
  async history(actor: User, query: AlertHistoryQuery): Promise<Page<StoredTransition>> {
    const beforeId = afterIdFromCursor(query.cursor);
    const rows = await this.alerts.transitions({
      ...(await this.scope(actor, query.experiment)),
      ...ruleAndSeverity(query),
      ...(query.state ? { toState: query.state } : {}),
      ...(query.fromMs === undefined ? {} : { fromMs: query.fromMs }),
      ...(query.toMs === undefined ? {} : { toMs: query.toMs }),
      ...(beforeId === undefined ? {} : { beforeId }),
      limit: query.limit + 1,
    });
    return pageById(rows, query.limit);
  }

  /** The groups the actor may see, with their rules' health and alerts (Prometheus's /api/v1/rules). */
  async groups(actor: User): Promise<GroupStatus[]> {
    const all = (await this.reader?.listAll()) ?? [];
    const visible = await this.visibleExperimentIds(actor);
    const groups = visible === undefined ? [...all] : all.filter((g) => visible.has(g.experimentId));
    const ids = groups.map((g) => g.id);
    const [evaluations, records, alerts] = await Promise.all([
      this.leases.lastEvaluations(ids),
      this.alerts.ruleEvaluations(ids),
      this.alerts.active({ groupIds: ids }),
    ]);
    return groups.map((group) => ({
      group,
      ...(evaluations.has(group.id) ? { lastEvaluation: evaluations.get(group.id) } : {}),
      rules: new Map(group.rules.map((r) => [r.id, records.get(r.id)]).filter((e): e is [number, RuleEvaluationRecord] => e[1] !== undefined)),
      alerts: alerts.filter((a) => a.groupId === group.id),
    }));
  }

  private async scope(actor: User, experiment: string | undefined): Promise<{ associatedUserId?: number; experimentId?: number }> {
    if (experiment !== undefined) return { experimentId: (await this.visibility.visible(actor, experiment)).id };
    const userId = requiredAssociation(actor);
    return userId === undefined ? {} : { associatedUserId: userId };
  }

  /** undefined: every experiment. */
  private async visibleExperimentIds(actor: User): Promise<Set<number> | undefined> {
    const userId = requiredAssociation(actor);
    if (userId === undefined) return undefined;
    const ids = new Set<number>();
    let afterId: number | undefined;
    for (;;) {
      const page = await this.experiments.list({ limit: 500, associatedUserId: userId, ...(afterId === undefined ? {} : { afterId }) });
      for (const e of page) ids.add(e.id);
      const last = page.at(-1);
      if (page.length < 500 || last === undefined) return ids;
      afterId = last.id;
    }
  }
}

function ruleAndSeverity(query: { rule?: number; severity?: Severity }): { ruleId?: number; severity?: Severity } {
  return { ...(query.rule === undefined ? {} : { ruleId: query.rule }), ...(query.severity ? { severity: query.severity } : {}) };
}
