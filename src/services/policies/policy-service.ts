import { hostname } from 'node:os';
import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { decodeCursor, encodeCursor, type Page } from '../../domain/page';
import type { User } from '../../domain/user';
import { TYPES } from '../../identifiers';
import { createMonitor, type MonitorOptions, type MonitorSnapshot } from '../../policies';
import { planReplay, startMonitorFromReplay } from '../../policies/replay';
import type { AlertStateStore } from '../../storage/alerting-stores';
import type { Policy, PolicyGeneration, PolicyMonitorRow, PolicyRejectionRow, PolicyStore, PolicyVerdictRow } from '../../storage/policy-stores';
import type { ExperimentStore, Transactor } from '../../storage/stores';
import { AuditTrail } from '../audit-trail';
import { ExperimentVisibility, requireAdmin, requiredAssociation } from '../authorization';
import { experimentScopeOf } from '../experiment-scope';
import { afterIdFromCursor, pageById } from '../pagination';
import { compilePolicy } from './compiled-policy';
import { parseFiring, POLICY_GROUP_ID, resolveAll } from './policy-alerts';
import type { PolicyEventIngest, PolicyEventsBody, PolicyIngestResult, PolicyWindowReader } from './ports';

export interface PolicyInput {
  readonly name: string;
  readonly experiment: string;
  readonly signature: string;
  readonly formula: string;
  readonly negate?: boolean;
}

/** A policy with its monitor's progress (GET, PUT). */
export interface PolicyView {
  readonly policy: Policy;
  readonly monitor: PolicyMonitorRow;
  readonly variables: readonly string[];
}

export interface PolicyListRequest {
  readonly experiment?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface VerdictPage {
  readonly generation: number;
  readonly variables: readonly string[];
  readonly items: readonly PolicyVerdictRow[];
  readonly next?: string;
}

const MAX_NAME = 128;

function refusedField(field: string, message: string): ValidationError {
  return new ValidationError(`${field}: ${message}`, { field, errors: [{ path: field, message }] });
}

/** Reads a tp cursor made by `verdicts`. */
function afterTpFromCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor) as { tp?: unknown } | undefined;
  if (!key || typeof key.tp !== 'number' || !Number.isSafeInteger(key.tp) || key.tp < 0) throw new ValidationError('cursor is not one this API issued', { field: 'cursor' });
  return key.tp;
}

/** The engine's refusal of a formula or signature, as a 400 naming the field (`signature` or `formula`) with line and column. */
function compiled(input: { signature: string; formula: string; negate: boolean }): ReturnType<typeof compilePolicy> {
  try {
    return compilePolicy(input);
  } catch (error) {
    if (error instanceof ValidationError) {
      const source = (error.details as { source?: unknown } | undefined)?.source;
      const field = source === 'signature' ? 'signature' : 'formula';
      throw new ValidationError(`${field}: ${error.message}`, { ...error.details, field, errors: [{ path: field, message: error.message }] });
    }
    throw error;
  }
}

/**
 * PolicyService manages temporal policies (issue 15; docs/policies.md, "REST"). A policy belongs to an
 * experiment. ADMINs write (audited in the write's transaction: `policy.create|update|delete`); a SCIENTIST
 * reads the policies, verdicts and rejections of the experiments associated with them, and feeds events to
 * those policies (as an adapter publishes an experiment's measures); any other policy answers 404, and
 * policy writes answer 403 before any lookup. A formula the engine refuses (syntax, types, outside the
 * monitorable fragment) is a 400 that says where and why.
 */
@injectable()
export class PolicyService {
  private readonly holder = `${hostname()}:${process.pid}`;

  constructor(
    @inject(TYPES.PolicyStore) private readonly store: PolicyStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
    @inject(TYPES.PolicyEventIngest) private readonly ingestion: PolicyEventIngest,
    @inject(TYPES.PolicyWindowReader) private readonly windows: PolicyWindowReader,
    @inject(TYPES.AlertStateStore) private readonly alerts: AlertStateStore,
  ) {}

