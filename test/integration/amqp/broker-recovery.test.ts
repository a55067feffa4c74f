import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import * as amqp from 'amqplib';
import { PermanentConnectError } from '../../../lib/amqp/connect-failure';
import { MeasurePublisher } from '../../../adapters/sdk/publisher';
import { MeasureMessageParser } from '../../../src/amqp/measure-message-parser';
import { MessageProcessor } from '../../../src/amqp/message-processor';
import { AmqplibRabbitConnector } from '../../../src/amqp/rabbit-connector';
import { RabbitListener } from '../../../src/amqp/rabbit-listener';
import type { RabbitTopology } from '../../../src/amqp/topology';
import { testConfig, uniqueName } from '../../support/real-services';
import { selfSignedCertificate } from '../../support/self-signed';
import { TcpProxy } from '../../support/tcp-proxy';
import { FakeMeasureService, ingestMetrics, MemoryLogger } from '../../support/amqp-fakes';
import { waitFor } from '../../support/eventually';

/**
 * Recovery from broker trouble: back within a second or two of the broker's return (not after the rest of
 * a 30 s backoff), and a clear, immediate failure when retrying cannot help (an untrusted certificate,
 * refused credentials), in the consumer and in the SDK alike. The outage is a TCP proxy in front of the
 * shared RabbitMQ, closed and reopened: the broker itself keeps running for everyone else.
 */
const created: RabbitTopology[] = [];
const running: RabbitListener[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((listener) => listener.stop()));
});

afterAll(async () => {
  const admin = await amqp.connect(testConfig().rabbit.url);
  const channel = await admin.createChannel();
  for (const t of created) {
    await channel.deleteQueue(t.queue).catch(() => undefined);
    await channel.deleteQueue(t.deadLetterQueue).catch(() => undefined);
    await channel.deleteExchange(t.exchange).catch(() => undefined);
    await channel.deleteExchange(t.deadLetterExchange).catch(() => undefined);
  }
  await admin.close();
});

