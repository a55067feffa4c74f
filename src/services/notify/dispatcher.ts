import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inject, injectable, optional } from 'inversify';
import type { NotifyAlert } from '../../notify/alert';
import type { AlertmanagerConfig, ReceiverConfig, Route } from '../../notify/config/model';
import {
  integrationKey,
  newGroupSchedule,
  planFlush,
  routeActiveAt,
  scheduleAfterFlush,
  scheduleOnInsert,
  type FlushIntegration,
  type GroupSchedule,
  type GroupTiming,
  type IntegrationSend,
} from '../../notify/dispatch/aggregation-group';
import { ROUTING, type Routing } from '../../notify/dispatch/routing';
import type { IntegrationKind, Notification } from '../../notify/receivers/receiver';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import { DispatchMetrics } from '../../metrics/dispatch-metrics';
import type { ClaimedGroup, GroupIdentity, NotificationLogStore, NotifyGroupStore, StoredGroup } from '../../storage/dispatch-stores';
import type { NotifyAlertStore } from '../../storage/notify-stores';
import type { Transactor } from '../../storage/stores';
import type { AlertMuter } from './alert-muter';
import type { DeliveryService, NotifyConfigProvider } from './ports';

export interface DispatcherOptions {
  /** How often the alerts' changes are read. */
  readonly ingestPollMs: number;
  /** Alerts read per ingest transaction. */
  readonly ingestBatch: number;
  /** Longest wait between two looks for due groups (a group another process created is seen within it). */
  readonly maxPollMs: number;
  /** Flush lease: renewed every third of it while a flush runs; a dead holder's groups are taken after it. */
  readonly leaseMs: number;
  /** Flushes running at once in this process. */
  readonly maxConcurrentFlushes: number;
  /** Empty groups are removed (and expired nflog entries) this often (Alertmanager: every 30 s). */
  readonly maintenanceMs: number;
  /** nflog retention (Alertmanager's --data.retention). */
  readonly retentionMs: number;
  /** A new configuration rebuilds the groups from the firing alerts and those resolved within this. */
  readonly replayResolvedMs: number;
  /** On stop, running flushes get this long to end before their deliveries are aborted. */
  readonly stopGraceMs: number;
  /** MyMONIT's external URL (webhook `externalURL`, links in emails). */
  readonly externalURL: string;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  ingestPollMs: 200,
  ingestBatch: 5_000,
  maxPollMs: 250,
  leaseMs: 15_000,
  maxConcurrentFlushes: 64,
  maintenanceMs: 30_000,
  retentionMs: 120 * 3_600_000,
  replayResolvedMs: 3_600_000,
  stopGraceMs: 5_000,
  externalURL: '',
};

/** The integrations of a receiver in Alertmanager's order, each with its own send_resolved. */
function integrationsOf(receiver: ReceiverConfig): Array<{ kind: IntegrationKind; index: number; sendResolved: boolean }> {
  const kinds: Array<[IntegrationKind, ReadonlyArray<{ sendResolved: boolean }>]> = [
    ['webhook', receiver.webhook],
    ['email', receiver.email],
    ['amqp', receiver.amqp],
    ['ticket', receiver.tickets],
  ];
  return kinds.flatMap(([kind, configs]) => configs.map((config, index) => ({ kind, index, sendResolved: config.sendResolved })));
}

/** The receiver with only one of its integrations: DeliveryService sends to every integration it is given. */
function only(receiver: ReceiverConfig, kind: IntegrationKind, index: number): ReceiverConfig {
  const pick = <T>(list: readonly T[], k: IntegrationKind): T[] => (k === kind && list[index] !== undefined ? [list[index]] : []);
  return {
    name: receiver.name,
    webhook: pick(receiver.webhook, 'webhook'),
    email: pick(receiver.email, 'email'),
    amqp: pick(receiver.amqp, 'amqp'),
    tickets: pick(receiver.tickets, 'ticket'),
  };
}

