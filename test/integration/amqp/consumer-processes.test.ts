import { buildConsumer, startConsumer, type ConsumerProcess } from '../../support/consumer-process';
import { waitFor } from '../../support/eventually';
import { freePort } from '../../support/free-port';
import { batchJson, ingestFixture, measureJson, type IngestFixture } from './ingest-fixture';

/**
 * `mymonit consume` as the real process it is in production, against real MariaDB and RabbitMQ: killed
 * without warning, stopped with SIGTERM, and run twice on one queue. Nothing may be lost or stored twice.
 */
jest.setTimeout(240_000);

let fixture: IngestFixture;
const running: ConsumerProcess[] = [];

async function consumer(env: Record<string, string> = {}): Promise<ConsumerProcess> {
  const process = await startConsumer({ ...fixture.env, ...env });
  running.push(process);
  return process;
}

async function consuming(count = 1): Promise<void> {
  await waitFor(`${count} consumer(s) on the queue`, async () => (await fixture.queues()).consumers === count, 60_000);
}

beforeAll(async () => {
  // Compiled once for every test of the file (and shared with other files building the same sources).
  await buildConsumer();
}, 120_000);

beforeEach(async () => {
  fixture = await ingestFixture();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill('SIGKILL')));
  await fixture.close();
});

it('a consumer SIGKILLed in the middle of 500,000 measures, then restarted, stores exactly 500,000', async () => {
  const first = await consumer();
  await consuming();
  await fixture.publish(5_000, (m) => batchJson(m));

  await waitFor('part of the measures', async () => (await fixture.measures()) >= 100_000, 120_000);
  const killed = await first.kill('SIGKILL');
  expect(killed.signal).toBe('SIGKILL');
  const atKill = await fixture.measures();
  // Killed in the middle: some committed, the rest (and whatever was committed but not acked) in the broker.
  expect(atKill).toBeLessThan(500_000);

  const second = await consumer();
  await waitFor('all 500,000 measures', async () => (await fixture.measures()) >= 500_000, 180_000);
  await waitFor('an empty queue', async () => (await fixture.queues()).ready === 0, 30_000);
  // Whatever was redelivered was stored once: not one row more, even once everything in flight has settled.
  expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(await fixture.measures()).toBe(500_000);
  expect(await fixture.rejected()).toEqual([]);
  expect((await fixture.queues()).dead).toBe(0);
});

it('SIGTERM finishes or hands back the batch in progress and exits 0; a new consumer stores the rest, once', async () => {
  const first = await consumer();
  await consuming();
  await fixture.publish(3_000, (m) => batchJson(m));
  await waitFor('part of the measures', async () => (await fixture.measures()) >= 50_000, 120_000);

  const stopped = await first.kill('SIGTERM');
  expect(stopped).toEqual({ code: 0, signal: null });
  expect(first.output()).not.toMatch(/"level":"error"/);
  const afterStop = await fixture.measures();
  expect(afterStop % 100).toBe(0);
  // Nothing held by a consumer any more: what was not stored is back in the queue, ready for another.
  if (afterStop < 300_000) expect((await fixture.queues()).ready).toBeGreaterThan(0);

  const second = await consumer();
  await waitFor('all 300,000 measures', async () => (await fixture.measures()) >= 300_000, 120_000);
  // Stopped, so that nothing is in flight any more: the count is final.
  expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(await fixture.measures()).toBe(300_000);
});

it('two consumers on one queue share the work and store no duplicate rows', async () => {
  const ports = await Promise.all([freePort(), freePort()]);
  const [a, b] = await Promise.all(ports.map((port) => consumer({ METRICS_PORT: String(port) })));
  await consuming(2);
  // Every message twice (a publisher retrying after a lost confirm), spread over both consumers, plus
  // single-measure messages: the same rows reach both consumers, possibly in concurrent transactions.
  await Promise.all([
    fixture.publish(1_000, (m) => batchJson(m % 500)),
    fixture.publish(10_000, (i) => measureJson(50_000 + (i % 5_000))),
  ]);
  await waitFor('every measure', async () => (await fixture.measures()) >= 55_000, 120_000);
  await waitFor('an empty queue', async () => (await fixture.queues()).ready === 0, 30_000);
  // Rows can all be there while the last duplicate batches are still in flight: wait until both consumers
  // have decided every measure they were sent (stored or duplicate), whatever the machine's load.
  let scraped: Array<Record<string, number>> = [];
  const decided = () => scraped.reduce((sum, m) => sum + m.mymonit_ingest_measures_stored_total + m.mymonit_ingest_measures_duplicate_total, 0);
  await waitFor('every measure decided', async () => {
    scraped = await Promise.all(ports.map((port) => scrape(port)));
    return decided() >= 110_000;
  }, 60_000);
  expect(await fixture.measures()).toBe(55_000);
  expect(await fixture.rejected()).toEqual([]);

  // Each consumer's /metrics (METRICS_PORT: `consume` runs no REST listener): both did part of the work,
  // and what they stored adds up to the rows, the rest counted as duplicates.
  for (const metrics of scraped) {
    expect(metrics.mymonit_ingest_measures_stored_total).toBeGreaterThan(0);
    expect(metrics.mymonit_ingest_consumer_connected).toBe(1);
  }
  const total = (name: string) => scraped.reduce((sum, metrics) => sum + metrics[name], 0);
  expect(total('mymonit_ingest_measures_stored_total')).toBe(55_000);
  expect(total('mymonit_ingest_measures_stored_total') + total('mymonit_ingest_measures_duplicate_total')).toBe(110_000);

  const stopped = await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  expect(stopped).toEqual([
    { code: 0, signal: null },
    { code: 0, signal: null },
  ]);
  for (const process of [a, b]) expect(process.output()).not.toMatch(/"level":"error"/);
});

/** The unlabelled samples of a consumer's /metrics, by name. */
async function scrape(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[a-z_]+ /.test(line))
      .map((line) => [line.split(' ')[0], Number(line.split(' ')[1])]),
  );
}
