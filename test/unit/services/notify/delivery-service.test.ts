import type { NotifyAlert } from '../../../../src/notify/alert';
import type { ReceiverConfig, WebhookConfig } from '../../../../src/notify/config/model';
import { type Integration, type Notification, PermanentSendError, RetryableSendError, type SendOutcome } from '../../../../src/notify/receivers/receiver';
import type { Logger } from '../../../../src/logging/logger';
import { MetricsRegistry } from '../../../../src/metrics/metrics-registry';
import { NotifyMetrics } from '../../../../src/metrics/notify-metrics';
import { type IntegrationSet, NotificationDelivery } from '../../../../src/services/notify/delivery-service';
import type { NotificationAttempt, NotificationAttemptStore } from '../../../../src/storage/notify-stores';

class ScriptedIntegration<C> implements Integration<C> {
  readonly calls: Array<{ config: C; notification: Notification }> = [];
  constructor(
    readonly kind: 'webhook' | 'email' | 'amqp' | 'ticket',
    private readonly script: Array<Error | SendOutcome>,
  ) {}

  send(config: C, notification: Notification, signal: AbortSignal): Promise<SendOutcome> {
    this.calls.push({ config, notification });
    signal.throwIfAborted();
    const next = this.script[Math.min(this.calls.length - 1, this.script.length - 1)]!;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

class MemoryAttempts implements NotificationAttemptStore {
  readonly rows: Array<Omit<NotificationAttempt, 'id'>> = [];
  failing = false;
  record(attempt: Omit<NotificationAttempt, 'id'>): Promise<number> {
    if (this.failing) return Promise.reject(new Error('database down'));
    this.rows.push(attempt);
    return Promise.resolve(this.rows.length);
  }
  list(): Promise<NotificationAttempt[]> {
    return Promise.resolve([]);
  }
}

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => silent };

const now = Date.now();
function alert(firing: boolean, experimentId?: number): NotifyAlert {
  return {
    fingerprint: firing ? '0000000000000001' : '0000000000000002',
    labels: new Map([['alertname', firing ? 'A' : 'B']]),
    annotations: new Map(),
    startsAtMs: now - 10_000,
    endsAtMs: firing ? now + 60_000 : now - 1,
    endsAtGiven: !firing,
    updatedAtMs: now,
    generatorURL: '',
    ...(experimentId === undefined ? {} : { experimentId }),
    origin: 'rule',
  };
}

const notification = (alerts: NotifyAlert[]): Notification => ({
  receiver: 'r',
  groupKey: '{}:{}',
  groupLabels: new Map(),
  alerts,
  nowMs: now,
  externalURL: '',
  templates: [],
});

const hook = (sendResolved: boolean): WebhookConfig => ({ sendResolved, url: 'http://x', maxAlerts: 0 });
const receiver = (webhook: WebhookConfig[]): ReceiverConfig => ({ name: 'r', webhook, email: [], amqp: [], tickets: [] });

function setup(webhook: ScriptedIntegration<WebhookConfig>) {
  const attempts = new MemoryAttempts();
  const metrics = new NotifyMetrics(new MetricsRegistry());
  const unused = new ScriptedIntegration<never>('email', [new Error('unused')]);
  const integrations = { webhook, email: unused, amqp: unused, ticket: unused } as unknown as IntegrationSet;
  const delivery = new NotificationDelivery(integrations, attempts, metrics, silent, { initialBackoffMs: 1, maxBackoffMs: 4, attemptTimeoutMs: 1000 });
  return { delivery, attempts };
}

describe('NotificationDelivery', () => {
  it('retries retryable failures (and unknown errors) until one succeeds, recording each attempt', async () => {
    const webhook = new ScriptedIntegration<WebhookConfig>('webhook', [new RetryableSendError('503'), new Error('socket hang up'), { detail: 'HTTP 200' }]);
    const { delivery, attempts } = setup(webhook);
    const result = await delivery.deliver(receiver([hook(true)]), notification([alert(true, 7), alert(false, 3)]), Date.now() + 10_000, new AbortController().signal);
    expect(result).toEqual({ delivered: [{ kind: 'webhook', index: 0 }], failed: [] });
    expect(attempts.rows.map((r) => [r.attempt, r.status, r.detail])).toEqual([
      [1, 'retrying', 'RetryableSendError: 503'],
      [2, 'retrying', 'socket hang up'],
      [3, 'sent', 'HTTP 200'],
    ]);
    expect(attempts.rows[0]).toMatchObject({ firing: 1, resolved: 1, experimentIds: [3, 7], integrationIndex: 0, receiver: 'r' });
  });

  it('stops at a permanent failure', async () => {
    const webhook = new ScriptedIntegration<WebhookConfig>('webhook', [new PermanentSendError('400')]);
    const { delivery, attempts } = setup(webhook);
    const result = await delivery.deliver(receiver([hook(true)]), notification([alert(true)]), Date.now() + 10_000, new AbortController().signal);
    expect(result.failed).toEqual([{ kind: 'webhook', index: 0, error: 'PermanentSendError: 400' }]);
    expect(attempts.rows.map((r) => r.status)).toEqual(['failed']);
  });

  it('stops when shutdown aborts, with the last attempt failed', async () => {
    const controller = new AbortController();
    const webhook = new ScriptedIntegration<WebhookConfig>('webhook', [new RetryableSendError('503')]);
    const { delivery, attempts } = setup(webhook);
    const pending = delivery.deliver(receiver([hook(true)]), notification([alert(true)]), Date.now() + 60_000, controller.signal);
    controller.abort();
    const result = await pending;
    expect(result.failed).toHaveLength(1);
    expect(attempts.rows.at(-1)!.status).toBe('failed');
  });

  it('gives an integration without send_resolved only the firing alerts, and nothing when none fires', async () => {
    const webhook = new ScriptedIntegration<WebhookConfig>('webhook', [{ detail: 'ok' }]);
    const { delivery } = setup(webhook);
    await delivery.deliver(receiver([hook(false), hook(true)]), notification([alert(true), alert(false)]), Date.now() + 1000, new AbortController().signal);
    expect(webhook.calls.map((c) => c.notification.alerts.length).sort()).toEqual([1, 2]);
    webhook.calls.length = 0;
    const result = await delivery.deliver(receiver([hook(false)]), notification([alert(false)]), Date.now() + 1000, new AbortController().signal);
    expect(webhook.calls).toHaveLength(0);
    expect(result.delivered).toEqual([{ kind: 'webhook', index: 0 }]);
  });

  it('still delivers when the attempt history cannot be written', async () => {
    const webhook = new ScriptedIntegration<WebhookConfig>('webhook', [{ detail: 'ok' }]);
    const { delivery, attempts } = setup(webhook);
    attempts.failing = true;
    const result = await delivery.deliver(receiver([hook(true)]), notification([alert(true)]), Date.now() + 1000, new AbortController().signal);
    expect(result.delivered).toHaveLength(1);
  });
});
