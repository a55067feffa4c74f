import { MeasurePublisher, type Measure } from '../../../adapters/sdk';
import { createTestBroker, type TestBroker } from './broker';

function measure(i: number): Measure {
  return { experiment: 'EXP-SDK', metric: 'counter', source: 'sdk-test', value: i, timestamp: 1_700_000_000_000 + i };
}

describe('MeasurePublisher against the real RabbitMQ', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await createTestBroker('sdk');
  });
  afterEach(async () => {
    await broker.cleanup();
  });

  it('publishes N measures, batched, persistent, JSON, each message with a uuid message_id', async () => {
    const publisher = new MeasurePublisher({
      url: broker.url,
      exchange: broker.exchange,
      routingKey: broker.routingKey,
      maxMeasuresPerMessage: 100,
      lingerMs: 20,
    });
    await publisher.start();
    const n = 2_345;
    for (let i = 0; i < n; i += 50) {
      await publisher.publish(Array.from({ length: Math.min(50, n - i) }, (_, k) => measure(i + k)));
    }
    await publisher.flush();
    expect(publisher.confirmedThrough()).toBe(n);
    const stats = await publisher.close();
    expect(stats).toMatchObject({ accepted: n, published: n, confirmed: n, droppedInvalid: 0, buffered: 0, unconfirmedAtClose: 0 });

    const received = await broker.waitForMeasures(n);
    expect(new Set(received.map((m) => m.value)).size).toBe(n);
    expect(received.length).toBe(n);
    expect(broker.received.length).toBe(Math.ceil(n / 100));
    for (const message of broker.received) {
      expect(message.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(message.contentType).toBe('application/json');
      expect(message.persistent).toBe(true);
      expect(message.measures.length).toBeLessThanOrEqual(100);
    }
    expect(new Set(broker.received.map((m) => m.messageId)).size).toBe(broker.received.length);
  });

  it('drops and reports invalid measures, sends partial batches after the linger, and refuses publish after close', async () => {
    const publisher = new MeasurePublisher({ url: broker.url, exchange: broker.exchange, lingerMs: 30 });
    const bad = { experiment: 'EXP SDK', metric: 'x', value: 'high', timestamp: '2024-13-01' } as unknown as Measure;
    const outcome = await publisher.publish([measure(1), bad, measure(2)]);
    expect(outcome.accepted).toBe(2);
    expect(outcome.invalid).toHaveLength(1);
    expect(outcome.invalid[0]!.index).toBe(1);
    expect(outcome.invalid[0]!.errors.join(' ')).toMatch(/experiment|value|timestamp/);
    await publisher.whenConfirmed(outcome.sequence);
    await broker.waitForMeasures(2);
    expect(broker.received).toHaveLength(1);
    const stats = await publisher.close();
    expect(stats.droppedInvalid).toBe(1);
    await expect(publisher.publish(measure(3))).rejects.toThrow(/closed/);
  });

  it("fails loudly when the buffer is full in 'fail' mode, and waits for space in 'block' mode", async () => {
    const failing = new MeasurePublisher({
      url: 'amqp://guest:guest@127.0.0.1:1', // nothing listens: measures stay buffered
      bufferSize: 10,
      maxMeasuresPerMessage: 10,
      whenFull: 'fail',
      reconnectMaxMs: 500,
      closeTimeoutMs: 200,
    });
    await failing.publish(Array.from({ length: 8 }, (_, i) => measure(i)));
    await expect(failing.publish([measure(8), measure(9), measure(10)])).rejects.toThrow(/buffer full: 8 of 10 measures/);
    const failingStats = await failing.close();
    expect(failingStats.unconfirmedAtClose).toBe(8);

    const blocking = new MeasurePublisher({
      url: broker.url,
      exchange: broker.exchange,
      bufferSize: 20,
      maxMeasuresPerMessage: 10,
      maxInFlightMessages: 1,
      whenFull: 'block',
    });
    await blocking.publish(Array.from({ length: 500 }, (_, i) => measure(i)));
    await blocking.flush();
    const stats = await blocking.close();
    expect(stats.confirmed).toBe(500);
    await broker.waitForMeasures(500);
  });

  it('resolves publishAndConfirm only once the broker confirmed', async () => {
    const publisher = new MeasurePublisher({ url: broker.url, exchange: broker.exchange, lingerMs: 60_000 });
    const started = Date.now();
    const outcome = await publisher.publishAndConfirm([measure(1), measure(2)]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(publisher.confirmedThrough()).toBeGreaterThanOrEqual(outcome.sequence);
    expect(publisher.stats().confirmed).toBe(2);
    await publisher.close();
  });
});
