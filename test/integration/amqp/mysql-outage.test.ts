import { buildConsumer, startConsumer, type ConsumerProcess } from '../../support/consumer-process';
import { startPrivateMariadb, type PrivateMariadb } from '../../support/private-mariadb';
import { waitFor } from '../../support/eventually';
import { batchJson, ingestFixture, type IngestFixture } from './ingest-fixture';

/**
 * MySQL stopped and started again while measures flow: the consumer stops acking, backs off, leaves the
 * messages in the broker and resumes when the server is back; nothing is lost, rejected or dead-lettered.
 * The server is a private MariaDB (its own data directory and port): the machine's shared server stays up.
 */
jest.setTimeout(240_000);

let mariadb: PrivateMariadb;
let fixture: IngestFixture;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  [mariadb] = await Promise.all([startPrivateMariadb(), buildConsumer()]);
  // A small prefetch, so that most of the queue stays visibly ready in the broker during the outage.
  fixture = await ingestFixture({ db: mariadb, env: { RABBIT_PREFETCH: '200' } });
}, 120_000);

afterAll(async () => {
  await consumer?.kill('SIGKILL');
  await fixture?.close();
  await mariadb?.destroy();
});

it('loses nothing when MySQL is stopped and started during ingest', async () => {
  consumer = await startConsumer(fixture.env);
  await waitFor('the consumer', async () => (await fixture.queues()).consumers === 1, 60_000);
  const publishing = fixture.publish(2_000, (m) => batchJson(m));
  await waitFor('the first measures', async () => (await fixture.measures()) >= 10_000, 60_000);

  await mariadb.stop();
  // Down for a while: the consumer holds its prefetch unacked, retries, and everything else waits in the broker.
  await publishing;
  const retries = () => consumer?.output().split('storage unavailable; holding the batch and retrying').length ?? 1;
  await waitFor('the consumer retrying the held batch three times', () => retries() > 3, 60_000);
  expect(consumer.child.exitCode).toBeNull();
  expect((await fixture.queues()).ready).toBeGreaterThan(0);

  await mariadb.start();
  await waitFor('all 200,000 measures', async () => (await fixture.measures().catch(() => 0)) >= 200_000, 120_000);
  await waitFor('an empty queue', async () => (await fixture.queues()).ready === 0, 30_000);
  // It lived through the outage; stopped, nothing is in flight any more and the count is final.
  expect(consumer.child.exitCode).toBeNull();
  expect(await consumer.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(await fixture.measures()).toBe(200_000);
  expect(await fixture.rejected()).toEqual([]);
  expect((await fixture.queues()).dead).toBe(0);
});
