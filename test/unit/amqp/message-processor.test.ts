import { MeasureMessageParser } from '../../../src/amqp/measure-message-parser';
import { MessageProcessor, type Disposition } from '../../../src/amqp/message-processor';
import { describeError, isTransient } from '../../../src/amqp/storage-failure';
import { StorageUnavailableError, ValidationError } from '../../../src/domain/errors';
import type { ReceivedMessage } from '../../../src/services/contracts';
import { testConfig } from '../../support/real-services';
import { connectionRefused, dataTooLong, FakeMeasureService, ingestMetrics, measure, MemoryLogger } from '../../support/amqp-fakes';
import { waitFor } from '../../support/eventually';

// Retries capped at 20 ms keep the tests fast; the cap is what RABBIT_RECONNECT_MAX_MS sets in production.
const config = testConfig({ RABBIT_RECONNECT_MAX_MS: '20' });
const parser = new MeasureMessageParser(config);

function message(body: unknown, messageId = 'msg-1'): ReceivedMessage {
  return {
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    messageId,
    routingKey: 'measures',
    contentType: 'application/json',
  };
}

/** One delivery the way IngestPipeline takes it: parsed on arrival, prepared, then committed as a batch of one. */
async function processOne(processor: MessageProcessor, received: ReceivedMessage, stop: AbortSignal): Promise<Disposition> {
  processor.countReceived(1);
  const items = [processor.prepare(received)];
  const [disposition] = await processor.commitBatch(items, processor.prepareBatch(items), stop);
  if (disposition === undefined) throw new Error('a batch of one gave no disposition');
  return disposition;
}

function setup(cfg = config) {
  const service = new FakeMeasureService();
  const logger = new MemoryLogger();
  const metrics = ingestMetrics();
  const processor = new MessageProcessor(parser, service, cfg, logger, metrics);
  return { service, logger, processor, metrics, running: new AbortController() };
}

