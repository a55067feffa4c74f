import { MeasurePublisher, type Measure } from '../../../adapters/sdk';
import { uniqueName } from '../../support/real-services';
import { eventually } from '../../support/eventually';
import { createTestBroker, killConnectionFromBroker, type TestBroker } from './broker';

/**
 * The SDK's promise: a measure it reported as confirmed is in the queue, even when the broker closes the
 * connection while messages are in flight; what was in flight is republished after reconnecting.
 */
describe('MeasurePublisher when the broker closes its connection', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await createTestBroker('sdkkill');
  });
  afterAll(async () => {
    await broker.cleanup();
  });

  it('loses nothing it reported as confirmed, and republishes what was in flight', async () => {
    const connectionName = uniqueName('sdk-kill-test');
    const publisher = new MeasurePublisher({
      url: broker.url,
      exchange: broker.exchange,
      connectionName,
      maxMeasuresPerMessage: 50,
      maxInFlightMessages: 64,
      lingerMs: 5,
      reconnectInitialMs: 100,
    });
    await publisher.start();
    try {
      await publishThroughKill(publisher, connectionName);
    } finally {
      await publisher.close();
    }
  });

  async function publishThroughKill(publisher: MeasurePublisher, connectionName: string): Promise<void> {
    const measure = (i: number): Measure => ({ experiment: 'EXP-KILL', metric: 'seq', value: i, timestamp: 1_700_000_000_000 + i });

    let confirmedBeforeKill = 0;
    let killDone = false;
    const killed = (async () => {
      confirmedBeforeKill = await eventually(() => publisher.confirmedThrough(), (confirmed) => confirmed >= 3_000, {
        timeoutMs: 60_000,
        intervalMs: 5,
        what: '3,000 measures confirmed',
      });
      await killConnectionFromBroker(connectionName);
      killDone = true;
    })();
    // The publishing side goes on, paced, while the connection dies and comes back, and a while after.
    let n = 0;
    let afterReconnect = 0;
    while (afterReconnect < 3_000 && n < 200_000) {
      await publisher.publish(Array.from({ length: 100 }, (_, k) => measure(n + k)));
      n += 100;
      if (killDone && publisher.stats().connections >= 2) afterReconnect += 100;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await killed;
    await publisher.flush();
    const stats = await publisher.close();

    expect(confirmedBeforeKill).toBeGreaterThanOrEqual(3_000);
    expect(stats.connections).toBeGreaterThanOrEqual(2);
    expect(stats).toMatchObject({ accepted: n, confirmed: n, buffered: 0, unconfirmedAtClose: 0 });

    const received = await broker.waitForMeasures(n, 30_000);
    const values = new Set(received.map((m) => m.value));
    // Sequence s is the measure with value s - 1: everything confirmed before the kill is there...
    for (let v = 0; v < confirmedBeforeKill; v++) expect(values.has(v)).toBe(true);
    // ...and so is everything else, since close() reported it all confirmed. Republishing may duplicate.
    expect(values.size).toBe(n);
    // A republished message keeps its message_id, so the consumer can tell a redelivery from new data.
    const byId = new Map<string, number>();
    for (const message of broker.received) byId.set(message.messageId ?? '', (byId.get(message.messageId ?? '') ?? 0) + 1);
    expect(byId.has('')).toBe(false);
  }
});
