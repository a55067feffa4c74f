import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { TYPES } from '../../../src/identifiers';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * Rejections through the real consumer (RabbitMQ and MariaDB): measures refused one by one while the rest
 * of their message is stored, one rejection per delivery however often it arrives, and what is kept of an
 * oversize body.
 */
jest.setTimeout(120_000);

const PREFIX_BYTES = 100;
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
  return match ? Number(match.split(' ').pop()) : 0;
}

/** Messages in batches the consumer has committed (the histogram's sum is observed after each commit). */
const committedMessages = () => metric(/^mymonit_ingest_batch_messages_sum /);

const measuresOf = (experiment: string) =>
  scalar('SELECT COUNT(*) AS n FROM measures m JOIN series s ON s.id = m.series_id JOIN experiments e ON e.id = s.experiment_id WHERE e.code = ?', [
    experiment,
  ]);

/** The rejections of one message id, oldest first, as GET /exceptions/{id} shows them. */
async function rejectionsOf(messageId: string): Promise<Array<Record<string, unknown>>> {
  const ids = await p.container
    .get<MysqlDatabase>(TYPES.Database)
    .executor()
    .query<RowDataPacket[]>('SELECT id FROM rejected_messages WHERE message_id = ? ORDER BY id', [messageId]);
  const found: Array<Record<string, unknown>> = [];
  for (const row of ids[0]) found.push((await call(p.baseUrl, 'GET', `/exceptions/${row.id}`, { token: admin })).body);
  return found;
}

beforeAll(async () => {
  p = await startPlatform({
    consume: true,
    env: { MAX_MESSAGE_BYTES: '4096', REJECTED_BODY_PREFIX_BYTES: String(PREFIX_BYTES) },
  });
  admin = await p.tokenFor(p.admin);
  for (const code of ['CSV', 'WRAP']) {
    expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code, name: code } })).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

const row = (i: number, experiment: string) => ({
  experiment,
  metric: 'temperature',
  source: `row-${i}`,
  value: 20 + i,
  timestamp: Date.UTC(2026, 2, 1) + i * 1000,
});

it('stores the 8 good measures of a 9-measure message and keeps the one naming an unknown experiment as a rejection with its index', async () => {
  const refusedBefore = await metric(/^mymonit_ingest_measures_rejected_total\{reason="unknown-experiment"\} /);
  const rows = Array.from({ length: 9 }, (_, i) => row(i, i === 6 ? 'CVS' : 'CSV'));
  await p.publish(rows, { messageId: 'csv-with-a-typo' });

  const [rejection] = await eventually(() => rejectionsOf('csv-with-a-typo'), (found) => found.length === 1);
  expect(await measuresOf('CSV')).toBe(8);
  expect(rejection).toMatchObject({
    reason: 'unknown-experiment',
    partial: true,
    refused_measures: [{ index: 6, reason: 'unknown-experiment', detail: 'unknown experiment: CVS' }],
    body_truncated: false,
    body_sha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
  });
  expect(rejection!.detail).toBe('1 of 9 measures refused, 8 stored: [6] unknown-experiment: unknown experiment: CVS');
  // The body is what a replay sends: the refused measure alone.
  expect(JSON.parse(String(rejection!.body))).toEqual([rows[6]]);
  expect((await metric(/^mymonit_ingest_measures_rejected_total\{reason="unknown-experiment"\} /)) - refusedBefore).toBe(1);
});