describe('MessageProcessor', () => {
  it('stores valid measures and acks', async () => {
    const { service, processor, running } = setup();
    const received = message([measure(), measure({ value: 3 })]);
    await expect(processOne(processor, received, running.signal)).resolves.toBe('ack');
    expect(service.stored).toHaveLength(1);
    expect(service.stored[0]!.message).toBe(received);
    expect(service.measures.map((m) => m.value)).toEqual([21.5, 3]);
    expect(service.rejectCalls).toBe(0);
  });

  it('stores an invalid message as rejected, acks, and logs the rejection at warn without the body', async () => {
    const { service, processor, logger, running } = setup();
    const received = message('{"experiment": "EXP-1", "secret": oops', 'msg-bad');
    await expect(processOne(processor, received, running.signal)).resolves.toBe('ack');
    // Rejections travel in the batch's transaction: no separate reject() call.
    expect(service.rejectCalls).toBe(0);
    expect(service.rejected).toEqual([{ message: received, reason: 'malformed-json', detail: expect.any(String) }]);
    const warning = logger.entries.find((e) => e.message === 'message rejected');
    expect(warning).toMatchObject({ level: 'warn', meta: { reason: 'malformed-json', messageId: 'msg-bad' } });
    expect(JSON.stringify(logger.entries)).not.toMatch(/secret|oops/);
  });

  it('acks and logs a rejection decided by the service (unknown experiment)', async () => {
    const { service, processor, logger, running } = setup();
    service.unknownExperiments.add('EXP-1');
    await expect(processOne(processor, message(measure()), running.signal)).resolves.toBe('ack');
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'message rejected',
        meta: expect.objectContaining({ reason: 'unknown-experiment', rejectionId: 1, messageId: 'msg-1' }),
      }),
    );
  });

  it('holds the message through transient storage failures and acks once stored', async () => {
    const { service, processor, logger, running } = setup();
    service.onIngest = () => {
      if (service.ingestCalls <= 3) throw connectionRefused();
    };
    await expect(processOne(processor, message(measure()), running.signal)).resolves.toBe('ack');
    expect(service.ingestCalls).toBe(4);
    expect(service.stored).toHaveLength(1);
    expect(service.rejectCalls).toBe(0);
    const retries = logger.entries.filter((e) => e.message.startsWith('storage unavailable'));
    expect(retries[0]!.meta).toMatchObject({ messages: 1, firstMessageId: 'msg-1' });
    expect(retries.map((e) => e.meta.attempt)).toEqual([1, 2, 3]);
    expect(retries.every((e) => (e.meta.retryInMs as number) <= 20)).toBe(true);
  });

  it('retries storing a rejection too, when storage is down', async () => {
    const { service, processor, running } = setup();
    service.onIngest = () => {
      if (service.ingestCalls <= 2) throw connectionRefused();
    };
    await expect(processOne(processor, message(''), running.signal)).resolves.toBe('ack');
    expect(service.rejected).toEqual([expect.objectContaining({ reason: 'empty' })]);
    expect(service.ingestCalls).toBe(3);
  });

  it('hands the message back (requeue) when told to stop while retrying, without waiting out the delay', async () => {
    const slow = testConfig({ RABBIT_RECONNECT_MAX_MS: '60000' });
    const { service, processor, running } = setup(slow);
    service.onIngest = () => {
      throw connectionRefused();
    };
    const outcome = processOne(processor, message(measure()), running.signal);
    await waitFor('a failed attempt', () => service.ingestCalls >= 1);
    const stoppedAt = Date.now();
    running.abort();
    await expect(outcome).resolves.toBe('requeue');
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(service.stored).toHaveLength(0);
    expect(service.rejectCalls).toBe(0);
  });

  it('does not touch storage when already stopped', async () => {
    const { service, processor, running } = setup();
    running.abort();
    await expect(processOne(processor, message(measure()), running.signal)).resolves.toBe('requeue');
    expect(service.ingestCalls + service.rejectCalls).toBe(0);
  });

  it('stores the message as a storage-error rejection when storage refuses the data itself', async () => {
    const { service, processor, logger, running } = setup();
    service.onIngest = () => {
      throw dataTooLong();
    };
    const received = message(measure());
    await expect(processOne(processor, received, running.signal)).resolves.toBe('ack');
    expect(service.ingestCalls).toBe(1);
    expect(service.rejected).toEqual([
      {
        message: received,
        reason: 'storage-error',
        detail: "storage refused the message: ER_DATA_TOO_LONG: Data too long for column 'unit' at row 1",
      },
    ]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'message rejected', meta: expect.objectContaining({ reason: 'storage-error', messageId: 'msg-1' }) }),
    );
  });

  it('dead-letters the message when the storage-error rejection fails too', async () => {
    const { service, processor, logger, running } = setup();
    service.onIngest = () => {
      throw dataTooLong();
    };
    service.onReject = () => {
      throw new Error('Table rejected_message is marked as crashed');
    };
    await expect(processOne(processor, message(measure()), running.signal)).resolves.toBe('dead-letter');
    expect(service.rejectCalls).toBe(1);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'error', meta: expect.objectContaining({ deadLetterQueue: config.rabbit.deadLetterQueue }) }),
    );
  });

  it('treats a non-transient failure to store a parse rejection the same way', async () => {
    const { service, processor, running } = setup();
    const reasons: string[] = [];
    service.onIngest = (items) => {
      if ('rejection' in items[0]!) reasons.push(items[0].rejection.reason);
      throw dataTooLong();
    };
    service.onReject = (_m, reason) => {
      reasons.push(reason);
      throw dataTooLong();
    };
    await expect(processOne(processor, message('{'), running.signal)).resolves.toBe('dead-letter');
    expect(reasons).toEqual(['malformed-json', 'storage-error']);
  });
});

