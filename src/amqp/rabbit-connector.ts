import * as amqp from 'amqplib';
import { brokerAddress, PROBE_INTERVAL_MS, tcpReachable } from '../../lib/amqp/broker-probe';
import { withHeartbeat } from '../../lib/amqp/heartbeat';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';

/** Seconds between heartbeats: a dead peer (or a silently dropped TCP connection) is noticed within ~30 s. */
export const HEARTBEAT_SECONDS = 15;
/** Bounds the TCP connect and AMQP handshake: a black-holed broker address fails instead of hanging. */
const CONNECT_TIMEOUT_MS = 10_000;

/** One open connection with one channel: what the listener consumes and acks on. */
export interface RabbitSession {
  readonly channel: amqp.Channel;
  /**
   * Called once, with the cause, when the connection or the channel is lost without close() having been
   * called; called at once when that already happened.
   */
  onClose(callback: (cause: Error) => void): void;
  /** Closes channel and connection; unacked messages go back to the queue. Never throws, idempotent. */
  close(): Promise<void>;
}

/** The I/O seam of the consumer: tests can hand the listener a connector of their own. */
export interface RabbitConnector {
  connect(): Promise<RabbitSession>;
  /** Whether the broker's port accepts a TCP connection now: a cheap check while waiting to reconnect. */
  reachable?(): Promise<boolean>;
}

/** AmqplibRabbitSession is a RabbitSession over an amqplib connection and channel. */
export class AmqplibRabbitSession implements RabbitSession {
  private cause: Error | undefined;
  private isLost = false;
  private closing = false;
  private readonly callbacks: Array<(cause: Error) => void> = [];

  constructor(
    /** The underlying connection; public so that tests can cut it to exercise reconnection. */
    readonly connection: amqp.ChannelModel,
    readonly channel: amqp.Channel,
    logger: Logger,
  ) {
    // Unhandled 'error' events would crash the process; each is followed by 'close', which does the work.
    connection.on('error', (error: Error) => {
      this.cause ??= error;
      logger.warn('RabbitMQ connection error', { error: error.message });
    });
    channel.on('error', (error: Error) => {
      this.cause ??= error;
      logger.warn('RabbitMQ channel error', { error: error.message });
    });
    connection.on('blocked', (reason: string) => logger.warn('RabbitMQ blocked the connection', { reason }));
    connection.on('unblocked', () => logger.info('RabbitMQ unblocked the connection'));
    connection.on('close', (error?: Error) => this.lost(error ?? new Error('connection closed')));
    channel.on('close', () => this.lost(new Error('channel closed')));
  }

  onClose(callback: (cause: Error) => void): void {
    if (this.closing) return;
    const cause = this.isLost ? this.cause : undefined;
    if (cause) queueMicrotask(() => callback(cause));
    else this.callbacks.push(callback);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // After a loss either may already be gone; closing what is left is all that matters.
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  private lost(cause: Error): void {
    if (this.isLost) return;
    this.isLost = true;
    this.cause ??= cause;
    if (this.closing) return;
    for (const callback of this.callbacks.splice(0)) callback(this.cause);
  }
}

/** AmqplibRabbitConnector opens sessions to the broker named by RABBIT_URL with amqplib's promise API. */
@injectable()
export class AmqplibRabbitConnector implements RabbitConnector {
  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  reachable(): Promise<boolean> {
    const { host, port } = brokerAddress(this.config.rabbit.url);
    return tcpReachable(host, port, PROBE_INTERVAL_MS);
  }

  async connect(): Promise<RabbitSession> {
    const connection = await amqp.connect(withHeartbeat(this.config.rabbit.url, HEARTBEAT_SECONDS), {
      timeout: CONNECT_TIMEOUT_MS,
      // Shown by the management UI and `rabbitmqctl list_connections`: which instance holds which messages.
      clientProperties: { connection_name: `mymonit ${this.config.instance}` },
    });
    // Until the session owns the connection, an 'error' event must still not crash the process.
    const early = (error: Error) => this.logger.warn('RabbitMQ connection error', { error: error.message });
    connection.on('error', early);
    try {
      const channel = await connection.createChannel();
      return new AmqplibRabbitSession(connection, channel, this.logger);
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    } finally {
      connection.off('error', early);
    }
  }
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
