import { inject, injectable, optional } from 'inversify';
import type { AlertTransition } from '../../alerting/state/alert-state';
import type { CheckResultListener, RecordedResult } from '../../checks/ports';
import { HEALTH_GROUP_ID, healthAlertLabels, healthTransitions, type HealthSubjectKind } from '../../health/alerts';
import type { HealthExplanation } from '../../health/health';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import type { AlertStateStore } from '../../storage/alerting-stores';
import type { HealthOwner, HealthStore } from '../../storage/health-stores';
import type { Transactor } from '../../storage/stores';
import { PeriodicTask } from '../periodic-task';
import { hostTrees, serviceTrees } from './health-trees';

export interface HealthMonitorOptions {
  /** How often every host and service is recomputed (model changes, deleted subjects). */
  readonly sweepMs: number;
  readonly now?: () => number;
}

export const DEFAULT_HEALTH_MONITOR_OPTIONS: HealthMonitorOptions = { sweepMs: 30_000 };

/** Bound (optionally) to override the monitor's options; tests shorten the sweep. */
export const HEALTH_MONITOR_OPTIONS = Symbol.for('HealthMonitorOptions');

type Computed = { readonly owner: HealthOwner; readonly health: HealthExplanation } | undefined;

/**
 * Keeps the health of hosts and services (health_states) and writes its changes into the alert history
 * (ADR 0009). After each recorded result (CheckResultListener) it recomputes the result's host and the
 * services that depend on it; a periodic sweep recomputes everything, so that model changes (a check
 * assigned, a host deleted) produce their transitions too.
 *
 * Exactly once across processes: a subject is recomputed in a transaction whose first statement locks its
 * health_states row; the model and results are read after it, so a second process recomputing the same
 * subject waits, then finds the first one's state and writes nothing more.
 */
@injectable()
export class HealthMonitor implements CheckResultListener {
  private readonly options: HealthMonitorOptions;
  private readonly log: Logger;
  private readonly task: PeriodicTask;
  private readonly pending = new Set<number>();
  private draining?: Promise<void>;

  constructor(
    @inject(TYPES.Transactor) private readonly transactor: Transactor,
    @inject(TYPES.HealthStore) private readonly store: HealthStore,
    @inject(TYPES.AlertStateStore) private readonly alerts: AlertStateStore,
    @inject(TYPES.Logger) logger: Logger,
    @inject(HEALTH_MONITOR_OPTIONS) @optional() options?: HealthMonitorOptions,
  ) {
    this.options = options ?? DEFAULT_HEALTH_MONITOR_OPTIONS;
    this.log = logger.child({ component: 'health-monitor' });
    this.task = new PeriodicTask('health sweep', this.options.sweepMs, async (signal) => this.sweep(signal), this.log);
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await this.idle();
  }

  /** Called after a result's commit: never throws, recomputes in the background (one host at a time). */
  resultRecorded(result: RecordedResult): void {
    this.pending.add(result.hostId);
    this.draining ??= this.drain();
  }

  /** Resolves when the results told so far have been handled. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (const hostId of this.pending) {
        this.pending.delete(hostId);
        try {
          await this.recomputeHostAndServices(hostId);
        } catch (error) {
          // The sweep recomputes it again.
          this.log.warn('health recomputation failed', { hostId, error });
        }
      }
    } finally {
      // In the same tick as the loop's end: a result told after it starts a new drain rather than waiting in `pending`.
      this.draining = undefined;
    }
  }

  async recomputeHostAndServices(hostId: number): Promise<AlertTransition[]> {
    const transitions = await this.recomputeHost(hostId);
    for (const serviceId of await this.store.servicesOfHost(hostId)) transitions.push(...(await this.recomputeService(serviceId)));
    return transitions;
  }

  recomputeHost(hostId: number): Promise<AlertTransition[]> {
    return this.recompute('host', hostId, async () => (await hostTrees(this.store, { ids: [hostId] })).get(hostId));
  }

  recomputeService(serviceId: number): Promise<AlertTransition[]> {
    return this.recompute('service', serviceId, async () => (await serviceTrees(this.store, { ids: [serviceId] }))[0]);
  }

  /** Every host and service, and the states of deleted ones (their alerts resolved, their rows removed). */
  async sweep(signal?: AbortSignal): Promise<void> {
    const subjects: { kind: HealthSubjectKind; id: number; deleted: boolean }[] = [
      ...(await this.store.subjectIds('host')).map((id) => ({ kind: 'host' as const, id, deleted: false })),
      ...(await this.store.subjectIds('service')).map((id) => ({ kind: 'service' as const, id, deleted: false })),
      ...(await this.store.orphans()).map((orphan) => ({ kind: orphan.kind, id: orphan.subjectId, deleted: true })),
    ];
    for (const { kind, id, deleted } of subjects) {
      if (signal?.aborted) return;
      try {
        if (deleted) await this.recompute(kind, id, async () => undefined);
        else if (kind === 'host') await this.recomputeHost(id);
        else await this.recomputeService(id);
      } catch (error) {
        // One subject's failure (a deadlock, a lost connection) does not stop the others'; the next sweep retries it.
        this.log.warn('health recomputation failed', { kind, id, error });
      }
    }
  }

  private async recompute(kind: HealthSubjectKind, id: number, compute: () => Promise<Computed>): Promise<AlertTransition[]> {
    await this.store.ensure(kind, id);
    return this.transactor.inTransaction(async () => {
      // First statement: the snapshot of every read below is taken after the lock is granted.
      const row = await this.store.lock(kind, id);
      if (row === undefined) return [];
      const computed = await compute();
      const now = this.options.now?.() ?? Date.now();
      const next =
        computed === undefined
          ? { state: 'no_data' as const, reason: `${kind} removed` }
          : {
              state: computed.health.state,
              reason: computed.health.reason,
              labels: healthAlertLabels({ kind, name: computed.owner.name, experiment: computed.owner.experiment }, computed.health.state),
            };
      let transitions = healthTransitions({ ...(row.firing === undefined ? {} : { firing: row.firing }), next, atMs: now });
      if (transitions.length > 0) {
        // (rule 0, fingerprint, at_ms) is unique: a subject changing twice within a millisecond moves on by one.
        const last = await this.store.lastTransitionMs(transitions.map((t) => t.fingerprint));
        if (last !== undefined && last >= now) transitions = transitions.map((t) => ({ ...t, atMs: last + 1 }));
      }
      const changed = row.explanation === undefined || row.state !== next.state;
      const version = changed || transitions.length > 0 ? row.version + 1 : row.version;
      if (computed === undefined) {
        await this.store.delete(kind, id);
      } else {
        await this.store.save(kind, id, {
          experimentId: computed.owner.experimentId,
          name: computed.owner.name,
          state: next.state,
          explanation: computed.health,
          sinceMs: changed ? now : row.sinceMs,
          computedMs: now,
          ...(next.labels === undefined ? {} : { firing: { labels: next.labels, state: next.state } }),
          version,
        });
      }
      if (transitions.length > 0) {
        await this.alerts.appendTransitions(HEALTH_GROUP_ID, computed?.owner.experimentId ?? row.experimentId, version, transitions);
        this.log.info('health changed', { kind, id, from: row.state, to: next.state, transitions: transitions.length });
      }
      return transitions;
    });
  }
}
