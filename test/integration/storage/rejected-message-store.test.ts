import { createHash } from 'node:crypto';
import type { NewRejectedMessage } from '../../../src/domain/rejected-message';
import { eventually } from '../../support/platform';
import { createStorageFixture, type StorageFixture } from './storage-fixture';

describe('MysqlRejectedMessageStore', () => {
  let f: StorageFixture;

  beforeAll(async () => {
    f = await createStorageFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  function message(overrides: Partial<NewRejectedMessage> = {}): NewRejectedMessage {
    return {
      reason: 'malformed-json',
      detail: 'Unexpected token } in JSON at position 12',
      messageId: 'msg-1',
      routingKey: 'measures',
      contentType: 'application/json',
      body: Buffer.from('{"value": 1,}'),
      bodyTruncated: false,
      bodySha256: null,
      partial: false,
      refusedMeasures: null,
      ...overrides,
    };
  }

  it('stores a rejected message byte for byte and returns what a read returns', async () => {
    const body = Buffer.from([0x00, 0xff, 0x7b, 0x22, 0xc3, 0x28, 0x0a, 0x00]);
    const before = Date.now();

    const inserted = await f.rejected.insert(message({ body, bodyTruncated: true, messageId: null, contentType: null }));

    expect(inserted.id).toBeGreaterThan(0);
    expect(inserted.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    const found = await f.rejected.findById(inserted.id);
    expect(found).toEqual(inserted);
    expect(Buffer.isBuffer(found?.body)).toBe(true);
    expect(found?.body.equals(body)).toBe(true);
    expect(found?.bodyTruncated).toBe(true);
    expect(found?.messageId).toBeNull();
  });

  it('a body of several megabytes is kept whole', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const inserted = await f.rejected.insert(message({ body, reason: 'oversize' }));
    expect((await f.rejected.findById(inserted.id))?.body.length).toBe(body.length);
  });

  it('an over-long detail or header is cut to fit rather than losing the message', async () => {
    const inserted = await f.rejected.insert(
      message({ detail: '€'.repeat(40_000), routingKey: 'r'.repeat(300), reason: 'schema-violation' }),
    );
    const found = await f.rejected.findById(inserted.id);
    expect(found).toEqual(inserted);
    expect(found?.detail.length).toBe(16_000);
    expect(found?.detail.endsWith('…')).toBe(true);
    expect(found?.routingKey?.length).toBe(255);
  });

  it('cutting a detail never splits a character', async () => {
    const inserted = await f.rejected.insert(message({ detail: '🧪'.repeat(10_000) }));
    const found = await f.rejected.findById(inserted.id);
    expect(found?.detail).toBe(`${'🧪'.repeat(7_999)}…`);
  });

  it('an unknown id is undefined', async () => {
    expect(await f.rejected.findById(987654321)).toBeUndefined();
  });

  it('lists by id in keyset pages, optionally of one reason', async () => {
    const empty = await f.rejected.insert(message({ reason: 'empty' }));
    const unknown1 = await f.rejected.insert(message({ reason: 'unknown-experiment' }));
    const storage = await f.rejected.insert(message({ reason: 'storage-error' }));
    const unknown2 = await f.rejected.insert(message({ reason: 'unknown-experiment' }));
    const start = empty.id - 1;

    const page1 = await f.rejected.list({ afterId: start, limit: 2 });
    const page2 = await f.rejected.list({ afterId: page1[1]!.id, limit: 2 });
    expect(page1.map((m) => m.id)).toEqual([empty.id, unknown1.id]);
    expect(page2.map((m) => m.id)).toEqual([storage.id, unknown2.id]);

    const unknown = await f.rejected.list({ reason: 'unknown-experiment', afterId: start, limit: 10 });
    expect(unknown).toEqual([unknown1, unknown2]);
    const afterFirst = await f.rejected.list({ reason: 'unknown-experiment', afterId: unknown1.id, limit: 10 });
    expect(afterFirst.map((m) => m.id)).toEqual([unknown2.id]);
  });

  it('delete reports whether the message existed', async () => {
    const inserted = await f.rejected.insert(message());
    expect(await f.rejected.delete(inserted.id)).toBe(true);
    expect(await f.rejected.delete(inserted.id)).toBe(false);
    expect(await f.rejected.findById(inserted.id)).toBeUndefined();
  });

  it('a rejection recorded inside a transaction that rolls back is gone', async () => {
    let id = 0;
    await f.db
      .inTransaction(async () => {
        id = (await f.rejected.insert(message())).id;
        throw new Error('nack');
      })
      .catch(() => undefined);
    expect(id).toBeGreaterThan(0);
    expect(await f.rejected.findById(id)).toBeUndefined();
  });

  describe('record: one rejection per delivery (message id and body digest)', () => {
    const digest = (text: string) => createHash('sha256').update(text).digest();
    const delivery = (messageId: string | null, body: string) =>
      message({ messageId, body: Buffer.from(body), bodySha256: digest(body) });

    it('answers the first rejection of the same delivery instead of storing a second', async () => {
      const first = await f.rejected.record(delivery('twice', 'bad body'));
      const second = await f.rejected.record(delivery('twice', 'bad body'));
      expect(first.created).toBe(true);
      expect(second).toEqual({ id: first.id, created: false });
      expect(await f.rows("SELECT id FROM rejected_messages WHERE message_id = 'twice'")).toHaveLength(1);
    });

    it('keeps apart another body, a message id differing in case only, and messages without an id', async () => {
      const records = [
        await f.rejected.record(delivery('apart', 'one')),
        await f.rejected.record(delivery('apart', 'two')),
        await f.rejected.record(delivery('APART', 'one')),
        await f.rejected.record(delivery(null, 'one')),
        await f.rejected.record(delivery(null, 'one')),
      ];
      expect(records.every((r) => r.created)).toBe(true);
      expect(new Set(records.map((r) => r.id)).size).toBe(5);
    });

    it('keeps the refused measures of a partial rejection', async () => {
      const refusedMeasures = [{ index: 6, reason: 'unknown-experiment' as const, detail: 'unknown experiment: CVS' }];
      const { id } = await f.rejected.record({ ...delivery('partial', '[{}]'), partial: true, refusedMeasures });
      expect(await f.rejected.findById(id)).toMatchObject({ partial: true, refusedMeasures, bodySha256: digest('[{}]') });
    });

    it('a consumer storing the same delivery while another commits it waits, then answers the committed one', async () => {
      let commitFirst: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        commitFirst = resolve;
      });
      let recorded: () => void = () => undefined;
      const firstRecorded = new Promise<void>((resolve) => {
        recorded = resolve;
      });
      // The first transaction stores the rejection and holds its key until it commits.
      const first = f.db.inTransaction(async () => {
        const result = await f.rejected.record(delivery('racing', 'body'));
        recorded();
        await held;
        return result;
      });
      await firstRecorded;
      const second = f.db.inTransaction(() => f.rejected.record(delivery('racing', 'body')));
      await eventually(
        () =>
          f.rows<{ n: number }>(
            "SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE '%rejected_messages%racing%'",
          ),
        (rows) => Number(rows[0]!.n) > 0,
      );
      commitFirst();
      const [a, b] = await Promise.all([first, second]);
      expect(a.created).toBe(true);
      expect(b).toEqual({ id: a.id, created: false });
    });
  });
});