function consumer(rabbitUrl: string) {
  const config = testConfig({
    RABBIT_URL: rabbitUrl,
    RABBIT_EXCHANGE: uniqueName('mymonit_test_x'),
    RABBIT_QUEUE: uniqueName('mymonit_test_measures'),
    RABBIT_QUEUE_TYPE: 'classic',
    RABBIT_PREFETCH: '10',
    RABBIT_RECONNECT_MAX_MS: '30000',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  created.push(config.rabbit);
  const logger = new MemoryLogger();
  const metrics = ingestMetrics();
  const processor = new MessageProcessor(new MeasureMessageParser(config), new FakeMeasureService(), config, logger, metrics);
  const listener = new RabbitListener(new AmqplibRabbitConnector(config, logger), processor, config, logger, metrics);
  running.push(listener);
  return { listener, logger };
}

const BROKER = new URL(testConfig().rabbit.url);
const withPort = (port: number, protocol = 'amqp:', password = decodeURIComponent(BROKER.password)) =>
  `${protocol}//${BROKER.username}:${encodeURIComponent(password)}@127.0.0.1:${port}`;

it('after a broker outage long enough for a 16 s backoff, the consumer is back within seconds of the broker, not after the backoff', async () => {
  const proxy = new TcpProxy(BROKER.hostname, Number(BROKER.port || 5672));
  await proxy.open();
  try {
    const { listener, logger } = consumer(withPort(proxy.port));
    await listener.start();
    expect(listener.isConnected()).toBe(true);

    await proxy.close();
    // Six failed attempts (0.25 + 0.5 + 1 + 2 + 4 + 8 s of backoff): the next wait is 16 s ±20%, at least 12.8 s.
    const failures = () => logger.entries.filter((e) => e.message === 'could not reconnect to RabbitMQ').length;
    await waitFor('six failed reconnects', () => failures() >= 6, 60_000);
    expect(listener.isConnected()).toBe(false);

    await proxy.open();
    const reopened = Date.now();
    await waitFor('the reconnect', () => listener.isConnected(), 60_000);
    const backAfterMs = Date.now() - reopened;
    console.log(`consumer reconnected ${backAfterMs} ms after the broker came back (pending backoff: 12800..19200 ms)`);
    // Generous: far above the ~1 s probe interval, below the shortest backoff that was pending.
    expect(backAfterMs).toBeLessThan(12_800);
    // Connected comes a moment before the line is logged (topology, consume).
    await waitFor('the reconnect logged', () => logger.entries.some((e) => e.message === 'reconnected to RabbitMQ'), 30_000);
  } finally {
    await proxy.close();
  }
}, 120_000);

it('the SDK publisher, too, is back within seconds of the broker after an outage long enough for a 12.8 s backoff', async () => {
  const proxy = new TcpProxy(BROKER.hostname, Number(BROKER.port || 5672));
  await proxy.open();
  const logger = new MemoryLogger();
  const exchange = uniqueName('mymonit_test_sdk_x');
  const publisher = new MeasurePublisher({ url: withPort(proxy.port), exchange, validate: false, logger, reconnectMaxMs: 30_000 });
  try {
    await publisher.start();
    await proxy.close();
    // Seven failed attempts (the first at once, then after 0.2 + 0.4 + ... + 6.4 s): the next wait is 12.8 s ±20%, at least 10.24 s.
    await waitFor('the lost connection', () => !publisher.stats().connected, 30_000);
    const failures = () => logger.entries.filter((e) => e.message === 'cannot connect to RabbitMQ, retrying').length;
    await waitFor('seven failed reconnects', () => failures() >= 7, 60_000);
    await proxy.open();
    const reopened = Date.now();
    await waitFor('the reconnect', () => publisher.stats().connected, 60_000);
    const backAfterMs = Date.now() - reopened;
    console.log(`SDK publisher reconnected ${backAfterMs} ms after the broker came back (pending backoff: 10240..15360 ms)`);
    expect(backAfterMs).toBeLessThan(10_240);
  } finally {
    await publisher.close();
    await proxy.close();
    const admin = await amqp.connect(testConfig().rabbit.url);
    await (await admin.createChannel()).deleteExchange(exchange).catch(() => undefined);
    await admin.close();
  }
}, 120_000);

describe('a failure retrying cannot fix fails start() at once, with what to fix', () => {
  let server: tls.Server;
  let tlsPort: number;

  beforeAll(async () => {
    // A TLS server whose certificate no CA of this process vouches for (the mismatched-CA situation).
    server = tls.createServer(selfSignedCertificate(), (socket) => socket.destroy());
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    tlsPort = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('the consumer: an untrusted broker certificate', async () => {
    const { listener } = consumer(withPort(tlsPort, 'amqps:'));
    await expect(listener.start()).rejects.toThrow(/not retrying: TLS: the broker's certificate is refused \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)/);
  });

  it('the consumer: credentials the real broker refuses (403 ACCESS_REFUSED)', async () => {
    const { listener } = consumer(withPort(Number(BROKER.port || 5672), 'amqp:', 'wrong-password'));
    const error = await listener.start().then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/not retrying: authentication refused by the broker \(403 ACCESS_REFUSED\)/);
    expect(error?.message).not.toContain('wrong-password');
  });

  it('the SDK: start() rejects with PermanentConnectError on an untrusted certificate instead of retrying forever', async () => {
    const logger = new MemoryLogger();
    const publisher = new MeasurePublisher({ url: withPort(tlsPort, 'amqps:'), validate: false, logger });
    try {
      const error = await publisher.start().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentConnectError);
      expect((error as Error).message).toMatch(/not retrying: TLS: the broker's certificate is refused/);
      expect(logger.entries.filter((e) => e.message === 'cannot connect to RabbitMQ, retrying')).toEqual([]);
    } finally {
      await publisher.close();
    }
  });

  it('the SDK: start() rejects with PermanentConnectError on refused credentials', async () => {
    const publisher = new MeasurePublisher({ url: withPort(Number(BROKER.port || 5672), 'amqp:', 'wrong-password'), validate: false });
    try {
      const error = await publisher.start().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentConnectError);
      expect((error as Error).message).toMatch(/authentication refused by the broker \(403 ACCESS_REFUSED\)/);
    } finally {
      await publisher.close();
    }
  });

  it('an unreachable broker is not permanent: start() keeps retrying until close()', async () => {
    const proxy = new TcpProxy(BROKER.hostname, Number(BROKER.port || 5672));
    await proxy.open();
    const port = proxy.port;
    await proxy.close();
    const logger = new MemoryLogger();
    const publisher = new MeasurePublisher({ url: withPort(port), validate: false, logger, reconnectInitialMs: 50, reconnectMaxMs: 100 });
    const started = publisher.start().then(() => 'resolved', (e: unknown) => `rejected: ${String(e)}`);
    await waitFor('three retries', () => logger.entries.filter((e) => e.message === 'cannot connect to RabbitMQ, retrying').length >= 3, 20_000);
    await publisher.close();
    expect(await started).toBe('resolved');
  });
});
