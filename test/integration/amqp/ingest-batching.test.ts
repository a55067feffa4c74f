import * as amqp from 'amqplib';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { RabbitListener } from '../../../src/amqp/rabbit-listener';
import { TYPES } from '../../../src/identifiers';
import type { ReceivedMessage } from '../../../src/services/contracts';
import type { MeasureService } from '../../../src/services/measure-service';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * The batching consumer in a whole MyMONIT process (real MariaDB, real RabbitMQ): bad messages among good
 * ones, duplicates, replays of rejected messages, the exceptions filters and what /metrics says of it all.
 */
jest.setTimeout(240_000);

let p: TestPlatform;
let admin: string;

async function scalar(sql: string, values: unknown[] = []): Promise<number> {
  const db = p.container.get<MysqlDatabase>(TYPES.Database);
  const [[row]] = await db.executor().query<RowDataPacket[]>(sql, values);
  return Number(row!.n);
}

async function metric(line: RegExp): Promise<number> {
  const text = (await call(p.baseUrl, 'GET', '/metrics')).body as string;
  const match = text.split('\n').find((l) => line.test(l));
  return match ? Number(match.split(' ').pop()) : Number.NaN;
}

beforeAll(async () => {
  // Small limits make every kind of bad message cheap to produce; the batch size keeps several per batch.
  p = await startPlatform({ consume: true, env: { MAX_MESSAGE_BYTES: '4096', INGEST_BATCH_SIZE: '2000', RABBIT_PREFETCH: '4000' } });
  admin = await p.tokenFor(p.admin);
  expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'BATCH', name: 'batching' } })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

const measure = (i: number, experiment = 'BATCH') => ({
  experiment,
  metric: 'load',
  source: `host-${i % 50}`,
  value: i,
  timestamp: Date.UTC(2026, 1, 1) + Math.floor(i / 50) * 1000,
});

/** One of five kinds of bad message, in turn, each a whole message the consumer must isolate. */
const BAD: Array<[string, (i: number) => Buffer]> = [
  ['malformed-json', (i) => Buffer.from(`{"experiment": "BATCH", "value": ${i}`)],
  ['schema-violation', (i) => Buffer.from(JSON.stringify({ ...measure(i), value: 'hot' }))],
  ['empty', () => Buffer.alloc(0)],
  ['unknown-experiment', (i) => Buffer.from(JSON.stringify([measure(i), measure(i + 1, 'NO-SUCH-EXPERIMENT')]))],
  ['oversize', (i) => Buffer.from(JSON.stringify({ ...measure(i), tags: { pad: 'x'.repeat(128) }, unit: 'u' }).padEnd(5000, ' '))],
];

