import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { backoffDelay, sleep } from '../amqp/backoff';
import { withHeartbeat } from '../amqp/heartbeat';
import {
  agentQueue,
  agentReplySchema,
  agentsExchange,
  announceSchema,
  announcementsQueue,
  ANNOUNCE_ROUTING_KEY,
  parseMessage,
  type AgentReply,
  type AgentRequest,
  type Announce,
} from './protocol';

export interface AgentClientLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface AgentClientOptions {
  /** amqp(s):// URL with credentials. */
  readonly url: string;
  /** The core's RABBIT_EXCHANGE: the agents' exchange and queues are named after it. */
  readonly exchange: string;
  readonly connectionName: string;
  readonly logger: AgentClientLogger;
  /** Told each valid announcement (the agents registry); omitted: announcements are not consumed here. */
  readonly onAnnounce?: (announce: Announce) => Promise<void>;
  readonly reconnectMaxMs?: number;
}

/** How a request ended, as the core sees it. */
export type RequestOutcome =
  | { readonly kind: 'reply'; readonly reply: AgentReply }
  | { readonly kind: 'timeout' }
  /** No agent of that name is connected (the broker returned the request). */
  | { readonly kind: 'unroutable' }
  | { readonly kind: 'unavailable'; readonly reason: string };

interface Pending {
  resolve(outcome: RequestOutcome): void;
  timer: NodeJS.Timeout;
}

interface Session {
  connection: amqp.ChannelModel;
  channel: amqp.Channel;
  replyQueue: string;
}

/**
 * The core's end of the agents' protocol: one connection with one channel, an exclusive reply queue, and
 * (where the registry runs) the announcements' consumer. Reconnects with backoff; requests made while
 * disconnected end at once as `unavailable`, and those in flight when the connection drops too.
 */
export class AgentClient {
  private session: Session | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private connected: (() => void) | undefined;

  constructor(private readonly options: AgentClientOptions) {}

  /** Connects (retrying until it succeeds or stop()); resolves once the first connection is ready. */
  start(): Promise<void> {
    const first = new Promise<void>((resolve) => (this.connected = resolve));
    this.loop ??= this.run();
    return first;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.connected?.();
    const session = this.session;
    this.session = undefined;
    await session?.connection.close().catch(() => undefined);
    await this.loop;
    this.failPending('the agent client stopped');
  }

  get isConnected(): boolean {
    return this.session !== undefined;
  }

  /** Sends `request` to the agent's queue and waits for its reply up to timeoutMs. */
  request(agent: string, request: AgentRequest, timeoutMs: number): Promise<RequestOutcome> {
    const session = this.session;
    if (!session) return Promise.resolve({ kind: 'unavailable', reason: 'not connected to RabbitMQ' });
    const correlationId = randomUUID();
    return new Promise<RequestOutcome>((resolve) => {
      const timer = setTimeout(() => this.settle(correlationId, { kind: 'timeout' }), timeoutMs);
      this.pending.set(correlationId, { resolve, timer });
      try {
        session.channel.publish('', agentQueue(this.options.exchange, agent), Buffer.from(JSON.stringify(request)), {
          mandatory: true,
          correlationId,
          replyTo: session.replyQueue,
          contentType: 'application/json',
          // A request no agent started within its time is worthless: the broker drops it.
          expiration: String(Math.max(1, Math.ceil(timeoutMs))),
        });
      } catch (error) {
        this.settle(correlationId, { kind: 'unavailable', reason: (error as Error).message });
      }
    });
  }

  private settle(correlationId: string, outcome: RequestOutcome): void {
    const pending = this.pending.get(correlationId);
    if (!pending) return;
    this.pending.delete(correlationId);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }

  private failPending(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'unavailable', reason });
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    for (let attempt = 0; !this.stopping.signal.aborted; ) {
      let lost: Promise<Error>;
      try {
        ({ lost } = await this.connect());
        if (this.stopping.signal.aborted) {
          // stop() ran while this connection was being set up: it found no session to close, so close it here.
          const session = this.session;
          this.session = undefined;
          await session?.connection.close().catch(() => undefined);
          break;
        }
        attempt = 0;
        this.connected?.();
      } catch (error) {
        const delay = backoffDelay(attempt++, 500, this.options.reconnectMaxMs ?? 30_000);
        logger.warn('agents: cannot connect to RabbitMQ, retrying', { error: (error as Error).message, retryInMs: delay });
        await sleep(delay, this.stopping.signal);
        continue;
      }
      const cause = await lost;
      this.session = undefined;
      this.failPending(`the connection to RabbitMQ was lost: ${cause.message}`);
      if (!this.stopping.signal.aborted) logger.warn('agents: RabbitMQ connection lost, reconnecting', { error: cause.message });
    }
  }

  private async connect(): Promise<{ lost: Promise<Error> }> {
    const connection = await amqp.connect(withHeartbeat(this.options.url, 15), {
      clientProperties: { connection_name: this.options.connectionName },
      timeout: 10_000,
    });
    let onLost!: (cause: Error) => void;
    const lost = new Promise<Error>((resolve) => (onLost = resolve));
    let cause: Error | undefined;
    connection.on('error', (error: Error) => (cause ??= error));
    connection.on('close', () => onLost(cause ?? new Error('connection closed')));
    try {
      const channel = await connection.createChannel();
      channel.on('error', (error: Error) => (cause ??= error));
      channel.on('close', () => {
        onLost(cause ?? new Error('channel closed'));
        void connection.close().catch(() => undefined);
      });
      channel.on('return', (message: amqp.Message) => {
        const id = message.properties.correlationId as string | undefined;
        if (id) this.settle(id, { kind: 'unroutable' });
      });
      const exchange = agentsExchange(this.options.exchange);
      await channel.assertExchange(exchange, 'topic', { durable: true });
      const { queue: replyQueue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await channel.consume(replyQueue, (message) => message && this.onReply(message), { noAck: true });
      if (this.options.onAnnounce) await this.consumeAnnouncements(channel, exchange, this.options.onAnnounce);
      this.session = { connection, channel, replyQueue };
      return { lost };
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  private async consumeAnnouncements(channel: amqp.Channel, exchange: string, onAnnounce: (announce: Announce) => Promise<void>): Promise<void> {
    const queue = announcementsQueue(this.options.exchange);
    // Announcements are refreshed every minute or so: an old one is worth nothing.
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic', 'x-message-ttl': 300_000 } });
    await channel.bindQueue(queue, exchange, ANNOUNCE_ROUTING_KEY);
    await channel.consume(queue, (message) => {
      if (!message) return;
      const parsed = parseMessage(announceSchema, message.content);
      if (!parsed.ok) {
        this.options.logger.warn('agents: invalid announcement ignored', { reason: parsed.reason });
        channel.ack(message);
        return;
      }
      onAnnounce(parsed.value).then(
        () => channel.ack(message),
        (error: Error) => {
          this.options.logger.error('agents: storing an announcement failed', { agent: parsed.value.agent, error: error.message });
          // The agent announces again soon: dropping one costs nothing, retrying it in a loop would.
          channel.ack(message);
        },
      );
    });
  }

  private onReply(message: amqp.Message): void {
    const id = message.properties.correlationId as string | undefined;
    if (!id || !this.pending.has(id)) return;
    const parsed = parseMessage(agentReplySchema, message.content);
    this.settle(id, parsed.ok ? { kind: 'reply', reply: parsed.value } : { kind: 'reply', reply: { type: 'error', reason: `invalid reply: ${parsed.reason}` } });
  }
}
