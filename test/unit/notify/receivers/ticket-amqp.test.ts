import type { AmqpStreamConfig, TicketConfig } from '../../../../src/notify/config/model';
import { AmqpIntegration, alertRoutingKey, ticketRoutingKey } from '../../../../src/notify/receivers/amqp';
import { type EventPublisher, type Notification, PermanentSendError, RetryableSendError, type TicketSink } from '../../../../src/notify/receivers/receiver';
import { TicketIntegration } from '../../../../src/notify/receivers/ticket';
import { webhookPayload } from '../../../../src/notify/receivers/webhook';

const now = Date.parse('2026-12-03T12:00:00Z');
const notification = (endsAtMs: number): Notification => ({
  receiver: 'ops',
  groupKey: '{}:{alertname="X"}',
  groupLabels: new Map([['alertname', 'X']]),
  alerts: [{ fingerprint: '0000000000000001', labels: new Map([['alertname', 'X']]), annotations: new Map(), startsAtMs: now - 1000, endsAtMs, endsAtGiven: false, updatedAtMs: now, generatorURL: '', origin: 'api' }],
  nowMs: now,
  externalURL: '',
  templates: [],
});
const ticketConfig: TicketConfig = { sendResolved: true, reopenWindowMs: 3_600_000, autoResolve: true };
const stream: AmqpStreamConfig = { sendResolved: true, exchange: 'events' };

describe('ticket integration', () => {
  it('writes through the TicketSink and reports the ticket and what happened to it', async () => {
    const calls: Array<[TicketConfig, Notification]> = [];
    const sink: TicketSink = {
      fromNotification: (config, n) => {
        calls.push([config, n]);
        return Promise.resolve({ ticketId: 42, event: 'opened' });
      },
    };
    const outcome = await new TicketIntegration(sink).send(ticketConfig, notification(now + 1000), new AbortController().signal);
    expect(outcome).toEqual({ detail: 'ticket 42 opened' });
    expect(calls).toHaveLength(1);
  });

  it('refuses permanently in a process without a ticket service', async () => {
    await expect(new TicketIntegration(undefined).send(ticketConfig, notification(now + 1000), new AbortController().signal)).rejects.toBeInstanceOf(PermanentSendError);
  });
});

describe('AMQP stream integration', () => {
  it('publishes the webhook message under alert.<group status> and ticket events under ticket.<event>', async () => {
    const published: Array<{ target: AmqpStreamConfig; key: string; body: string }> = [];
    const publisher: EventPublisher = {
      publish: (target, key, body) => {
        published.push({ target, key, body: body.toString('utf8') });
        return Promise.resolve();
      },
    };
    const integration = new AmqpIntegration(publisher);
    await integration.send(stream, notification(now + 1000), new AbortController().signal);
    await integration.send(stream, notification(now - 1), new AbortController().signal);
    await integration.publishTicketEvent(stream, 'acknowledged', { id: 42 });
    expect(published.map((p) => p.key)).toEqual(['alert.firing', 'alert.resolved', 'ticket.acknowledged']);
    expect(published[0]!.body).toBe(webhookPayload({ maxAlerts: 0 }, notification(now + 1000)));
    expect(published[2]!.body).toBe('{"id":42}');
    expect(alertRoutingKey(notification(now))).toBe('alert.resolved');
    expect(ticketRoutingKey('re.opened#')).toBe('ticket.re_opened_');
  });

  it('a publish the broker did not confirm is retryable', async () => {
    const publisher: EventPublisher = { publish: () => Promise.reject(new Error('nack')) };
    await expect(new AmqpIntegration(publisher).send(stream, notification(now + 1000), new AbortController().signal)).rejects.toBeInstanceOf(RetryableSendError);
  });
});

describe('TicketEventStream', () => {
  it('publishes a ticket event to every stream of the receiver, and counts what failed', async () => {
    const { TicketEventStream } = await import('../../../../src/services/notify/ticket-event-stream');
    const { NotifyMetrics } = await import('../../../../src/metrics/notify-metrics');
    const { MetricsRegistry } = await import('../../../../src/metrics/metrics-registry');
    const keys: string[] = [];
    const publisher: EventPublisher = {
      publish: (target, key) => {
        keys.push(`${target.exchange}:${key}`);
        return target.exchange === 'down' ? Promise.reject(new Error('nack')) : Promise.resolve();
      },
    };
    const registry = new MetricsRegistry();
    const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => silent };
    const stream = new TicketEventStream(publisher, new NotifyMetrics(registry), silent);
    const receiver = { name: 'ops', webhook: [], email: [], tickets: [], amqp: [{ sendResolved: true, exchange: 'events' }, { sendResolved: true, exchange: 'down' }] };
    expect(await stream.publish(receiver, 'acknowledged', { id: 1 })).toBe(1);
    expect(keys).toEqual(['events:ticket.acknowledged', 'down:ticket.acknowledged']);
    expect(await registry.text()).toContain('mymonit_notification_attempts_total{receiver="ops",integration="amqp",outcome="failed"} 1');
  });
});
