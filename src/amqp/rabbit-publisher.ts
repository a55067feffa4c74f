import * as amqp from 'amqplib';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { MessagePublisher } from '../services/contracts';
import { withHeartbeat } from '../../lib/amqp/heartbeat';
import { HEARTBEAT_SECONDS } from './rabbit-connector';
import { declarePolicyTopology, declareTopology } from './topology';

/** Bounds the connect and the broker's confirm: an unreachable broker fails the replay instead of hanging it. */
const TIMEOUT_MS = 10_000;

/**
 * RabbitReplayPublisher puts a rejected message's body back on the exchange for the consumers (with the
 * policy events routing key when it was delivered with it, else the measures one),
 * with publisher confirms. Replays are rare admin actions, so each opens and closes its own connection: the
 * REST process then holds no broker connection to watch, reconnect or close at shutdown.
 */
@injectable()
export class RabbitReplayPublisher implements MessagePublisher {
  constructor(@inject(TYPES.Config) private readonly config: Config) {}

  async publish(body: Buffer, properties: { messageId: string; contentType: string | null; replayOf: number; routingKey?: string | null }): Promise<void> {
    const policy = properties.routingKey === this.config.rabbit.policy.routingKey;
    const connection = await amqp.connect(withHeartbeat(this.config.rabbit.url, HEARTBEAT_SECONDS), {
      timeout: TIMEOUT_MS,
      clientProperties: { connection_name: `mymonit ${this.config.instance} replay` },
    });
    // An 'error' event without a listener would crash the process; the failed publish reports it.
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createConfirmChannel();
      // Declared, not assumed: published to an exchange with no queue bound, the message would vanish.
      if (policy) await declarePolicyTopology(channel, this.config.rabbit);
      else await declareTopology(channel, this.config.rabbit);
      channel.publish(this.config.rabbit.exchange, policy ? this.config.rabbit.policy.routingKey : this.config.rabbit.routingKey, body, {
        persistent: true,
        messageId: properties.messageId,
        contentType: properties.contentType ?? undefined,
        headers: { 'x-mymonit-replay-of': properties.replayOf },
      });
      await withTimeout(channel.waitForConfirms(), TIMEOUT_MS, 'the broker did not confirm the replayed message');
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
