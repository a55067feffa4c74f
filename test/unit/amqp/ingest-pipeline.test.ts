import type { ConsumeMessage } from 'amqplib';
import { CommitSlots } from '../../../src/amqp/commit-slots';
import { IngestPipeline, type BatchLimits, type SettleChannel } from '../../../src/amqp/ingest-pipeline';
import { MeasureMessageParser } from '../../../src/amqp/measure-message-parser';
import { MessageProcessor } from '../../../src/amqp/message-processor';
import { testConfig } from '../../support/real-services';
import { dataTooLong, FakeMeasureService, ingestMetrics, measure, MemoryLogger } from '../../support/amqp-fakes';
import { waitFor } from '../../support/eventually';

const config = testConfig({ RABBIT_RECONNECT_MAX_MS: '20' });
const parser = new MeasureMessageParser(config);

/** Records what the pipeline tells the broker, as amqplib's channel would receive it. */
class RecordingChannel implements SettleChannel {
  readonly calls: string[] = [];
  closed = false;

  ack(message: ConsumeMessage, allUpTo = false): void {
    if (this.closed) throw new Error('Channel closed');
    this.calls.push(`ack ${message.fields.deliveryTag}${allUpTo ? ' up to' : ''}`);
  }

  nack(message: ConsumeMessage, allUpTo = false, requeue = true): void {
    if (this.closed) throw new Error('Channel closed');
    this.calls.push(`nack ${message.fields.deliveryTag}${allUpTo ? ' up to' : ''}${requeue ? ' requeue' : ''}`);
  }
}

let tag = 0;
function delivery(body: unknown): ConsumeMessage {
  tag += 1;
  return {
    content: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    fields: { deliveryTag: tag, redelivered: false, exchange: 'x', routingKey: 'measures', consumerTag: 'c' },
    properties: { messageId: `m${tag}`, contentType: 'application/json', headers: {} },
  } as unknown as ConsumeMessage;
}

function setup(limits: Partial<BatchLimits> = {}, slots = 1) {
  tag = 0;
  const service = new FakeMeasureService();
  const logger = new MemoryLogger();
  const processor = new MessageProcessor(parser, service, config, logger, ingestMetrics());
  const channel = new RecordingChannel();
  const stop = new AbortController();
  const pipeline = new IngestPipeline(
    processor,
    channel,
    new CommitSlots(slots),
    { measures: 10, messages: 100, lingerMs: 20, ...limits },
    stop.signal,
    logger,
  );
  return { service, processor, channel, stop, pipeline, logger };
}

afterEach(() => jest.restoreAllMocks());

