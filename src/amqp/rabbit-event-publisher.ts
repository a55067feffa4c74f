import * as amqp from 'amqplib';
import { inject, injectable } from 'inversify';
import { withHeartbeat } from '../../lib/amqp/heartbeat';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import type { AmqpStreamConfig } from '../notify/config/model';
import type { EventPublisher } from '../notify/receivers/receiver';
import { HEARTBEAT_SECONDS, redactedUrl } from './rabbit-connector';

/** Bounds the connect and each broker confirm: an unreachable broker fails the attempt (the delivery retries). */
const TIMEOUT_MS = 10_000;

interface Link {
  readonly connection: amqp.ChannelModel;
  readonly channel: amqp.ConfirmChannel;
  /** Exchanges declared on this channel. */
  readonly declared: Set<string>;
}

/**
 * RabbitEventPublisher publishes the notification stage's events (the `amqp_configs` stream) with publisher
 * confirms: `publish` resolves once the broker confirmed the message, persistent, on a durable topic
 * exchange it declares. One connection and confirm channel per broker URL, opened on first use and again
 * after a loss (the failed publish reports the loss; the delivery service retries).
 */
@injectable()
export class RabbitEventPublisher implements EventPublisher {
  private readonly links = new Map<string, { readonly opening: Promise<Link>; link?: Link }>();
  private closed = false;

  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async publish(target: AmqpStreamConfig, routingKey: string, body: Buffer): Promise<void> {
    if (this.closed) throw new Error('the event publisher is closed');
    const url = target.url ?? this.config.rabbit.url;
    const link = await this.link(url);
    try {
      if (!link.declared.has(target.exchange)) {
        await link.channel.assertExchange(target.exchange, 'topic', { durable: true });
        link.declared.add(target.exchange);
      }
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          link.channel.publish(
            target.exchange,
            routingKey,
            body,
            { persistent: true, contentType: 'application/json', timestamp: Math.floor(Date.now() / 1000), appId: 'mymonit' },
            (error: unknown) => (error ? reject(new Error('the broker refused the event (nack)')) : resolve()),
          );
        }),
        TIMEOUT_MS,
        'the broker did not confirm the event in time',
      );
    } catch (error) {
      // A channel error (e.g. the exchange exists with another type) closes the channel: start afresh.
      this.drop(url, link);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map(async (entry) => (await entry.opening.catch(() => undefined))?.connection.close().catch(() => undefined)));
  }

  private link(url: string): Promise<Link> {
    const existing = this.links.get(url);
    if (existing) return existing.opening;
    const entry: { opening: Promise<Link>; link?: Link } = { opening: this.open(url) };
    this.links.set(url, entry);
    entry.opening.then(
      (link) => {
        entry.link = link;
      },
      () => {
        if (this.links.get(url) === entry) this.links.delete(url);
      },
    );
    return entry.opening;
  }

  private async open(url: string): Promise<Link> {
    const connection = await amqp.connect(withHeartbeat(url, HEARTBEAT_SECONDS), {
      timeout: TIMEOUT_MS,
      clientProperties: { connection_name: `mymonit ${this.config.instance} events` },
    });
    try {
      const channel = await connection.createConfirmChannel();
      const link: Link = { connection, channel, declared: new Set() };
      const lost = (error?: Error) => {
        if (this.links.get(url)?.link === link) this.logger.warn('event stream connection lost', { broker: redactedUrl(url), error: error?.message });
        this.drop(url, link);
      };
      connection.on('error', (error: Error) => lost(error));
      channel.on('error', (error: Error) => lost(error));
      connection.on('close', () => lost());
      channel.on('close', () => lost());
      return link;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /** Forgets a broken link at once (the next publish opens a new one) and closes what is left of it. */
  private drop(url: string, link: Link): void {
    if (this.links.get(url)?.link === link) this.links.delete(url);
    void link.connection.close().catch(() => undefined);
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
