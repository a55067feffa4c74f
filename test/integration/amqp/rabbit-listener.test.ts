import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as amqp from 'amqplib';
import { MeasureMessageParser } from '../../../src/amqp/measure-message-parser';
import { MessageProcessor } from '../../../src/amqp/message-processor';
import {
  AmqplibRabbitConnector,
  type AmqplibRabbitSession,
  type RabbitConnector,
  type RabbitSession,
} from '../../../src/amqp/rabbit-connector';
import { RabbitListener } from '../../../src/amqp/rabbit-listener';
import type { RabbitTopology } from '../../../src/amqp/topology';
import type { Config } from '../../../src/config';
import { testConfig, uniqueName } from '../../support/real-services';
import {
  connectionRefused,
  dataTooLong,
  FakeMeasureService,
  ingestMetrics,
  measure,
  MemoryLogger,
} from '../../support/amqp-fakes';
import { waitFor } from '../../support/eventually';

/**
 * The consumer against the real broker: what is acked, what stays in the queue, what is dead-lettered,
 * and how it survives losing its connection. Storage is a fake: MySQL is not what is under test here.
 */

/** Hands out real sessions and keeps them, so that a test can cut one as a network failure would. */
class RecordingConnector implements RabbitConnector {
  readonly sessions: AmqplibRabbitSession[] = [];
  constructor(private readonly inner: AmqplibRabbitConnector) {}

  async connect(): Promise<RabbitSession> {
    const session = (await this.inner.connect()) as AmqplibRabbitSession;
    this.sessions.push(session);
    return session;
  }
}

/**
 * Destroys the session's TCP socket with an error, as a reset connection does. (A silently dead peer is
 * only noticed by heartbeats, after two missed ones: ~30 s, too slow for a test.)
 */
function cutNetwork(session: AmqplibRabbitSession): void {
  const socket = (session.connection.connection as unknown as { stream: Duplex }).stream;
  socket.destroy(Object.assign(new Error('read ECONNRESET (simulated)'), { code: 'ECONNRESET' }));
}

const created: RabbitTopology[] = [];
const running: RabbitListener[] = [];
let admin: amqp.ChannelModel;
let publisher: amqp.ConfirmChannel;

beforeAll(async () => {
  admin = await amqp.connect(testConfig().rabbit.url);
  admin.on('error', () => undefined);
  publisher = await admin.createConfirmChannel();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((listener) => listener.stop()));
});

afterAll(async () => {
  const channel = await admin.createChannel();
  for (const t of created) {
    await channel.deleteQueue(t.queue);
    await channel.deleteQueue(t.deadLetterQueue);
    await channel.deleteExchange(t.exchange);
    await channel.deleteExchange(t.deadLetterExchange);
  }
  await admin.close();
});

type QueueType = 'classic' | 'quorum';

interface Harness {
  config: Config;
  service: FakeMeasureService;
  logger: MemoryLogger;
  connector: RecordingConnector;
  listener: RabbitListener;
}