it('refuses a schema-invalid measure of a valid list alone, and a replay republishes only the refused measures', async () => {
  const items: unknown[] = Array.from({ length: 5 }, (_, i) => row(100 + i, 'WRAP'));
  items[1] = { ...row(101, 'WRAP'), value: 'hot' };
  items[3] = row(103, 'LATER');
  await p.publish({ measures: items }, { messageId: 'wrapped-with-two-bad' });

  const [first] = await eventually(() => rejectionsOf('wrapped-with-two-bad'), (found) => found.length === 1);
  expect(await measuresOf('WRAP')).toBe(3);
  expect(first).toMatchObject({
    reason: 'schema-violation',
    partial: true,
    refused_measures: [
      { index: 1, reason: 'schema-violation', detail: '/value: must be number' },
      { index: 3, reason: 'unknown-experiment', detail: 'unknown experiment: LATER' },
    ],
  });
  expect(JSON.parse(String(first!.body))).toEqual([items[1], items[3]]);

  // Once LATER exists, the replay stores its measure; the invalid one is refused again, alone, at index 0.
  expect((await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'LATER', name: 'later' } })).status).toBe(201);
  const duplicatesBefore = await metric(/^mymonit_ingest_measures_duplicate_total /);
  expect((await call(p.baseUrl, 'POST', `/exceptions/${String(first!.id)}/replay`, { token: admin })).status).toBe(202);
  await eventually(() => measuresOf('LATER'), (n) => n === 1);
  const [again] = await eventually(() => rejectionsOf('wrapped-with-two-bad'), (found) => found.length === 1 && found[0]!.id !== first!.id);
  expect(again).toMatchObject({
    reason: 'schema-violation',
    partial: true,
    refused_measures: [{ index: 0, reason: 'schema-violation', detail: '/value: must be number' }],
  });
  expect(JSON.parse(String(again!.body))).toEqual([items[1]]);
  // The three measures stored the first time were not sent again.
  expect(await measuresOf('WRAP')).toBe(3);
  expect(await metric(/^mymonit_ingest_measures_duplicate_total /)).toBe(duplicatesBefore);
});

it('stores a list whose measures all name unknown experiments as one whole rejection, body as delivered', async () => {
  const rows = [row(200, 'NOPE'), row(201, 'NADA')];
  await p.publish(rows, { messageId: 'all-unknown' });
  const [rejection] = await eventually(() => rejectionsOf('all-unknown'), (found) => found.length === 1);
  expect(rejection).toMatchObject({ reason: 'unknown-experiment', partial: false, body: JSON.stringify(rows) });
  expect(rejection!.refused_measures).toEqual([
    { index: 0, reason: 'unknown-experiment', detail: 'unknown experiment: NOPE' },
    { index: 1, reason: 'unknown-experiment', detail: 'unknown experiment: NADA' },
  ]);
});

it('stores the same bad message published twice (new deliveries, same message id and body) as one rejection', async () => {
  const rejectedBefore = await metric(/^mymonit_ingest_messages_rejected_total\{reason="malformed-json"\} /);
  const body = '{"experiment": "CSV", "value": ';
  const committed = await committedMessages();
  // Twice at once (likely one batch), then once more after the first rejection is stored (another batch).
  await p.publish(body, { messageId: 'published-twice' });
  await p.publish(body, { messageId: 'published-twice' });
  await eventually(committedMessages, (n) => n - committed >= 2);
  await p.publish(body, { messageId: 'published-twice' });
  await eventually(committedMessages, (n) => n - committed >= 3);
  // Another body under the same id is another message.
  await p.publish(`${body} `, { messageId: 'published-twice' });
  await eventually(committedMessages, (n) => n - committed >= 4);

  const found = await rejectionsOf('published-twice');
  expect(found.map((r) => r.body)).toEqual([body, `${body} `]);
  expect(await scalar("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'message.reject' AND resource_id IN (?)", [found.map((r) => String(r.id))])).toBe(2);
  expect((await metric(/^mymonit_ingest_messages_rejected_total\{reason="malformed-json"\} /)) - rejectedBefore).toBe(2);
});

it('keeps only the first REJECTED_BODY_PREFIX_BYTES bytes and the SHA-256 of an oversize body, and refuses to replay it', async () => {
  const body = Buffer.from(JSON.stringify([row(300, 'CSV')]).padEnd(5000, ' '));
  await p.publish(body, { messageId: 'oversize-body' });
  const [rejection] = await eventually(() => rejectionsOf('oversize-body'), (found) => found.length === 1);
  expect(rejection).toMatchObject({
    reason: 'oversize',
    body_truncated: true,
    body_sha256: createHash('sha256').update(body).digest('hex'),
  });
  expect(Buffer.from(String(rejection!.body_base64), 'base64').equals(body.subarray(0, PREFIX_BYTES))).toBe(true);
  expect((await call(p.baseUrl, 'POST', `/exceptions/${String(rejection!.id)}/replay`, { token: admin })).status).toBe(409);
});