describe('MessageProcessor batches', () => {
  const batch = (p: MessageProcessor, bodies: unknown[]) => bodies.map((body, i) => p.prepare(message(body, `m${i}`)));

  it('parses on prepare: measures, or the rejection with its reason', () => {
    const { processor } = setup();
    const [good, bad] = batch(processor, [[measure(), measure({ value: 2 })], '{"nope"']);
    expect('measures' in good! && good.measures.map((m) => m.value)).toEqual([21.5, 2]);
    expect('rejection' in bad! && bad.rejection.reason).toBe('malformed-json');
  });

  it('stores a batch in one call, acks every message, and counts it in /metrics', async () => {
    const { service, processor, metrics, running } = setup();
    const items = batch(processor, [measure({ value: 1 }), [measure({ value: 2 }), measure({ value: 3 })], '{', measure({ value: 4 })]);
    processor.countReceived(items.length);
    await expect(processor.processBatch(items, running.signal)).resolves.toEqual(['ack', 'ack', 'ack', 'ack']);
    expect(service.ingestCalls).toBe(1);
    expect(service.measures.map((m) => m.value)).toEqual([1, 2, 3, 4]);
    expect(service.rejected.map((r) => r.reason)).toEqual(['malformed-json']);
    const text = await metrics.messagesReceived.get();
    expect(text.values[0]!.value).toBe(4);
    expect((await metrics.measuresStored.get()).values[0]!.value).toBe(4);
    expect((await metrics.messagesRejected.get()).values).toContainEqual(
      expect.objectContaining({ labels: { reason: 'malformed-json' }, value: 1 }),
    );
    expect((await metrics.batchMessages.get()).values).toContainEqual(
      expect.objectContaining({ metricName: 'mymonit_ingest_batch_messages_sum', value: 4 }),
    );
  });

  it('isolates the one message storage refuses: the rest are stored, that one is a storage-error rejection', async () => {
    const { service, processor, running } = setup();
    // The transaction fails whenever the poisoned message is in it, as a data error rolls back the batch.
    service.onIngest = (items) => {
      if (items.some((item) => item.message.messageId === 'm5')) throw dataTooLong();
    };
    const items = batch(
      processor,
      Array.from({ length: 8 }, (_, i) => measure({ value: i })),
    );
    const dispositions = await processor.processBatch(items, running.signal);
    expect(dispositions).toEqual(Array(8).fill('ack'));
    expect(service.measures.map((m) => m.value).sort()).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(service.rejected).toEqual([expect.objectContaining({ reason: 'storage-error', message: expect.objectContaining({ messageId: 'm5' }) })]);
    // Halving: 8 -> 4+4 -> (2+2) -> (1+1): a handful of transactions, not one per message.
    expect(service.ingestCalls).toBeLessThanOrEqual(7);
  });

  it('hands the whole batch back when stopped while storage is down', async () => {
    const { service, processor, running } = setup(testConfig({ RABBIT_RECONNECT_MAX_MS: '60000' }));
    service.onIngest = () => {
      throw connectionRefused();
    };
    const outcome = processor.processBatch(batch(processor, [measure(), measure({ value: 2 })]), running.signal);
    await waitFor('a failed attempt', () => service.ingestCalls >= 1);
    running.abort();
    await expect(outcome).resolves.toEqual(['requeue', 'requeue']);
  });

  it('dead-letters only the message whose rejection cannot be stored either', async () => {
    const { service, processor, running } = setup();
    service.onIngest = (items) => {
      if (items.some((item) => item.message.messageId === 'm1')) throw dataTooLong();
    };
    service.onReject = () => {
      throw dataTooLong();
    };
    const dispositions = await processor.processBatch(batch(processor, [measure(), measure({ value: 2 }), measure({ value: 3 })]), running.signal);
    expect(dispositions).toEqual(['ack', 'dead-letter', 'ack']);
  });
});

describe('isTransient decides on the type storage throws', () => {
  const unavailable = () => new StorageUnavailableError('Deadlock found', { cause: new Error('driver'), code: 'ER_LOCK_DEADLOCK' });

  it.each([
    ['storage unavailable (a refused connection)', connectionRefused()],
    ['storage unavailable (a deadlock)', unavailable()],
    ['storage unavailable, wrapped by a service', new Error('ingest failed', { cause: unavailable() })],
  ])('is true for %s', (_name, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    // Storage translates every driver failure that will pass; an untranslated one is not retried.
    ['a driver code storage did not translate', Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' })],
    ['data too long', dataTooLong()],
    ['a validation error', new ValidationError('unit is longer than storage allows')],
    ['a plain error', new Error('boom')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe('describeError', () => {
  it('gives code and message on one bounded line', () => {
    expect(describeError(connectionRefused())).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3306');
    expect(describeError(new Error('a\nb'))).toBe('a b');
    expect(describeError(new Error('x'.repeat(1000)))).toHaveLength(300);
    expect(describeError('text')).toBe('text');
  });
});