it('stores all 100,000 valid messages, rejects all 10,000 malformed ones among them with their reason, and stays up', async () => {
  const bodies: Buffer[] = [];
  for (let i = 0, bad = 0; i < 100_000; i++) {
    bodies.push(Buffer.from(JSON.stringify(measure(i))));
    // One bad message after every tenth good one: 10,000 spread through the whole stream.
    if (i % 10 === 9) bodies.push(BAD[bad++ % BAD.length]![1](i));
  }
  const stream = await publishAll(bodies);
  expect(stream).toBe(110_000);

  await eventually(() => scalar('SELECT COUNT(*) AS n FROM measures'), (n) => n >= 100_000, 180_000);
  await eventually(() => scalar('SELECT COUNT(*) AS n FROM rejected_messages'), (n) => n >= 10_000, 60_000);
  expect(await scalar('SELECT COUNT(*) AS n FROM measures')).toBe(100_000);
  const db = p.container.get<MysqlDatabase>(TYPES.Database);
  const [byReason] = await db
    .executor()
    .query<RowDataPacket[]>("SELECT reason, COUNT(*) AS n, SUM(detail = '') AS blank FROM rejected_messages GROUP BY reason ORDER BY reason");
  expect(byReason.map((r) => [r.reason, Number(r.n), Number(r.blank)])).toEqual(
    BAD.map(([reason]) => [reason, 2_000, 0]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
  // Each rejection is in the audit trail, written in the batch's transaction.
  expect(await scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'message.reject'")).toBe(10_000);

  // Still up: connected, ready, and the next good message is stored.
  expect(p.container.get<RabbitListener>(TYPES.RabbitListener).isConnected()).toBe(true);
  expect((await call(p.baseUrl, 'GET', '/health/ready')).status).toBe(200);
  await p.publish(measure(100_000));
  await eventually(() => scalar('SELECT COUNT(*) AS n FROM measures'), (n) => n === 100_001);

  // What /metrics says of it.
  expect(await metric(/^mymonit_ingest_measures_stored_total /)).toBe(100_001);
  expect(await metric(/^mymonit_ingest_messages_received_total /)).toBeGreaterThanOrEqual(110_001);
  for (const [reason] of BAD) expect(await metric(new RegExp(`^mymonit_ingest_messages_rejected_total\\{reason="${reason}"\\} `))).toBe(2_000);
  expect(await metric(/^mymonit_ingest_consumer_connected /)).toBe(1);
  expect(await metric(/^mymonit_ingest_batch_measures_count /)).toBeGreaterThan(0);
  expect(await metric(/^mymonit_ingest_commit_duration_seconds_count /)).toBeGreaterThan(0);
});

it('stores a measure published twice once, and counts the second as a duplicate', async () => {
  const before = await metric(/^mymonit_ingest_measures_duplicate_total /);
  // 300 measures in 10 messages (under MAX_MESSAGE_BYTES), then all of them again, then the first 3 again:
  // a publisher retrying after a lost confirm does this.
  const messages = Array.from({ length: 10 }, (_, m) =>
    Buffer.from(JSON.stringify(Array.from({ length: 30 }, (_, i) => measure(200_000 + m * 30 + i)))),
  );
  await publishAll([...messages, ...messages, ...messages.slice(0, 3)]);
  await eventually(() => metric(/^mymonit_ingest_measures_duplicate_total /), (n) => n - before >= 390, 30_000);
  const from = (Date.UTC(2026, 1, 1) + Math.floor(200_000 / 50) * 1000) * 1000;
  expect(await scalar('SELECT COUNT(*) AS n FROM measures WHERE ts_us >= ?', [from])).toBe(300);
  expect((await metric(/^mymonit_ingest_measures_duplicate_total /)) - before).toBe(390);
});

it('stores a rejection once when the broker redelivers the message after its commit', async () => {
  const service = p.container.get<MeasureService>(TYPES.MeasureService);
  const message: ReceivedMessage = {
    body: Buffer.from('{"broken'),
    messageId: 'redelivered-after-commit',
    routingKey: 'measures',
    contentType: 'application/json',
  };
  const rejection = { reason: 'malformed-json' as const, detail: 'not valid JSON' };
  const first = await service.ingestBatch([{ message, rejection }]);
  // The ack was lost: the same delivery again, flagged redelivered, in another batch.
  const again = await service.ingestBatch([
    { message: { ...message, redelivered: true }, rejection },
    { message: { ...message, messageId: 'other', redelivered: true }, rejection },
  ]);
  expect(again.items[0]).toEqual({ ...first.items[0], created: false });
  expect(await scalar("SELECT COUNT(*) AS n FROM rejected_messages WHERE message_id = 'redelivered-after-commit'")).toBe(1);
  expect(await scalar("SELECT COUNT(*) AS n FROM rejected_messages WHERE message_id = 'other'")).toBe(1);
});

it('replays a rejected message once its experiment exists: stored, gone from the list, audited', async () => {
  const body = { experiment: 'LATE', metric: 'temperature', value: 21.5, timestamp: '2026-02-02T00:00:00.000001Z' };
  // received_at is written by this process's clock: everything from now on is this test's.
  const since = new Date().toISOString();
  await p.publish(body, { messageId: 'too-early' });
  const listed = await eventually(
    () => call(p.baseUrl, 'GET', `/exceptions?reason=unknown-experiment&from=${since}`, { token: admin }),
    (r) => r.body.items.some((m: { message_id: string }) => m.message_id === 'too-early'),
  );
  const rejected = listed.body.items.find((m: { message_id: string }) => m.message_id === 'too-early');

  const scientist = await p.tokenFor(await p.createUser('SCIENTIST'));
  expect((await call(p.baseUrl, 'POST', `/exceptions/${rejected.id}/replay`, { token: scientist })).status).toBe(403);
  expect((await call(p.baseUrl, 'POST', '/exceptions/999999999/replay', { token: admin })).status).toBe(404);

  expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'LATE', name: 'created late' } })).status).toBe(201);
  const replayed = await call(p.baseUrl, 'POST', `/exceptions/${rejected.id}/replay`, { token: admin });
  expect(replayed.status).toBe(202);
  expect(replayed.body).toEqual({ id: rejected.id, message_id: 'too-early' });

  const measures = await eventually(
    () => call(p.baseUrl, 'GET', '/experiments/LATE/measures', { token: admin }),
    (r) => r.status === 200 && r.body.items.length === 1,
  );
  expect(measures.body.items[0]).toMatchObject({ metric: 'temperature', value: 21.5, timestamp: '2026-02-02T00:00:00.000001Z' });
  expect((await call(p.baseUrl, 'GET', `/exceptions/${rejected.id}`, { token: admin })).status).toBe(404);
  // Replayed once: a second replay finds nothing.
  expect((await call(p.baseUrl, 'POST', `/exceptions/${rejected.id}/replay`, { token: admin })).status).toBe(404);
  const audit = await call(p.baseUrl, 'GET', '/audit?action=message.replay', { token: admin });
  expect(audit.body.items).toEqual([
    expect.objectContaining({ action: 'message.replay', resource_id: String(rejected.id), outcome: 'success', actor: p.admin.pseudonym }),
  ]);
});

