import { inject, injectable } from 'inversify';
import { backoffDelay, sleep } from '../../../lib/amqp/backoff';
import { alertStatus } from '../../notify/alert';
import type { ReceiverConfig } from '../../notify/config/model';
import {
  type Integration,
  type IntegrationConfigs,
  type IntegrationKind,
  type Notification,
  PermanentSendError,
} from '../../notify/receivers/receiver';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import { NotifyMetrics } from '../../metrics/notify-metrics';
import type { AttemptStatus, NotificationAttemptStore } from '../../storage/notify-stores';
import type { DeliveryResult, DeliveryService } from './ports';

/** One integration of each kind: the receivers' senders (src/notify/receivers/), bound in src/container.ts. */
export type IntegrationSet = { readonly [K in IntegrationKind]: Integration<IntegrationConfigs[K]> };

export interface DeliveryOptions {
  /** First retry delay; doubled at each retry, with ±20% jitter. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Bound of one attempt (and never beyond the deadline). */
  readonly attemptTimeoutMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = { initialBackoffMs: 500, maxBackoffMs: 30_000, attemptTimeoutMs: 30_000 };

/** What is kept of a failure: no URL, address or credential ever reaches it (integrations say none). */
function detailOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

interface Target {
  readonly kind: IntegrationKind;
  readonly index: number;
  readonly config: IntegrationConfigs[IntegrationKind];
}

function targets(receiver: ReceiverConfig): Target[] {
  const list: Target[] = [];
  const add = <K extends IntegrationKind>(kind: K, configs: readonly IntegrationConfigs[K][]) =>
    configs.forEach((config, index) => list.push({ kind, index, config }));
  add('webhook', receiver.webhook);
  add('email', receiver.email);
  add('amqp', receiver.amqp);
  add('ticket', receiver.tickets);
  return list;
}

/**
 * NotificationDelivery sends a notification to every integration of a receiver at once (Alertmanager's
 * fan-out), each with retries and exponential backoff with jitter until the deadline (Alertmanager's
 * RetryStage). An integration that does not send_resolved gets the firing alerts only, and nothing when
 * none fires (counted as delivered, as Alertmanager does). Every attempt is stored and counted.
 */
@injectable()
export class NotificationDelivery implements DeliveryService {
  private readonly options: DeliveryOptions;

  constructor(
    @inject(TYPES.NotifyIntegrations) private readonly integrations: IntegrationSet,
    @inject(TYPES.NotificationAttemptStore) private readonly attempts: NotificationAttemptStore,
    @inject(NotifyMetrics) private readonly metrics: NotifyMetrics,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.DeliveryOptions) options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
  }

  async deliver(receiver: ReceiverConfig, notification: Notification, deadlineMs: number, signal: AbortSignal): Promise<DeliveryResult> {
    const outcomes = await Promise.all(targets(receiver).map((t) => this.deliverOne(receiver.name, t, notification, deadlineMs, signal)));
    return {
      delivered: outcomes.filter((o) => o.error === undefined).map(({ kind, index }) => ({ kind, index })),
      failed: outcomes.flatMap(({ kind, index, error }) => (error === undefined ? [] : [{ kind, index, error }])),
    };
  }

  private async deliverOne(
    receiver: string,
    target: Target,
    notification: Notification,
    deadlineMs: number,
    signal: AbortSignal,
  ): Promise<{ kind: IntegrationKind; index: number; error?: string }> {
    const { kind, index, config } = target;
    const alerts = config.sendResolved ? notification.alerts : notification.alerts.filter((a) => alertStatus(a, notification.nowMs) === 'firing');
    if (alerts.length === 0) return { kind, index };
    const toSend: Notification = { ...notification, alerts };
    const firing = alerts.filter((a) => alertStatus(a, notification.nowMs) === 'firing').length;
    const experimentIds = [...new Set(alerts.flatMap((a) => (a.experimentId === undefined ? [] : [a.experimentId])))].sort((x, y) => x - y);
    const integration = this.integrations[kind] as Integration<typeof config>;
    for (let attempt = 1; ; attempt++) {
      const startedMs = Date.now();
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), Math.max(0, Math.min(this.options.attemptTimeoutMs, deadlineMs - startedMs)));
      let status: AttemptStatus;
      let detail: string;
      let retryIn: number | undefined;
      try {
        detail = (await integration.send(config, toSend, AbortSignal.any([signal, timeout.signal]))).detail;
        status = 'sent';
      } catch (error) {
        detail = detailOf(error);
        const delay = backoffDelay(attempt - 1, this.options.initialBackoffMs, this.options.maxBackoffMs);
        const retryable = !(error instanceof PermanentSendError) && !signal.aborted && Date.now() + delay < deadlineMs;
        status = retryable ? 'retrying' : 'failed';
        if (retryable) retryIn = delay;
      } finally {
        clearTimeout(timer);
      }
      const durationMs = Date.now() - startedMs;
      this.metrics.attempts.inc({ receiver, integration: kind, outcome: status });
      this.metrics.attemptDuration.observe({ integration: kind }, durationMs / 1000);
      await this.attempts
        .record({
          receiver,
          integration: kind,
          integrationIndex: index,
          groupKey: notification.groupKey,
          attempt,
          status,
          detail,
          firing,
          resolved: alerts.length - firing,
          atMs: startedMs,
          durationMs,
          experimentIds,
        })
        .catch((error: unknown) => this.logger.warn('could not record a notification attempt', { receiver, integration: kind, error: detailOf(error) }));
      if (status === 'sent') {
        this.metrics.notifications.inc({ receiver, integration: kind, outcome: 'delivered' });
        return { kind, index };
      }
      if (retryIn === undefined || !(await sleep(retryIn, signal))) {
        this.metrics.notifications.inc({ receiver, integration: kind, outcome: 'failed' });
        this.logger.warn('notification failed', { receiver, integration: kind, index, attempts: attempt, error: detail });
        return { kind, index, error: detail };
      }
    }
  }
}
