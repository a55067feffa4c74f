import * as amqp from 'amqplib';
import { RabbitEventPublisher } from '../../../src/amqp/rabbit-event-publisher';
import type { Logger } from '../../../src/logging/logger';
import { freePort } from '../../support/free-port';
import { testConfig, uniqueName } from '../../support/real-services';

const silent: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => silent };

describe('RabbitEventPublisher against the local RabbitMQ', () => {
  const config = testConfig({});
  let broker: amqp.ChannelModel;
  let channel: amqp.Channel;
  const exchanges: string[] = [];

  beforeAll(async () => {
    broker = await amqp.connect(config.rabbit.url);
    channel = await broker.createChannel();
  });

  afterAll(async () => {
    for (const exchange of exchanges) await channel.deleteExchange(exchange).catch(() => undefined);
    await broker.close();
  });

  async function boundQueue(exchange: string, type = 'topic'): Promise<string> {
    exchanges.push(exchange);
    await channel.assertExchange(exchange, type, { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, type === 'topic' ? '#' : '');
    return queue;
  }

  it('resolves once the broker confirmed a persistent message on a durable topic exchange it declares', async () => {
    const publisher = new RabbitEventPublisher(config, silent);
    const exchange = uniqueName('mymonit_stream');
    try {
      await publisher.publish({ sendResolved: true, exchange }, 'alert.firing', Buffer.from('{"a":1}'));
      const queue = await boundQueue(exchange);
      await publisher.publish({ sendResolved: true, exchange }, 'ticket.opened', Buffer.from('{"t":2}'));
      const message = await channel.get(queue, { noAck: true });
      expect(message).not.toBe(false);
      if (message === false) return;
      expect(message.fields.routingKey).toBe('ticket.opened');
      expect(message.properties).toMatchObject({ deliveryMode: 2, contentType: 'application/json', appId: 'mymonit' });
      expect(message.content.toString()).toBe('{"t":2}');
    } finally {
      await publisher.close();
    }
  });

  it('a refused publish (exchange of another type) fails, and the next publish works on a fresh channel', async () => {
    const publisher = new RabbitEventPublisher(config, silent);
    const wrong = uniqueName('mymonit_fanout');
    const right = uniqueName('mymonit_stream');
    await boundQueue(wrong, 'fanout');
    try {
      await expect(publisher.publish({ sendResolved: true, exchange: wrong }, 'alert.firing', Buffer.from('x'))).rejects.toThrow(/PRECONDITION|406|closed/i);
      const queue = await boundQueue(right);
      await publisher.publish({ sendResolved: true, exchange: right }, 'alert.resolved', Buffer.from('y'));
      const message = await channel.get(queue, { noAck: true });
      expect(message === false ? undefined : message.fields.routingKey).toBe('alert.resolved');
    } finally {
      await publisher.close();
    }
  });

  it('an unreachable broker fails the publish instead of hanging', async () => {
    const publisher = new RabbitEventPublisher(config, silent);
    const port = await freePort();
    try {
      await expect(publisher.publish({ sendResolved: true, exchange: 'x', url: `amqp://guest:guest@127.0.0.1:${port}` }, 'alert.firing', Buffer.from('z'))).rejects.toThrow();
    } finally {
      await publisher.close();
    }
  });
});