it('refuses to replay a body that was stored truncated (409)', async () => {
  const db = p.container.get<MysqlDatabase>(TYPES.Database);
  const [result] = await db
    .executor()
    .query<ResultSetHeader>(
      "INSERT INTO rejected_messages (received_at, reason, detail, body, body_truncated) VALUES (NOW(3), 'oversize', 'cut', 'xx', TRUE)",
    );
  const response = await call(p.baseUrl, 'POST', `/exceptions/${result.insertId}/replay`, { token: admin });
  expect(response.status).toBe(409);
  expect((await call(p.baseUrl, 'GET', `/exceptions/${result.insertId}`, { token: admin })).status).toBe(200);
});

it('filters the rejected messages by reason and by time', async () => {
  const db = p.container.get<MysqlDatabase>(TYPES.Database);
  const insert = (reason: string, at: string) =>
    db.executor().query("INSERT INTO rejected_messages (received_at, reason, detail, body) VALUES (?, ?, 'filter test', 'x')", [new Date(at), reason]);
  await insert('empty', '2020-01-01T10:00:00Z');
  await insert('empty', '2020-01-01T11:00:00Z');
  await insert('oversize', '2020-01-01T11:30:00Z');
  await insert('empty', '2020-01-01T12:00:00Z');

  const list = async (query: string) => {
    const response = await call(p.baseUrl, 'GET', `/exceptions?${query}`, { token: admin });
    expect(response.status).toBe(200);
    return response.body.items.map((m: { reason: string; received_at: string }) => `${m.reason} ${m.received_at}`);
  };
  expect(await list('from=2020-01-01T11:00:00Z&to=2020-01-01T12:00:00Z')).toEqual([
    'empty 2020-01-01T11:00:00.000Z',
    'oversize 2020-01-01T11:30:00.000Z',
  ]);
  expect(await list('reason=empty&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).toEqual([
    'empty 2020-01-01T10:00:00.000Z',
    'empty 2020-01-01T11:00:00.000Z',
    'empty 2020-01-01T12:00:00.000Z',
  ]);
  // Pages carry on with the same filters.
  const first = await call(p.baseUrl, 'GET', '/exceptions?reason=empty&to=2020-01-02T00:00:00Z&limit=2', { token: admin });
  const second = await call(p.baseUrl, 'GET', `/exceptions?reason=empty&to=2020-01-02T00:00:00Z&limit=2&cursor=${first.body.next}`, { token: admin });
  expect([...first.body.items, ...second.body.items].map((m: { received_at: string }) => m.received_at)).toEqual([
    '2020-01-01T10:00:00.000Z',
    '2020-01-01T11:00:00.000Z',
    '2020-01-01T12:00:00.000Z',
  ]);
  expect((await call(p.baseUrl, 'GET', '/exceptions?from=yesterday', { token: admin })).status).toBe(400);
});

/** Publishes raw bodies with confirms, many at a time (TestPlatform.publish waits for each one). */
async function publishAll(bodies: Buffer[]): Promise<number> {
  const connection = await amqp.connect(p.config.rabbit.url);
  try {
    const channel = await connection.createConfirmChannel();
    for (let i = 0; i < bodies.length; i++) {
      const accepted = channel.publish(p.config.rabbit.exchange, p.config.rabbit.routingKey, bodies[i]!, {
        persistent: true,
        contentType: 'application/json',
        messageId: `bulk-${i}`,
      });
      if (!accepted) await new Promise((resolve) => channel.once('drain', resolve));
      if (i % 2_000 === 1_999) await channel.waitForConfirms();
    }
    await channel.waitForConfirms();
    return bodies.length;
  } finally {
    await connection.close();
  }
}