  async create(actor: User, input: PolicyInput): Promise<PolicyView> {
    requireAdmin(actor, 'create policies');
    const name = this.checkedName(input.name);
    const negate = input.negate ?? false;
    const { compiled: policy, monitor } = compiled({ signature: input.signature, formula: input.formula, negate });
    return this.tx.inTransaction(async () => {
      const experiment = await this.experiments.findByCode(input.experiment);
      if (!experiment) throw refusedField('experiment', `no experiment has the code ${JSON.stringify(input.experiment)}`);
      const created = await this.store.insert(
        { experimentId: experiment.id, name, signature: input.signature, formula: input.formula, negate },
        { variables: policy.variables, snapshot: JSON.stringify(monitor.snapshot()) },
      );
      await this.record('policy.create', created, { generation: 1 });
      return this.view(created);
    });
  }

  async list(actor: User, request: PolicyListRequest): Promise<Page<PolicyView>> {
    const afterId = afterIdFromCursor(request.cursor);
    const experimentId = request.experiment === undefined ? undefined : (await this.visibility.visible(actor, request.experiment)).id;
    const rows = await this.store.list({
      scope: await experimentScopeOf(this.experiments, actor),
      ...(experimentId === undefined ? {} : { experimentId }),
      ...(afterId === undefined ? {} : { afterId }),
      limit: request.limit + 1,
    });
    const page = pageById(rows, request.limit);
    const items: PolicyView[] = [];
    for (const policy of page.items) items.push(await this.view(policy));
    return { items, ...(page.next === undefined ? {} : { next: page.next }) };
  }

  async get(actor: User, id: number): Promise<PolicyView> {
    return this.view(await this.visible(actor, id));
  }

  /**
   * A new name only: the same monitor. Another signature, formula or negate: generation + 1, and the new monitor
   * starts at the next time point from the events inside its relative interval (planReplay, the window reader,
   * startMonitorFromReplay); the verdicts the old one had not answered yet are not answered.
   */
  async update(actor: User, id: number, input: PolicyInput): Promise<PolicyView> {
    requireAdmin(actor, 'change policies');
    const name = this.checkedName(input.name);
    const negate = input.negate ?? false;
    const next = compiled({ signature: input.signature, formula: input.formula, negate });
    return this.tx.inTransaction(async () => {
      const monitor = await this.store.lockMonitor(id);
      const current = monitor === undefined ? undefined : await this.store.get(id);
      if (monitor === undefined || current === undefined) throw new NotFoundError(`policy ${id} not found`);
      if (input.experiment !== current.experiment) {
        throw refusedField('experiment', `a policy stays in its experiment (${current.experiment}): delete it and create it in the other`);
      }
      const same = input.signature === current.signature && input.formula === current.formula && negate === current.negate;
      if (same) {
        const renamed = name === current.name ? current : await this.store.rename(id, name);
        if (renamed === undefined) throw new NotFoundError(`policy ${id} not found`);
        await this.record('policy.update', renamed, { generation: renamed.generation, generation_changed: false });
        return this.view(renamed);
      }
      const generation = current.generation + 1;
      const options = { negate, firstTimePoint: monitor.nextTp } as MonitorOptions;
      const { started, replayed, stored } = await this.replayed(id, next.compiled, options, monitor);
      const saved = await this.store.changeGeneration(
        id,
        { name, signature: input.signature, formula: input.formula, negate, generation, variables: next.compiled.variables },
        {
          generation,
          firstTp: monitor.nextTp,
          nextTp: monitor.nextTp,
          lastTs: monitor.lastTs,
          ended: monitor.ended,
          snapshot: JSON.stringify(started),
          holder: this.holder,
          replayedEvents: replayed,
          storedEvents: stored,
        },
        monitor.fencing,
      );
      if (!saved) throw new ConflictError(`policy ${id}: its monitor moved on meanwhile; send the change again`);
      const updated = await this.store.get(id);
      if (updated === undefined) throw new NotFoundError(`policy ${id} not found`);
      await this.record('policy.update', updated, { generation, generation_changed: true, replayed_events: replayed, stored_events: stored });
      return this.view(updated);
    });
  }