function findRoute(route: Route, id: string): Route | undefined {
  if (route.id === id) return route;
  for (const child of route.routes) {
    const found = findRoute(child, id);
    if (found) return found;
  }
  return undefined;
}

const timingOf = (route: Route): GroupTiming => ({
  groupWaitMs: route.groupWaitMs,
  groupIntervalMs: route.groupIntervalMs,
  repeatIntervalMs: route.repeatIntervalMs,
});

const keyOf = (identity: GroupIdentity) => `${identity.routeId}\n${identity.groupKey}`;

interface Placement {
  readonly route: Route;
  readonly identity: GroupIdentity;
  readonly labels: ReadonlyMap<string, string>;
  readonly alert: NotifyAlert;
}

/**
 * Dispatcher runs Alertmanager's dispatcher in every `consume` process, sharing the work through MySQL:
 *
 * - ingest: one process at a time (the one that locks the cursor row) reads the alerts' changes
 *   (NotifyAlertStore.changedSince), routes each alert, and stores it in its groups (creating them, and
 *   moving a group's first flush forward as aggrGroup.insert does), advancing the cursor in the same
 *   transaction; a new configuration version rebuilds the groups;
 * - flush: every process claims due groups (FOR UPDATE SKIP LOCKED; a lease with a fencing token), plans the
 *   flush with the pure aggregation group (src/notify/dispatch/), delivers to each integration that needs
 *   the update, logs each confirmed delivery in the notification log at once, and commits the group's next
 *   schedule (and the resolved alerts leaving it) only while its lease is still its own. A dead holder's
 *   lease expires and another process flushes what was due; the log keeps it from repeating what was
 *   confirmed.
 */
@injectable()
export class Dispatcher {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly options: DispatcherOptions;
  private running = false;
  private ingestTimer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private flushAtMs = 0;
  private claimAgain = false;
  private ingesting?: Promise<boolean>;
  private claiming?: Promise<void>;
  private readonly inFlight = new Map<number, { done: Promise<void>; abort: AbortController }>();
  private lastMaintenanceMs = 0;
  private readonly routing: Routing = ROUTING;

  constructor(
    @inject(TYPES.NotifyGroupStore) private readonly groups: NotifyGroupStore,
    @inject(TYPES.NotificationLogStore) private readonly nflog: NotificationLogStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(DispatchMetrics) private readonly metrics: DispatchMetrics,
    @inject(TYPES.NotifyAlertStore) @optional() private readonly alerts?: NotifyAlertStore,
    @inject(TYPES.NotifyConfigProvider) @optional() private readonly config?: NotifyConfigProvider,
    @inject(TYPES.DeliveryService) @optional() private readonly delivery?: DeliveryService,
    @inject(TYPES.AlertMuter) @optional() private readonly muter?: AlertMuter,
    @inject(TYPES.DispatcherOptions) @optional() options?: Partial<DispatcherOptions>,
  ) {
    this.options = { ...DEFAULT_DISPATCHER_OPTIONS, ...options };
  }

  async start(): Promise<void> {
    if (!this.alerts || !this.config || !this.delivery) {
      this.logger.warn('dispatcher not started: no notify alert store, configuration provider or delivery service is bound');
      return;
    }
    this.running = true;
    this.scheduleIngest(0);
    this.scheduleFlush(0);
    await Promise.resolve();
  }

  /** Stops looking for work, gives running flushes stopGraceMs, then aborts them, and frees this process's leases. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.ingestTimer);
    clearTimeout(this.flushTimer);
    await Promise.allSettled([this.ingesting, this.claiming]);
    const running = [...this.inFlight.values()];
    if (running.length > 0) {
      const grace = new Promise<void>((resolve) => setTimeout(resolve, this.options.stopGraceMs).unref());
      await Promise.race([Promise.allSettled(running.map((f) => f.done)), grace]);
      for (const flight of this.inFlight.values()) flight.abort.abort(new Error('the dispatcher is stopping'));
      await Promise.allSettled(running.map((f) => f.done));
    }
    try {
      await this.groups.releaseAll(this.holder);
    } catch (error) {
      this.logger.warn('could not release notification group leases', { error: String(error) });
    }
  }

  /** One ingest round now (tests and tools); resolves when it is done. */
  async ingestNow(): Promise<void> {
    await this.ingestRound();
  }

