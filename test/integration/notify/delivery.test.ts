import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as amqp from 'amqplib';
import { RabbitEventPublisher } from '../../../src/amqp/rabbit-event-publisher';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';
import { TYPES } from '../../../src/identifiers';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { ReceiverConfig } from '../../../src/notify/config/model';
import type { Notification } from '../../../src/notify/receivers/receiver';
import type { DeliveryService } from '../../../src/services/notify/ports';
import type { ExperimentStore } from '../../../src/storage/stores';
import { call, startPlatform, type TestPlatform } from '../../support/platform';
import { uniqueName } from '../../support/real-services';

/** A webhook endpoint answering each request with the next status of its script (the last one repeats). */
async function recorder(statuses: number[]): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.statusCode = statuses[Math.min(bodies.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function alert(experimentId: number | undefined, instance: string): NotifyAlert {
  const now = Date.now();
  return {
    fingerprint: instance.padStart(16, '0'),
    labels: new Map([['alertname', 'Down'], ['instance', instance]]),
    annotations: new Map(),
    startsAtMs: now - 1000,
    endsAtMs: now + 300_000,
    endsAtGiven: false,
    updatedAtMs: now,
    generatorURL: '',
    ...(experimentId === undefined ? {} : { experimentId }),
    origin: 'rule',
  };
}

function notification(receiver: string, alerts: NotifyAlert[]): Notification {
  return { receiver, groupKey: `{}:{alertname="Down"}`, groupLabels: new Map([['alertname', 'Down']]), alerts, nowMs: Date.now(), externalURL: 'http://mymonit.test', templates: [] };
}

function receiver(name: string, parts: Partial<ReceiverConfig>): ReceiverConfig {
  return { name, webhook: [], email: [], amqp: [], tickets: [], ...parts };
}

describe('delivery: retries, attempts stored, /notifications, /metrics, the AMQP stream', () => {
  let p: TestPlatform;
  let delivery: DeliveryService;
  let expA: number;
  let expB: number;
  let broker: amqp.ChannelModel;

  beforeAll(async () => {
    p = await startPlatform({
      configure: (container) => {
        container.rebindSync(TYPES.DeliveryOptions).toConstantValue({ initialBackoffMs: 20, maxBackoffMs: 100, attemptTimeoutMs: 5_000 });
      },
    });
    delivery = p.container.get<DeliveryService>(TYPES.DeliveryService);
    const experiments = p.container.get<ExperimentStore>(TYPES.ExperimentStore);
    expA = (await experiments.insert({ code: 'NOTA', name: 'A' })).id;
    expB = (await experiments.insert({ code: 'NOTB', name: 'B' })).id;
    broker = await amqp.connect(p.config.rabbit.url);
  });

  afterAll(async () => {
    await broker?.close();
    await p?.container.get(RabbitEventPublisher).close();
    await p?.stop();
  });

  it('retries a 503 with backoff until it is accepted, gives up at once on a 400, publishes to the stream with confirms, and stores every attempt', async () => {
    const flaky = await recorder([503, 503, 200]);
    const refusing = await recorder([400]);
    const exchange = uniqueName('mymonit_events');
    const channel = await broker.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, 'alert.#');
    try {
      const result = await delivery.deliver(
        receiver('ops', {
          webhook: [
            { sendResolved: true, url: flaky.url, maxAlerts: 0 },
            { sendResolved: true, url: refusing.url, maxAlerts: 0 },
          ],
          amqp: [{ sendResolved: true, exchange }],
        }),
        notification('ops', [alert(expA, 'a1'), alert(expA, 'a2')]),
        Date.now() + 30_000,
        new AbortController().signal,
      );
      expect(result.delivered).toEqual(expect.arrayContaining([{ kind: 'webhook', index: 0 }, { kind: 'amqp', index: 0 }]));
      expect(result.failed).toEqual([{ kind: 'webhook', index: 1, error: 'PermanentSendError: unexpected status code 400' }]);
      expect(flaky.bodies).toHaveLength(3);
      expect(refusing.bodies).toHaveLength(1);

      const message = await channel.get(queue, { noAck: true });
      expect(message).not.toBe(false);
      if (message === false) return;
      expect(message.fields.routingKey).toBe('alert.firing');
      expect(message.properties.deliveryMode).toBe(2);
      expect(message.content.toString('utf8')).toBe(flaky.bodies[2]);

      const token = await p.tokenFor(p.admin);
      const listed = await call(p.baseUrl, 'GET', '/notifications?receiver=ops', { token });
      expect(listed.status).toBe(200);
      const webhook0 = listed.body.items.filter((i: { integration: string; integration_index: number }) => i.integration === 'webhook' && i.integration_index === 0);
      expect(webhook0.map((i: { attempt: number; status: string }) => [i.attempt, i.status])).toEqual([[3, 'sent'], [2, 'retrying'], [1, 'retrying']]);
      expect(webhook0[0]).toMatchObject({ receiver: 'ops', group_key: '{}:{alertname="Down"}', detail: 'HTTP 200', firing: 2, resolved: 0, experiment_ids: [expA] });
      expect(listed.body.items).toHaveLength(5);
      const failed = await call(p.baseUrl, 'GET', '/notifications?status=failed', { token });
      expect(failed.body.items).toEqual([expect.objectContaining({ integration: 'webhook', integration_index: 1, attempt: 1, detail: 'PermanentSendError: unexpected status code 400' })]);

      const metrics = await p.container.get(MetricsRegistry).text();
      expect(metrics).toContain('mymonit_notification_attempts_total{receiver="ops",integration="webhook",outcome="retrying"} 2');
      expect(metrics).toContain('mymonit_notification_attempts_total{receiver="ops",integration="webhook",outcome="sent"} 1');
      expect(metrics).toContain('mymonit_notification_attempts_total{receiver="ops",integration="webhook",outcome="failed"} 1');
      expect(metrics).toContain('mymonit_notification_attempts_total{receiver="ops",integration="amqp",outcome="sent"} 1');
      expect(metrics).toContain('mymonit_notifications_total{receiver="ops",integration="webhook",outcome="failed"} 1');
    } finally {
      await channel.deleteExchange(exchange).catch(() => undefined);
      await channel.close().catch(() => undefined);
      await flaky.close();
      await refusing.close();
    }
  });

  it('gives up when the deadline comes: the last attempt is stored as failed', async () => {
    const down = await recorder([503]);
    try {
      const result = await delivery.deliver(
        receiver('deadline', { webhook: [{ sendResolved: true, url: down.url, maxAlerts: 0 }] }),
        notification('deadline', [alert(expB, 'b1')]),
        Date.now() + 400,
        new AbortController().signal,
      );
      expect(result.failed).toHaveLength(1);
      const token = await p.tokenFor(p.admin);
      const items = (await call(p.baseUrl, 'GET', '/notifications?receiver=deadline', { token })).body.items as Array<{ status: string; attempt: number }>;
      expect(items.length).toBe(down.bodies.length);
      expect(items.length).toBeGreaterThan(1);
      expect(items[0]!.status).toBe('failed');
      expect(items.slice(1).every((i) => i.status === 'retrying')).toBe(true);
    } finally {
      await down.close();
    }
  });

  it('does not send resolved alerts to an integration without send_resolved, and nothing when none fires', async () => {
    const hook = await recorder([200]);
    try {
      const resolved = { ...alert(expA, 'r1'), endsAtMs: Date.now() - 1000 };
      const result = await delivery.deliver(
        receiver('quiet', { webhook: [{ sendResolved: false, url: hook.url, maxAlerts: 0 }] }),
        notification('quiet', [resolved]),
        Date.now() + 5000,
        new AbortController().signal,
      );
      expect(result).toEqual({ delivered: [{ kind: 'webhook', index: 0 }], failed: [] });
      expect(hook.bodies).toHaveLength(0);
    } finally {
      await hook.close();
    }
  });

  it('shows a SCIENTIST only the attempts of associated experiments, pages newest first, and checks its parameters', async () => {
    const scientist = await p.createUser('SCIENTIST');
    await p.container.get<ExperimentStore>(TYPES.ExperimentStore).associate(expA, scientist.id);
    const token = await p.tokenFor(scientist);
    const mine = await call(p.baseUrl, 'GET', '/notifications', { token });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((i: { experiment_ids: number[] }) => i.experiment_ids.includes(expA))).toBe(true);
    expect(mine.body.items.some((i: { receiver: string }) => i.receiver === 'deadline')).toBe(false);

    const stranger = await p.tokenFor(await p.createUser('SCIENTIST'));
    expect((await call(p.baseUrl, 'GET', '/notifications', { token: stranger })).body.items).toEqual([]);

    const admin = await p.tokenFor(p.admin);
    const all = (await call(p.baseUrl, 'GET', '/notifications?limit=1000', { token: admin })).body.items as Array<{ id: number }>;
    const first = await call(p.baseUrl, 'GET', '/notifications?limit=2', { token: admin });
    expect(first.body.items.map((i: { id: number }) => i.id)).toEqual(all.slice(0, 2).map((i) => i.id));
    const second = await call(p.baseUrl, 'GET', `/notifications?limit=2&cursor=${first.body.next as string}`, { token: admin });
    expect(second.body.items.map((i: { id: number }) => i.id)).toEqual(all.slice(2, 4).map((i) => i.id));

    const future = await call(p.baseUrl, 'GET', `/notifications?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: admin });
    expect(future.body.items).toEqual([]);
    const bad = await call(p.baseUrl, 'GET', '/notifications?status=lost', { token: admin });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    expect((await call(p.baseUrl, 'GET', '/notifications')).status).toBe(401);
  });
});
