import * as amqp from 'amqplib';
import type { Measure } from '../../../adapters/sdk';
import { eventually } from '../../support/eventually';
import { testConfig, uniqueName } from '../../support/real-services';

/** One message as a test consumer saw it. */
export interface Received {
  messageId?: string;
  contentType?: string;
  persistent: boolean;
  measures: Measure[];
}

/**
 * A fresh, uniquely named topic exchange with a fresh queue bound to it on the real broker: what the
 * adapters publish to in a test, and what the test reads back. cleanup() deletes both.
 */
export interface TestBroker {
  url: string;
  exchange: string;
  routingKey: string;
  queue: string;
  /** Every message received so far (the consumer runs from creation). */
  received: Received[];
  measures(): Measure[];
  /** Waits until at least `count` measures have arrived. */
  waitForMeasures(count: number, timeoutMs?: number): Promise<Measure[]>;
  cleanup(): Promise<void>;
}

export async function createTestBroker(prefix = 'adapters'): Promise<TestBroker> {
  const url = testConfig().rabbit.url;
  const exchange = uniqueName(`${prefix}_ex`);
  const queue = uniqueName(`${prefix}_q`);
  const routingKey = 'measures';
  const connection = await amqp.connect(url, { clientProperties: { connection_name: `${queue} test consumer` } });
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  await channel.bindQueue(queue, exchange, routingKey);
  const received: Received[] = [];
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const body: unknown = JSON.parse(message.content.toString('utf8'));
      const measures = (Array.isArray(body) ? body : [body]) as Measure[];
      received.push({
        messageId: message.properties.messageId as string | undefined,
        contentType: message.properties.contentType as string | undefined,
        persistent: message.properties.deliveryMode === 2,
        measures,
      });
    },
    { noAck: true },
  );
  const all = () => received.flatMap((message) => message.measures);
  return {
    url,
    exchange,
    routingKey,
    queue,
    received,
    measures: all,
    waitForMeasures(count, timeoutMs = 20_000) {
      return eventually(all, (measures) => measures.length >= count, { timeoutMs, intervalMs: 50, what: `${count} measures on ${queue}` });
    },
    async cleanup() {
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteExchange(exchange).catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}

/**
 * Closes, from the broker side, the connection whose client_properties carry this connection_name
 * (`rabbitmqctl close_connection <pid>`), as a broker restart or an operator would. Resolves with the
 * broker's name of the connection it closed (`127.0.0.1:port -> 127.0.0.1:5672`).
 */
export async function killConnectionFromBroker(connectionName: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('rabbitmqctl', args, { timeout: 30_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`rabbitmqctl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
      ),
    );
  const listing = await run(['list_connections', '-q', '--no-table-headers', 'pid', 'name', 'client_properties']);
  const marker = `{"connection_name","${connectionName}"}`;
  const line = listing.split('\n').find((l) => l.includes(marker));
  if (!line) throw new Error(`no broker connection named ${connectionName}; rabbitmqctl listed:\n${listing}`);
  const [pid, name] = line.split('\t');
  // RabbitMQ 3.x identifies the connection by its Erlang pid here; 4.x also accepts the pid.
  await run(['close_connection', pid, 'test: connection killed from the broker side']);
  return name;
}