describe('IngestPipeline', () => {
  it('closes a batch at the measure limit, never splits a message, and acks each batch with one ack-multiple', async () => {
    const { service, channel, pipeline } = setup({ measures: 10 });
    pipeline.add(delivery(Array.from({ length: 6 }, (_, i) => measure({ value: i }))));
    pipeline.add(delivery(Array.from({ length: 6 }, (_, i) => measure({ value: 6 + i }))));
    pipeline.add(delivery(measure({ value: 12 })));
    await waitFor('13 measures', () => service.measures.length === 13);
    // 6 + 6 would exceed 10: the first message goes alone, the second and third (7 measures) go together.
    expect(service.batches.map((b) => b.length)).toEqual([1, 2]);
    await waitFor('the acks', () => channel.calls.length === 2);
    expect(channel.calls).toEqual(['ack 1 up to', 'ack 3 up to']);
  });

  it('closes a batch at the message limit', async () => {
    const { service, pipeline } = setup({ measures: 1000, messages: 3 });
    for (let i = 0; i < 7; i++) pipeline.add(delivery(measure({ value: i })));
    await waitFor('7 measures', () => service.measures.length === 7);
    expect(service.batches.map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('commits a partial batch once its oldest delivery has waited the linger', async () => {
    const { service, channel, pipeline } = setup({ measures: 1000, lingerMs: 150 });
    const startedAt = Date.now();
    pipeline.add(delivery(measure()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    pipeline.add(delivery(measure({ value: 2 })));
    await waitFor('the batch', () => service.batches.length === 1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(service.batches[0]).toHaveLength(2);
    await waitFor('the ack', () => channel.calls.length === 1);
    expect(channel.calls).toEqual(['ack 2 up to']);
  });

  it('parses at most one batch ahead: the rest of the prefetch waits as raw bodies', async () => {
    const { service, processor, pipeline } = setup({ measures: 2, messages: 100, lingerMs: 1000 });
    const prepare = jest.spyOn(processor, 'prepare');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    service.onIngest = () => (service.ingestCalls === 1 ? gate : undefined);
    for (let i = 0; i < 20; i++) pipeline.add(delivery(measure({ value: i })));
    await waitFor('the first commit', () => service.ingestCalls === 1);
    // One batch committing (2), one prepared behind it (2), the next batch parsed ahead (2): 6 of 20.
    expect(prepare.mock.calls.length).toBeLessThanOrEqual(6);
    release();
    await waitFor('20 measures', () => service.measures.length === 20);
    expect(prepare).toHaveBeenCalledTimes(20);
  });

  it('acks in delivery order when a later batch commits first', async () => {
    const { service, channel, pipeline } = setup({ measures: 1 }, 2);
    let releaseFirst: () => void = () => undefined;
    const first = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    service.onIngest = (items) => (items[0].message.messageId === 'm1' ? first : undefined);
    pipeline.add(delivery(measure({ value: 1 })));
    pipeline.add(delivery(measure({ value: 2 })));
    await waitFor('the second batch committed', () => service.measures.some((m) => m.value === 2));
    // Committed, but not acked: an ack-multiple on 2 would also ack 1, which has not committed yet.
    expect(channel.calls).toEqual([]);
    releaseFirst();
    await waitFor('both acks', () => channel.calls.length === 2);
    expect(channel.calls).toEqual(['ack 1 up to', 'ack 2 up to']);
  });

  it('nacks a dead-lettered message without requeue, and acks the rest up to the last acked one', async () => {
    const { service, channel, pipeline } = setup({ measures: 3 });
    service.onIngest = (items) => {
      if (items.some((item) => item.message.messageId === 'm3')) throw dataTooLong();
    };
    service.onReject = () => {
      throw dataTooLong();
    };
    for (let i = 0; i < 3; i++) pipeline.add(delivery(measure({ value: i })));
    await waitFor('the settlement', () => channel.calls.length === 2);
    expect(channel.calls).toEqual(['nack 3', 'ack 2 up to']);
  });

  it('on stop, finishes the batch being committed and hands back what was not committed', async () => {
    const { service, channel, stop, pipeline, logger } = setup({ measures: 2, lingerMs: 10_000 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    service.onIngest = () => gate;
    for (let i = 0; i < 5; i++) pipeline.add(delivery(measure({ value: i })));
    await waitFor('the first commit', () => service.ingestCalls === 1);
    stop.abort();
    release();
    await pipeline.finished;
    // Batch 1-2 committed and acked; 3-4 (queued behind it) and 5 (filling) go back to the queue.
    expect(service.measures.map((m) => m.value)).toEqual([0, 1]);
    expect(channel.calls).toEqual(['ack 2 up to', 'nack 3 requeue', 'nack 4 requeue', 'nack 5 up to requeue']);
    expect(logger.entries.map((e) => e.message)).toContain('stopped; uncommitted messages handed back to the queue');
  });

  it('survives a channel that closed before the ack: the broker redelivers', async () => {
    const { service, channel, pipeline, logger } = setup({ measures: 1 });
    channel.closed = true;
    pipeline.add(delivery(measure()));
    await waitFor('the commit', () => service.measures.length === 1);
    await waitFor('the warning', () => logger.entries.some((e) => e.message === 'could not settle the batch; the broker will redeliver it'));
  });
});

describe('CommitSlots', () => {
  it('runs at most `size` at once, in the order queued', async () => {
    const slots = new CommitSlots(2);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const work = (n: number) => () => {
      started.push(n);
      most = Math.max(most, ++running);
      return new Promise<number>((resolve) =>
        setTimeout(() => {
          running--;
          resolve(n);
        }, 10),
      );
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => slots.run(work(n))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('frees the slot when the work fails', async () => {
    const slots = new CommitSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