  private scheduleIngest(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.ingestTimer);
    this.ingestTimer = setTimeout(() => {
      void this.ingestRound().then((more) => this.scheduleIngest(more ? 0 : this.options.ingestPollMs));
    }, delayMs);
    this.ingestTimer.unref();
  }

  /** Looks for due groups in `delayMs` (or sooner if already planned); one claim round at a time. */
  private scheduleFlush(delayMs: number): void {
    if (!this.running) return;
    if (this.claiming) {
      // A round is running: it looks again at once when it ends.
      this.claimAgain = true;
      return;
    }
    const at = Date.now() + Math.max(0, delayMs);
    if (this.flushTimer && this.flushAtMs <= at) return;
    clearTimeout(this.flushTimer);
    this.flushAtMs = at;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.claimRound().then((nextMs) => {
        const again = this.claimAgain;
        this.claimAgain = false;
        this.scheduleFlush(again ? 0 : nextMs);
      });
    }, Math.max(0, delayMs));
    this.flushTimer.unref();
  }

  private ingestRound(): Promise<boolean> {
    this.ingesting ??= this.ingest()
      .catch((error: unknown) => {
        this.logger.warn('notification dispatch: alerts not ingested, trying again', { error: String(error) });
        return false;
      })
      .finally(() => {
        this.ingesting = undefined;
      });
    return this.ingesting;
  }

  /** One ingest transaction; true when a full batch was read (more changes are waiting). */
  private async ingest(): Promise<boolean> {
    const { alerts, config } = this;
    if (!alerts || !config) return false;
    const nowMs = Date.now();
    let placed = false;
    let more = false;
    await this.tx.inTransaction(async () => {
      const cursor = await this.groups.lockCursor();
      if (!cursor) return;
      const current = config.current();
      const version = config.version();
      // A process that has not applied the newest configuration yet leaves the ingest to those that have.
      if (version < cursor.configVersion) return;
      if (version > cursor.configVersion) {
        // Alertmanager rebuilds its dispatcher on a new configuration: every group anew, from the alerts it
        // holds; the notification log stays, so nothing already sent is sent again.
        await this.groups.deleteAllGroups();
        const replay = await alerts.current({ kind: 'all' }, nowMs - this.options.replayResolvedMs);
        await this.place(replay, current, version, nowMs);
        await this.groups.saveCursor({ alertSeq: cursor.alertSeq, configVersion: version });
        this.logger.info('notification groups rebuilt for a new configuration', { version, alerts: replay.length });
        this.metrics.rebuilds.inc();
        placed = true;
        return;
      }
      const changed = await alerts.changedSince(cursor.alertSeq, this.options.ingestBatch);
      if (changed.alerts.length > 0) {
        await this.place(changed.alerts, current, version, nowMs);
        await this.groups.saveCursor({ alertSeq: changed.seq, configVersion: version });
        this.metrics.alertsIngested.inc(changed.alerts.length);
        placed = true;
        more = changed.alerts.length >= this.options.ingestBatch;
      }
      if (nowMs - this.lastMaintenanceMs >= this.options.maintenanceMs) {
        // Under the cursor lock: no ingest adds an alert to a group while empty ones go.
        this.lastMaintenanceMs = nowMs;
        await this.groups.deleteEmptyGroups();
        await this.nflog.deleteExpired(nowMs);
      }
    });
    if (placed) this.scheduleFlush(0);
    return more;
  }

  /** Routes the alerts into their groups: aggrGroup.insert for each (route, group) they match. */
  private async place(alerts: readonly NotifyAlert[], config: AlertmanagerConfig, version: number, nowMs: number): Promise<void> {
    const placements: Placement[] = [];
    for (const alert of alerts) {
      for (const route of this.routing.matchRoutes(config.route, alert.labels)) {
        const labels = this.routing.groupLabels(route, alert.labels);
        placements.push({ route, labels, alert, identity: { routeId: route.id, groupKey: this.routing.groupKey(route, labels) } });
      }
    }
    if (placements.length === 0) return;
    const locked = await this.groups.lockGroups(placements.map((p) => p.identity));
    const touched = new Map<string, { id: number; schedule: GroupSchedule; dirty: boolean }>();
    const rows = new Map<string, { groupId: number; alert: NotifyAlert }>();
    for (const placement of placements) {
      const key = keyOf(placement.identity);
      const timing = timingOf(placement.route);
      let group = touched.get(key);
      if (!group) {
        const stored: StoredGroup | undefined = locked.get(key);
        if (stored) {
          group = { id: stored.id, schedule: stored, dirty: false };
        } else {
          // The group's clock starts when the alert was received (an ingest round later at most).
          const createdAtMs = Math.min(nowMs, Math.max(placement.alert.updatedAtMs, nowMs - 2 * this.options.ingestPollMs));
          const schedule = newGroupSchedule(createdAtMs, timing);
          const id = await this.groups.insertGroup({
            ...placement.identity,
            receiver: placement.route.receiver,
            labels: placement.labels,
            configVersion: version,
            createdAtMs,
            ...schedule,
          });
          group = { id, schedule, dirty: false };
        }
        touched.set(key, group);
      }
      const next = scheduleOnInsert(group.schedule, placement.alert, nowMs, timing);
      if (next !== group.schedule) {
        group.schedule = next;
        group.dirty = true;
      }
      rows.set(`${group.id}:${placement.alert.fingerprint}`, { groupId: group.id, alert: placement.alert });
    }
    for (const group of touched.values()) if (group.dirty) await this.groups.setSchedule(group.id, group.schedule);
    await this.groups.putGroupAlerts([...rows.values()]);
  }

  /** Claims the due groups this process has room for and starts their flushes; returns when to look again. */
  private async claimRound(): Promise<number> {
    const { config } = this;
    if (!config || !this.running) return this.options.maxPollMs;
    let next = this.options.maxPollMs;
    this.claiming = (async () => {
      const room = this.options.maxConcurrentFlushes - this.inFlight.size;
      if (room <= 0) return;
      const version = config.version();
      const nowMs = Date.now();
      const claimed = await this.groups.claimDue(this.holder, version, nowMs, this.options.leaseMs, room);
      if (claimed.length > 0) {
        let muted: (alert: NotifyAlert) => boolean;
        try {
          muted = this.muter ? await this.muter.prepare(nowMs) : () => false;
        } catch (error) {
          // Without silences and inhibitions nothing may be sent: give the groups back at once.
          await Promise.allSettled(claimed.map((group) => this.groups.release(group)));
          throw error;
        }
        for (const group of claimed) this.launch(group, muted);
        if (claimed.length === room) next = 0;
      }
      if (next > 0) {
        const due = await this.groups.nextDueMs(version);
        if (due !== undefined) next = Math.min(next, Math.max(0, due - Date.now()));
      }
    })().catch((error: unknown) => {
      this.logger.warn('notification dispatch: due groups not claimed, trying again', { error: String(error) });
    });
    await this.claiming;
    this.claiming = undefined;
    return next;
  }

  private launch(group: ClaimedGroup, muted: (alert: NotifyAlert) => boolean): void {
    const abort = new AbortController();
    const done = this.flush(group, muted, abort)
      .catch((error: unknown) => {
        this.logger.warn('notification group flush failed', { group: group.id, error: String(error) });
      })
      .finally(() => {
        this.inFlight.delete(group.id);
        if (this.running) this.scheduleFlush(0);
      });
    this.inFlight.set(group.id, { done, abort });
  }

  /** Flushes one claimed group (aggrGroup.run's tick and the notification pipeline). */
  private async flush(group: ClaimedGroup, muted: (alert: NotifyAlert) => boolean, abort: AbortController): Promise<void> {
    const { config, delivery } = this;
    if (!config || !delivery) return;
    const current = config.current();
    const route = findRoute(current.route, group.routeId);
    const receiver = route ? current.receivers.get(route.receiver) : undefined;
    const startedAtMs = Date.now();
    if (!route || !receiver) {
      // A configuration that no longer has the route: the group goes when the groups are rebuilt.
      await this.groups.finishFlush(group, { nextFlushAtMs: startedAtMs + 60_000, hasFlushed: true }, startedAtMs, []);
      return;
    }
    const timing = timingOf(route);
    this.metrics.flushDelay.observe(Math.max(0, startedAtMs - group.nextFlushAtMs) / 1000);
    const heartbeat = setInterval(() => {
      void this.groups.renewLease(group.id, group.holder, group.fencingToken, this.options.leaseMs).then(
        (held) => {
          if (!held) abort.abort(new Error('the flush lease was taken over'));
        },
        () => undefined,
      );
    }, this.options.leaseMs / 3);
    heartbeat.unref();
    try {
      const alerts = await this.groups.groupAlerts(group.id);
      const log = await this.nflog.entries(group.groupKey, receiver.name);
      const integrations: FlushIntegration[] = integrationsOf(receiver).map((integration) => {
        const last = log.get(integrationKey(integration));
        return last ? { ...integration, last } : integration;
      });
      const plan = planFlush({
        alerts,
        nowMs: startedAtMs,
        routeActive: routeActiveAt(route, current.timeIntervals, this.routing.intervalsContain, startedAtMs),
        muted,
        integrations,
        repeatIntervalMs: timing.repeatIntervalMs,
        retentionMs: this.options.retentionMs,
      });
      // Alertmanager gives the notifications until the next flush (group_interval) to succeed.
      const deadlineMs = startedAtMs + timing.groupIntervalMs;
      const outcomes = await Promise.all(plan.sends.map((send) => this.send(group, receiver, current, send, deadlineMs, abort.signal)));
      const failed = outcomes.some((ok) => !ok);
      const schedule = scheduleAfterFlush(group.nextFlushAtMs, startedAtMs, timing);
      const committed = await this.groups.finishFlush(group, schedule, startedAtMs, failed ? [] : plan.resolved);
      this.metrics.flushes.inc({ outcome: !committed ? 'lease_lost' : failed ? 'failed' : 'committed' });
      if (!committed) this.logger.warn('notification group flush not committed: its lease was taken over', { group: group.id });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Delivers one integration's notification; logs it in the notification log as soon as it was confirmed. */
  private async send(
    group: ClaimedGroup,
    receiver: ReceiverConfig,
    config: AlertmanagerConfig,
    send: IntegrationSend,
    deadlineMs: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { kind, index } = send.integration;
    if (send.alerts.length > 0) {
      const notification: Notification = {
        receiver: receiver.name,
        groupKey: group.groupKey,
        groupLabels: group.labels,
        alerts: send.alerts,
        nowMs: send.entry.sentAtMs,
        externalURL: this.options.externalURL,
        templates: config.templates,
      };
      try {
        // The lease is renewed right before sending: a process that stalled past its lease (another took the
        // group and may be sending the same) finds out here, not after it sent.
        if (signal.aborted || !(await this.groups.renewLease(group.id, group.holder, group.fencingToken, this.options.leaseMs))) {
          this.logger.warn('notification not sent: the flush lease was taken over', { group: group.id, integration: kind });
          return false;
        }
        const result = await this.delivery!.deliver(only(receiver, kind, index), notification, deadlineMs, signal);
        if (result.failed.length > 0 || result.delivered.length === 0) return false;
      } catch (error) {
        this.logger.warn('notification not delivered', { receiver: receiver.name, integration: kind, error: String(error) });
        return false;
      }
    }
    // Without send_resolved and only resolved alerts, nothing is sent but the log still learns it (RetryStage).
    await this.nflog.log(group.groupKey, receiver.name, send.integration, send.entry, group.fencingToken);
    if (send.alerts.length > 0) this.metrics.notifications.inc({ integration: kind });
    return true;
  }
}