  async delete(actor: User, id: number): Promise<void> {
    requireAdmin(actor, 'delete policies');
    await this.tx.inTransaction(async () => {
      const monitor = await this.store.lockMonitor(id);
      const current = monitor === undefined ? undefined : await this.store.get(id);
      if (monitor === undefined || current === undefined) throw new NotFoundError(`policy ${id} not found`);
      // Its alerts end with it: every firing PolicyViolation is resolved, in the delete's transaction.
      const state = parseFiring(await this.store.firingAlerts(id));
      const transitions = resolveAll(state, 'policy removed', Date.now());
      if (transitions.length > 0) await this.alerts.appendTransitions(POLICY_GROUP_ID, current.experimentId, monitor.fencing + 1, transitions);
      await this.store.delete(id);
      await this.record('policy.delete', current, { generation: current.generation, resolved_alerts: transitions.length });
    });
  }

  /** Feeds events (ADMIN: any policy; SCIENTIST: those of associated experiments, others 404). */
  async ingest(actor: User, id: number, body: PolicyEventsBody, final: boolean): Promise<PolicyIngestResult> {
    await this.visible(actor, id);
    return this.ingestion.ingest(id, body, { final, source: 'rest' });
  }

  /** A generation's verdicts (default: the current one) by ascending tp. */
  async verdicts(actor: User, id: number, request: { generation?: number; cursor?: string; limit: number }): Promise<VerdictPage> {
    const policy = await this.visible(actor, id);
    const generation = request.generation ?? policy.generation;
    const stored: PolicyGeneration | undefined = await this.store.generation(id, generation);
    if (stored === undefined) throw new NotFoundError(`policy ${id} has no generation ${generation}`);
    const rows = await this.store.verdicts(id, generation, afterTpFromCursor(request.cursor), request.limit + 1);
    const items = rows.slice(0, request.limit);
    const last = items.at(-1);
    return {
      generation,
      variables: stored.variables,
      items,
      ...(rows.length > request.limit && last !== undefined ? { next: encodeCursor({ tp: last.tp }) } : {}),
    };
  }

  async rejections(actor: User, id: number, request: { cursor?: string; limit: number }): Promise<Page<PolicyRejectionRow>> {
    await this.visible(actor, id);
    const rows = await this.store.rejections(id, afterIdFromCursor(request.cursor), request.limit + 1);
    return pageById(rows, request.limit);
  }

  private async replayed(
    id: number,
    policy: ReturnType<typeof compilePolicy>['compiled'],
    options: MonitorOptions,
    monitor: PolicyMonitorRow,
  ): Promise<{ started: MonitorSnapshot; replayed: number; stored: number }> {
    if (monitor.nextTp === 0) {
      // Nothing was fed yet: the new monitor starts empty, at time point 0.
      return { started: createMonitor(policy.signature, policy.formula, options).snapshot(), replayed: 0, stored: 0 };
    }
    const plan = planReplay(policy.formula, options, monitor.lastTs ?? 0);
    const window = await this.windows.read({
      policyId: id,
      untilTp: monitor.nextTp,
      timePointsFromTs: plan.timePointsFromTs,
      predicates: plan.predicates.map((p) => ({ pred: p.pred, mask: p.mask, fromTs: p.fromTs })),
    });
    const started = startMonitorFromReplay(policy.signature, policy.formula, options, window.timePoints, monitor.nextTp);
    return { started: started.snapshot(), replayed: window.replayedEvents, stored: window.storedEvents };
  }

  private checkedName(name: string): string {
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) throw refusedField('name', `must be 1 to ${MAX_NAME} characters`);
    return name;
  }

  private async visible(actor: User, id: number): Promise<Policy> {
    const policy = await this.store.get(id);
    const userId = requiredAssociation(actor);
    const allowed = policy !== undefined && (userId === undefined || (await this.experiments.isAssociated(policy.experimentId, userId)));
    if (!policy || !allowed) throw new NotFoundError(`policy ${id} not found`);
    return policy;
  }

  private async view(policy: Policy): Promise<PolicyView> {
    const monitor = await this.store.monitor(policy.id);
    const generation = await this.store.generation(policy.id, policy.generation);
    if (monitor === undefined || generation === undefined) throw new NotFoundError(`policy ${policy.id} not found`);
    return { policy, monitor, variables: generation.variables };
  }

  private record(action: string, policy: Policy, detail: Record<string, unknown>): Promise<void> {
    return this.audit.record({
      action,
      resourceType: 'policy',
      resourceId: String(policy.id),
      outcome: 'success',
      detail: { experiment: policy.experiment, name: policy.name, ...detail },
    });
  }
}