/** A listener on its own exchange and queues; not started, so a test can set the fake up first. */
function harness(queueType: QueueType, env: Record<string, string> = {}): Harness {
  const config = testConfig({
    RABBIT_EXCHANGE: uniqueName('mymonit_test_x'),
    RABBIT_QUEUE: uniqueName('mymonit_test_measures'),
    RABBIT_QUEUE_TYPE: queueType,
    RABBIT_PREFETCH: '10',
    RABBIT_RECONNECT_MAX_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
  created.push(config.rabbit);
  const logger = new MemoryLogger();
  const service = new FakeMeasureService();
  const connector = new RecordingConnector(new AmqplibRabbitConnector(config, logger));
  const metrics = ingestMetrics();
  const processor = new MessageProcessor(new MeasureMessageParser(config), service, config, logger, metrics);
  const listener = new RabbitListener(connector, processor, config, logger, metrics);
  running.push(listener);
  return { config, service, logger, connector, listener };
}

async function publish(h: Harness, body: unknown, messageId: string = randomUUID()): Promise<string> {
  const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  publisher.publish(h.config.rabbit.exchange, h.config.rabbit.routingKey, content, {
    persistent: true,
    messageId,
    contentType: 'application/json',
  });
  await publisher.waitForConfirms();
  return messageId;
}

/** Ready messages and consumers of a queue (unacked messages are not counted as ready). */
async function inspect(queue: string): Promise<amqp.Replies.AssertQueue> {
  const channel = await admin.createChannel();
  try {
    return await channel.checkQueue(queue);
  } finally {
    await channel.close();
  }
}

async function take(queue: string): Promise<amqp.GetMessage> {
  const channel = await admin.createChannel();
  try {
    const message = await channel.get(queue, { noAck: true });
    if (!message) throw new Error(`${queue} is empty`);
    return message;
  } finally {
    await channel.close();
  }
}

describe.each<QueueType>(['classic', 'quorum'])('RabbitListener on a %s queue', (queueType) => {
  it('stores the measures of every body shape, in order, and acks them', async () => {
    const h = harness(queueType);
    await h.listener.start();
    expect(h.listener.isConnected()).toBe(true);
    await expect(h.listener.healthCheck().check()).resolves.toBeUndefined();
    // Negotiated from the URL (amqplib ignores a heartbeat socket option and would take the server's 60 s).
    expect((h.connector.sessions[0].connection.connection as unknown as { heartbeat: number }).heartbeat).toBe(15);

    const first = await publish(h, measure({ value: 1 }));
    await publish(h, [measure({ value: 2 }), measure({ value: 3 })]);
    await publish(h, { measures: [measure({ value: 4, timestamp: '2024-03-01T12:34:56.123456Z' })] });
    await waitFor('4 measures', () => h.service.measures.length === 4);

    expect(h.service.measures.map((m) => m.value)).toEqual([1, 2, 3, 4]);
    expect(h.service.measures[3].timestampUs).toBe(BigInt(Date.UTC(2024, 2, 1, 12, 34, 56)) * 1000n + 123456n);
    expect(h.service.stored[0].message).toMatchObject({
      messageId: first,
      routingKey: h.config.rabbit.routingKey,
      contentType: 'application/json',
    });
    await h.listener.stop();
    // Unacked messages would be back in the queue once the consumer's channel is closed.
    expect(await inspect(h.config.rabbit.queue)).toMatchObject({ messageCount: 0, consumerCount: 0 });
    expect(h.service.rejectCalls).toBe(0);
  });

  it('stores a malformed message as rejected (malformed-json) and acks it', async () => {
    const h = harness(queueType);
    await h.listener.start();
    const id = await publish(h, '{"experiment": "EXP-1", "value": ');
    await waitFor('the rejection', () => h.service.rejected.length === 1);
    expect(h.service.rejected[0]).toMatchObject({ reason: 'malformed-json', message: { messageId: id } });
    await h.listener.stop();
    expect((await inspect(h.config.rabbit.queue)).messageCount).toBe(0);
  });

  it('keeps a message unacked while storage fails, and hands it back on stop', async () => {
    const h = harness(queueType);
    h.service.onIngest = () => {
      throw connectionRefused();
    };
    await h.listener.start();
    const id = await publish(h, measure());
    await waitFor('several attempts', () => h.service.ingestCalls >= 3);
    // Held by the consumer: not ready for anyone else, not acked, not lost.
    expect(await inspect(h.config.rabbit.queue)).toMatchObject({ messageCount: 0, consumerCount: 1 });

    const stoppedAt = Date.now();
    await h.listener.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    expect((await inspect(h.config.rabbit.queue)).messageCount).toBe(1);
    const redelivered = await take(h.config.rabbit.queue);
    expect(redelivered.properties.messageId).toBe(id);
    expect(redelivered.fields.redelivered).toBe(true);
    expect(h.service.stored).toHaveLength(0);
    expect(h.service.rejectCalls).toBe(0);
  });

  it('dead-letters a message that storage refuses, when even its rejection cannot be stored', async () => {
    const h = harness(queueType);
    h.service.onIngest = () => {
      throw dataTooLong();
    };
    h.service.onReject = () => {
      throw dataTooLong();
    };
    await h.listener.start();
    const id = await publish(h, measure());
    await waitFor('the dead letter', async () => (await inspect(h.config.rabbit.deadLetterQueue)).messageCount === 1);

    const dead = await take(h.config.rabbit.deadLetterQueue);
    expect(dead.properties.messageId).toBe(id);
    expect(JSON.parse(dead.content.toString())).toEqual(measure());
    expect(dead.properties.headers?.['x-death']?.[0]).toMatchObject({ reason: 'rejected', queue: h.config.rabbit.queue });
    await h.listener.stop();
    expect((await inspect(h.config.rabbit.queue)).messageCount).toBe(0);
  });

  it('reconnects after the network fails and resumes consuming', async () => {
    const h = harness(queueType);
    await h.listener.start();
    await publish(h, measure({ value: 1 }));
    await waitFor('the first measure', () => h.service.measures.length === 1);

    cutNetwork(h.connector.sessions[0]);
    await waitFor('the loss to be noticed', () => !h.listener.isConnected());
    await expect(h.listener.healthCheck().check()).rejects.toThrow('reconnecting');
    // Published while the consumer is away: the queue keeps it.
    await publish(h, measure({ value: 2 }));

    await waitFor('the reconnection', () => h.listener.isConnected());
    await waitFor('the second measure', () => h.service.measures.some((m) => m.value === 2));
    // At least once: an ack still in the client's buffer when the socket died is lost, and the first
    // message comes again (storage keeps one row per (series, timestamp)).
    expect([...new Set(h.service.measures.map((m) => m.value))]).toEqual([1, 2]);
    expect(h.connector.sessions).toHaveLength(2);
    expect(h.logger.entries.map((e) => e.message)).toEqual(
      expect.arrayContaining(['lost the RabbitMQ connection; reconnecting', 'reconnected to RabbitMQ']),
    );
    await expect(h.listener.healthCheck().check()).resolves.toBeUndefined();
  });
});

describe('RabbitListener', () => {
  it('stores a message as a storage-error rejection when storage refuses its data, and acks it', async () => {
    const h = harness('quorum');
    h.service.onIngest = () => {
      throw dataTooLong();
    };
    await h.listener.start();
    await publish(h, measure());
    await waitFor('the rejection', () => h.service.rejected.length === 1);
    expect(h.service.rejected[0].reason).toBe('storage-error');
    await h.listener.stop();
    expect((await inspect(h.config.rabbit.queue)).messageCount).toBe(0);
    expect((await inspect(h.config.rabbit.deadLetterQueue)).messageCount).toBe(0);
  });

  it.each([1, 2])('commits at most INGEST_CONCURRENCY=%i batches at once and acks them all after their commit', async (concurrency) => {
    const h = harness('quorum', { RABBIT_PREFETCH: '12', INGEST_CONCURRENCY: String(concurrency) });
    let inFlight = 0;
    let maxInFlight = 0;
    h.service.onIngest = async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
    };
    await h.listener.start();
    for (let i = 0; i < 30; i++) await publish(h, measure({ value: i }));
    await waitFor('30 measures', () => h.service.measures.length === 30);
    expect(maxInFlight).toBeLessThanOrEqual(concurrency);
    // One at a time: stored in arrival order. Batches close at prefetch / (concurrency + 2) messages.
    if (concurrency === 1) expect(h.service.measures.map((m) => m.value)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(Math.max(...h.service.batches.map((b) => b.length))).toBeLessThanOrEqual(12 / (concurrency + 2));
    await waitFor('every ack', async () => (await inspect(h.config.rabbit.queue)).messageCount === 0);
    await h.listener.stop();
    expect((await inspect(h.config.rabbit.queue)).messageCount).toBe(0);
  });

  it('groups deliveries into one batch up to INGEST_BATCH_SIZE measures, and commits a partial batch after the linger', async () => {
    const h = harness('quorum', { RABBIT_PREFETCH: '1000', INGEST_BATCH_SIZE: '50', INGEST_LINGER_MS: '300', INGEST_CONCURRENCY: '1' });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first batch is held, so that everything published meanwhile waits in the pipeline.
    h.service.onIngest = () => (h.service.ingestCalls === 1 ? gate : undefined);
    await h.listener.start();
    await publish(h, measure({ value: -1 }));
    await waitFor('the first batch', () => h.service.ingestCalls === 1);
    for (let i = 0; i < 12; i++) {
      await publish(h, Array.from({ length: 10 }, (_, j) => measure({ value: i * 10 + j })));
    }
    release();
    await waitFor('121 measures', () => h.service.measures.length === 121);
    // 12 messages of 10: two full batches of 5 messages (50 measures), then the last 2 after the linger.
    expect(h.service.batches.map((b) => b.length)).toEqual([1, 5, 5, 2]);
  });

  it('raises its prefetch for small messages by replacing its consumer: every message stored once, all acked', async () => {
    const h = harness('quorum', { RABBIT_PREFETCH: '5000', INGEST_BUFFER_BYTES: '1048576', INGEST_BATCH_SIZE: '1000' });
    await h.listener.start();
    const count = 3000;
    for (let i = 0; i < count; i++) {
      publisher.publish(h.config.rabbit.exchange, h.config.rabbit.routingKey, Buffer.from(JSON.stringify(measure({ value: i }))), {
        persistent: true,
        messageId: randomUUID(),
      });
    }
    await publisher.waitForConfirms();
    await waitFor(`${count} measures`, () => h.service.measures.length >= count, 30_000);
    // ~100-byte messages: 1 MiB holds ~10,000 of them, RABBIT_PREFETCH caps it at 5,000.
    const resizes = () => h.logger.entries.filter((e) => e.message.startsWith('prefetch resized'));
    await waitFor('the new consumer', () => resizes().length > 0);
    const resized = resizes();
    expect(resized.map((e) => e.meta.prefetch)).toEqual([5000]);
    expect(resized[0].meta.messagesPerBatch).toBe(1250);
    const values = h.service.measures.map((m) => m.value);
    expect(values).toHaveLength(count);
    expect(new Set(values).size).toBe(count);
    await waitFor('every ack', async () => (await inspect(h.config.rabbit.queue)).messageCount === 0);
    // The replaced consumer is cancelled once its last deliveries are acked: one consumer only, in the end.
    await waitFor('the replaced consumer cancelled', async () => (await inspect(h.config.rabbit.queue)).consumerCount === 1);
    await h.listener.stop();
    await waitFor('no consumer', async () => (await inspect(h.config.rabbit.queue)).consumerCount === 0);
    expect((await inspect(h.config.rabbit.queue)).messageCount).toBe(0);
  });

  it('lowers its prefetch for big messages, so that about INGEST_BUFFER_BYTES of bodies are held', async () => {
    const h = harness('quorum', { RABBIT_PREFETCH: '1000', INGEST_BUFFER_BYTES: '200000' });
    await h.listener.start();
    const count = 1200;
    const body = (i: number) => Buffer.from(JSON.stringify(Array.from({ length: 20 }, (_, j) => measure({ value: i * 20 + j }))));
    // The sizer decides on the first 1,000 deliveries (one prefetch's worth): their average size.
    let firstBytes = 0;
    for (let i = 0; i < 1000; i++) firstBytes += body(i).length;
    const size = firstBytes / 1000;
    for (let i = 0; i < count; i++) {
      publisher.publish(h.config.rabbit.exchange, h.config.rabbit.routingKey, body(i), { persistent: true, messageId: randomUUID() });
    }
    await publisher.waitForConfirms();
    await waitFor(`${count * 20} measures`, () => h.service.measures.length >= count * 20, 30_000);
    const resizes = () => h.logger.entries.filter((e) => e.message.startsWith('prefetch resized'));
    await waitFor('the new consumer', () => resizes().length > 0);
    const resized = resizes();
    expect(resized.map((e) => e.meta.prefetch)).toEqual([Math.floor(200000 / size)]);
    expect(new Set(h.service.measures.map((m) => m.value)).size).toBe(count * 20);
    await h.listener.stop();
    expect(await inspect(h.config.rabbit.queue)).toMatchObject({ messageCount: 0, consumerCount: 0 });
  });

  it('reconnects when the broker closes the channel', async () => {
    const h = harness('quorum');
    await h.listener.start();
    // Acking a delivery tag the broker never issued is a channel error: the broker closes the channel.
    h.connector.sessions[0].channel.ack({ fields: { deliveryTag: 4242 } } as unknown as amqp.Message);
    await waitFor('a second session', () => h.connector.sessions.length === 2 && h.listener.isConnected());
    await publish(h, measure());
    await waitFor('the measure', () => h.service.measures.length === 1);
    expect(h.logger.entries).toContainEqual(
      expect.objectContaining({ message: 'RabbitMQ channel error', meta: expect.objectContaining({ error: expect.stringMatching(/PRECONDITION_FAILED/) }) }),
    );
  });

  it('redeclares its queue when an operator deletes it under the consumer', async () => {
    const h = harness('quorum');
    await h.listener.start();
    const channel = await admin.createChannel();
    await channel.deleteQueue(h.config.rabbit.queue);
    await channel.close();
    await waitFor('a second session', () => h.connector.sessions.length === 2 && h.listener.isConnected());
    await publish(h, measure());
    await waitFor('the measure', () => h.service.measures.length === 1);
  });

  it('redelivers a message whose ack was lost with the connection', async () => {
    const h = harness('quorum');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.service.onIngest = () => (h.service.ingestCalls === 1 ? gate : undefined);
    await h.listener.start();
    const id = await publish(h, measure());
    await waitFor('the first attempt', () => h.service.ingestCalls === 1);
    cutNetwork(h.connector.sessions[0]);
    await waitFor('the loss to be noticed', () => !h.listener.isConnected());
    release();
    // Stored once before the ack could be sent, and again on redelivery: storage's (series, ts) key dedups.
    await waitFor('the redelivery', () => h.service.stored.length === 2);
    expect(h.service.stored.map((s) => s.message.messageId)).toEqual([id, id]);
    expect(h.logger.entries.map((e) => e.message)).toContain('could not settle the batch; the broker will redeliver it');
    await h.listener.stop();
    expect((await inspect(h.config.rabbit.queue)).messageCount).toBe(0);
  });

  it('stop() waits for the message in progress, acks it, and is idempotent', async () => {
    const h = harness('quorum');
    h.service.onIngest = () => new Promise((resolve) => setTimeout(resolve, 800));
    await h.listener.start();
    await publish(h, measure());
    await waitFor('the attempt', () => h.service.ingestCalls === 1);

    const startedAt = Date.now();
    const stopping = h.listener.stop();
    expect(h.listener.stop()).toBe(stopping);
    await stopping;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(600);
    expect(h.service.stored).toHaveLength(1);
    expect(await inspect(h.config.rabbit.queue)).toMatchObject({ messageCount: 0, consumerCount: 0 });
    await expect(h.listener.stop()).resolves.toBeUndefined();
    await expect(h.listener.healthCheck().check()).rejects.toThrow('consumer stopped');
  });

  it('stop() gives up on a message that outlasts SHUTDOWN_TIMEOUT_MS; the broker keeps it', async () => {
    const h = harness('quorum', { SHUTDOWN_TIMEOUT_MS: '500' });
    h.service.onIngest = () => new Promise(() => undefined);
    await h.listener.start();
    await publish(h, measure());
    await waitFor('the attempt', () => h.service.ingestCalls === 1);
    const startedAt = Date.now();
    await h.listener.stop();
    expect(Date.now() - startedAt).toBeLessThan(2000);
    // The broker requeues the unacked delivery once it sees the channel close, a moment after stop() returns.
    await waitFor('the message back in the queue', async () => (await inspect(h.config.rabbit.queue)).messageCount === 1);
  });

  it('fails to start, naming the broker but not the password, when the broker is unreachable', async () => {
    const h = harness('quorum', { RABBIT_URL: 'amqp://guest:s3cret@127.0.0.1:1' });
    created.pop();
    const failure = h.listener.start();
    await expect(failure).rejects.toThrow(/127\.0\.0\.1:1.*ECONNREFUSED/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
    expect(h.listener.isConnected()).toBe(false);
  });

  it('fails to start when the queue exists with another type', async () => {
    const h = harness('quorum');
    const channel = await admin.createChannel();
    await channel.assertQueue(h.config.rabbit.queue, {
      durable: true,
      arguments: { 'x-queue-type': 'classic', 'x-dead-letter-exchange': h.config.rabbit.deadLetterExchange },
    });
    await channel.close();
    await expect(h.listener.start()).rejects.toThrow(/inequivalent arg 'x-queue-type'/);
  });
});
