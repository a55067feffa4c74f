import type { Channel, ConsumeMessage } from 'amqplib';
import type { Disposition } from '../../../src/amqp/message-processor';
import { PolicyEventListener } from '../../../src/amqp/policy-event-listener';
import type { ParsedPolicyMessage } from '../../../src/amqp/policy-message-parser';
import type { RabbitConnector, RabbitSession } from '../../../src/amqp/rabbit-connector';
import type { ReceivedMessage } from '../../../src/services/contracts';
import { testConfig } from '../../support/real-services';
import { MemoryLogger } from '../../support/amqp-fakes';
import { waitFor } from '../../support/eventually';

const config = testConfig({ RABBIT_POLICY_QUEUE: 'pq', RABBIT_POLICY_ROUTING_KEY: 'pk', RABBIT_POLICY_PREFETCH: '7' });

/** The channel calls the listener makes, recorded; `deliver` plays the broker. */
class FakeChannel {
  readonly calls: string[] = [];
  readonly settled: Array<{ tag: number; how: 'ack' | 'requeue' | 'dead-letter' }> = [];
  queueArguments: Record<string, unknown> | undefined;
  private consumer: ((m: ConsumeMessage | null) => void) | undefined;
  private tag = 0;
  async assertExchange(name: string) {
    this.calls.push(`exchange ${name}`);
  }
  async assertQueue(name: string, options: { arguments?: Record<string, unknown> }) {
    this.calls.push(`queue ${name}`);
    if (name === 'pq') this.queueArguments = options.arguments;
  }
  async bindQueue(queue: string, exchange: string, key: string) {
    this.calls.push(`bind ${queue} ${exchange} ${key}`);
  }
  async prefetch(n: number) {
    this.calls.push(`prefetch ${n}`);
  }
  async consume(queue: string, onMessage: (m: ConsumeMessage | null) => void) {
    this.calls.push(`consume ${queue}`);
    this.consumer = onMessage;
    return { consumerTag: 'ctag' };
  }
  async cancel(tag: string) {
    this.calls.push(`cancel ${tag}`);
  }
  ack(m: ConsumeMessage) {
    this.settled.push({ tag: m.fields.deliveryTag, how: 'ack' });
  }
  nack(m: ConsumeMessage, _all: boolean, requeue: boolean) {
    this.settled.push({ tag: m.fields.deliveryTag, how: requeue ? 'requeue' : 'dead-letter' });
  }
  deliver(body: unknown): number {
    const deliveryTag = ++this.tag;
    const content = Buffer.from(JSON.stringify(body));
    this.consumer?.({ content, fields: { deliveryTag, redelivered: false, routingKey: 'pk', exchange: 'x', consumerTag: 'ctag' }, properties: { messageId: `m-${deliveryTag}`, headers: {} } } as unknown as ConsumeMessage);
    return deliveryTag;
  }
}

function setup(process: (message: ReceivedMessage, parsed: ParsedPolicyMessage, stop: AbortSignal) => Promise<Disposition>) {
  const channel = new FakeChannel();
  let closed = 0;
  const session: RabbitSession = { channel: channel as unknown as Channel, onClose: () => undefined, close: async () => void closed++ };
  const connector: RabbitConnector = { connect: async () => session };
  const listener = new PolicyEventListener(connector, { process, enabled: true }, config, new MemoryLogger());
  return { channel, listener, closed: () => closed };
}

/** A promise and its resolver: the test decides when an ingest finishes. */
function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

describe('PolicyEventListener', () => {
  it('declares its own queue bound with its own routing key, single active consumer, with the policy prefetch', async () => {
    const { channel, listener } = setup(async () => 'ack');
    await listener.start();
    expect(channel.calls).toContain(`bind pq ${config.rabbit.exchange} pk`);
    expect(channel.calls).toContain('prefetch 7');
    expect(channel.calls).toContain('consume pq');
    expect(channel.queueArguments).toEqual({ 'x-queue-type': config.rabbit.queueType, 'x-dead-letter-exchange': config.rabbit.deadLetterExchange, 'x-single-active-consumer': true });
    await listener.stop();
  });

  it("ingests one policy's messages one at a time in delivery order, other policies meanwhile, and acks each after its ingest", async () => {
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate<Disposition>>>();
    const { channel, listener } = setup((message, parsed) => {
      const id = `${parsed.kind === 'events' ? parsed.policyId : 0}:${message.messageId}`;
      order.push(`start ${id}`);
      const g = gate<Disposition>();
      gates.set(id, g);
      return g.promise.then((d) => {
        order.push(`end ${id}`);
        return d;
      });
    });
    await listener.start();
    channel.deliver({ policy: 1, log: '@1' });
    channel.deliver({ policy: 1, log: '@2' });
    channel.deliver({ policy: 2, log: '@1' });
    await waitFor('order.length === 2', () => order.length === 2);
    // Policy 1's second message waits for its first; policy 2 goes at once.
    expect(order).toEqual(['start 1:m-1', 'start 2:m-3']);
    expect(channel.settled).toEqual([]);
    gates.get('2:m-3')!.open('ack');
    await waitFor('channel.settled.length === 1', () => channel.settled.length === 1);
    expect(channel.settled).toEqual([{ tag: 3, how: 'ack' }]);
    gates.get('1:m-1')!.open('ack');
    await waitFor('order.includes(start 1:m-2)', () => order.includes('start 1:m-2'));
    expect(channel.settled).toEqual([{ tag: 3, how: 'ack' }, { tag: 1, how: 'ack' }]);
    gates.get('1:m-2')!.open('dead-letter');
    await waitFor('channel.settled.length === 3', () => channel.settled.length === 3);
    expect(channel.settled[2]).toEqual({ tag: 2, how: 'dead-letter' });
    await listener.stop();
  });

  it('on stop lets the ingest in progress commit and be acked, and hands back what had not started', async () => {
    const first = gate<Disposition>();
    const started: string[] = [];
    const { channel, listener, closed } = setup((message, _parsed, stop) => {
      started.push(message.messageId ?? '');
      if (stop.aborted) return Promise.resolve('requeue');
      return first.promise;
    });
    await listener.start();
    channel.deliver({ policy: 5, log: '@1' });
    channel.deliver({ policy: 5, log: '@2' });
    await waitFor('started.length === 1', () => started.length === 1);
    const stopping = listener.stop();
    await waitFor('channel.calls.includes(cancel ctag)', () => channel.calls.includes('cancel ctag'));
    first.open('ack');
    await stopping;
    expect(channel.settled).toEqual([{ tag: 1, how: 'ack' }, { tag: 2, how: 'requeue' }]);
    expect(closed()).toBe(1);
  });

  it('stays idle when no ingest is bound', async () => {
    const channel = new FakeChannel();
    let connects = 0;
    const connector: RabbitConnector = {
      connect: async () => {
        connects++;
        return { channel: channel as unknown as Channel, onClose: () => undefined, close: async () => undefined };
      },
    };
    const listener = new PolicyEventListener(connector, { process: async () => 'ack', enabled: false }, config, new MemoryLogger());
    await listener.start();
    expect(connects).toBe(0);
    expect(listener.isConnected()).toBe(false);
    await listener.stop();
  });
});
