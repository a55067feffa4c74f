import type { ConsumeMessage } from 'amqplib';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import type { HealthCheck, ReceivedMessage } from '../services/contracts';
import { backoffDelay, sleep } from './backoff';
import type { Disposition, MessageProcessor } from './message-processor';
import { redactedUrl, type RabbitConnector, type RabbitSession } from './rabbit-connector';
import { describeError } from './storage-failure';
import { declareTopology } from './topology';

/** First reconnect delay after a lost connection; it doubles up to RABBIT_RECONNECT_MAX_MS. */
const RECONNECT_INITIAL_MS = 250;

/** One session's consumer; `stop` aborts when the session is lost or the listener stops. */
interface Consumption {
  readonly session: RabbitSession;
  readonly stop: AbortController;
  consumerTag?: string;
}

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * RabbitListener consumes the measures queue: it declares the topology, hands each delivery to the
 * MessageProcessor in arrival order, acks only what is settled, and reconnects until it is stopped.
 * It also provides the 'rabbitmq' readiness check (bind it as a singleton, so the check sees this consumer).
 */
@injectable()
export class RabbitListener {
  private state: State = 'idle';
  private current: Consumption | undefined;
  /**
   * Deliveries are processed one at a time, in arrival order, across reconnects too: a redelivery never
   * races the attempt it replaces. Batching will replace this chain; handle() is the seam.
   */
  private tail: Promise<void> = Promise.resolve();
  /** The initial connect or the reconnect loop in progress; stop() waits for it. */
  private opening: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly shutdown = new AbortController();
  private readonly logger: Logger;

  constructor(
    @inject(TYPES.RabbitConnector) private readonly connector: RabbitConnector,
    @inject(TYPES.MessageProcessor) private readonly processor: Pick<MessageProcessor, 'process'>,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'amqp-listener' });
  }

  /**
   * Connects, declares the topology and starts consuming. Fails when the first connection fails (a wrong
   * URL or an inequivalent queue declaration is reported at start-up, not retried forever); once started,
   * every loss is followed by reconnection.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`RabbitListener cannot start: it is ${this.state}`);
    this.state = 'running';
    const opening = this.open();
    this.opening = opening;
    try {
      await opening;
    } catch (error) {
      if (this.state === 'running') this.state = 'idle';
      throw new Error(`RabbitMQ at ${redactedUrl(this.config.rabbit.url)}: ${describeError(error)}`, {
        cause: error,
      });
    }
    if (this.isConnected()) {
      this.logger.info('consuming', { queue: this.config.rabbit.queue, queueType: this.config.rabbit.queueType });
    }
  }

  /**
   * Stops taking deliveries, lets the one in progress settle (at most SHUTDOWN_TIMEOUT_MS; a message still
   * waiting for storage is handed back to the queue), then closes channel and connection. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopGracefully();
    return this.stopping;
  }

  isConnected(): boolean {
    return this.state === 'running' && this.current !== undefined;
  }

  /**
   * The 'rabbitmq' readiness check. A listener that was never started passes: a `serve`-only process does
   * not consume, and its readiness must not depend on a consumer it does not run.
   */
  healthCheck(): HealthCheck {
    return {
      name: 'rabbitmq',
      check: async () => {
        if (this.state === 'idle' || this.isConnected()) return;
        throw new Error(this.state === 'running' ? 'not connected to RabbitMQ; reconnecting' : `consumer ${this.state}`);
      },
    };
  }

  private async stopGracefully(): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.shutdown.abort();
    const timeoutMs = this.config.shutdownTimeoutMs;
    if (this.opening && !(await settlesWithin(this.opening, timeoutMs))) {
      this.logger.warn('stop: still connecting after the shutdown timeout; giving up on it', { timeoutMs });
    }
    const consumption = this.current;
    this.current = undefined;
    if (consumption?.consumerTag) {
      await consumption.session.channel.cancel(consumption.consumerTag).catch((error: unknown) => {
        this.logger.warn('stop: could not cancel the consumer', { error: describeError(error) });
      });
    }
    consumption?.stop.abort();
    if (!(await settlesWithin(this.tail, timeoutMs))) {
      this.logger.warn('stop: the message in progress did not settle in time; the broker will redeliver it', {
        timeoutMs,
      });
    }
    await consumption?.session.close();
    this.state = 'stopped';
    this.logger.info('stopped consuming');
  }

  private async open(): Promise<void> {
    const session = await this.connector.connect();
    const consumption: Consumption = { session, stop: new AbortController() };
    try {
      const { channel } = session;
      await declareTopology(channel, this.config.rabbit);
      await channel.prefetch(this.config.rabbit.prefetch);
      this.current = consumption;
      const { consumerTag } = await channel.consume(
        this.config.rabbit.queue,
        (delivery) => this.receive(consumption, delivery),
        { noAck: false },
      );
      consumption.consumerTag = consumerTag;
    } catch (error) {
      await this.abandon(consumption);
      throw error;
    }
    // stop() came while this was connecting and has already taken stock: this consumer is not wanted.
    if (this.shutdown.signal.aborted) {
      await this.abandon(consumption);
      return;
    }
    // Registered once consuming: a loss before this point made open() fail, and its caller retries.
    session.onClose((cause) => this.lost(consumption, cause));
  }

  private async abandon(consumption: Consumption): Promise<void> {
    if (this.current === consumption) this.current = undefined;
    consumption.stop.abort();
    await consumption.session.close();
  }

  private receive(consumption: Consumption, delivery: ConsumeMessage | null): void {
    if (delivery === null) {
      // The broker cancelled the consumer (the queue was deleted, or a quorum queue lost its leader).
      this.lost(consumption, new Error('the broker cancelled the consumer'));
      return;
    }
    this.tail = this.tail.then(() => this.handle(consumption, delivery));
  }

  private async handle(consumption: Consumption, delivery: ConsumeMessage): Promise<void> {
    // Its channel is gone or closing: the broker redelivers the message, to this consumer or another.
    if (consumption.stop.signal.aborted) return;
    let disposition: Disposition;
    try {
      disposition = await this.processor.process(received(delivery), consumption.stop.signal);
    } catch (error) {
      // The processor settles every storage outcome itself; a throw is a bug, and requeueing would loop.
      this.logger.error('processing failed unexpectedly; dead-lettering the message', {
        messageId: received(delivery).messageId,
        error: describeError(error),
      });
      disposition = 'dead-letter';
    }
    this.settle(consumption, delivery, disposition);
  }

  private settle(consumption: Consumption, delivery: ConsumeMessage, disposition: Disposition): void {
    const { channel } = consumption.session;
    try {
      if (disposition === 'ack') channel.ack(delivery);
      else channel.nack(delivery, false, disposition === 'requeue');
    } catch (error) {
      // The channel closed meanwhile; the broker redelivers the message and storage keeps (series, ts) once.
      this.logger.warn('could not settle the message; the broker will redeliver it', {
        messageId: received(delivery).messageId,
        disposition,
        error: describeError(error),
      });
      return;
    }
    if (disposition === 'dead-letter') {
      this.logger.warn('message dead-lettered', {
        messageId: received(delivery).messageId,
        deadLetterQueue: this.config.rabbit.deadLetterQueue,
      });
    }
  }

  private lost(consumption: Consumption, cause: Error): void {
    if (this.current !== consumption) return;
    this.current = undefined;
    consumption.stop.abort();
    void consumption.session.close();
    if (this.state !== 'running') return;
    this.logger.warn('lost the RabbitMQ connection; reconnecting', { error: cause.message });
    this.opening = this.reconnect();
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; this.state === 'running'; attempt++) {
      const delay = backoffDelay(attempt, RECONNECT_INITIAL_MS, this.config.rabbit.reconnectMaxMs);
      if (!(await sleep(delay, this.shutdown.signal))) return;
      try {
        await this.open();
        this.logger.info('reconnected to RabbitMQ', { attempts: attempt + 1 });
        return;
      } catch (error) {
        this.logger.warn('could not reconnect to RabbitMQ', { attempt: attempt + 1, error: describeError(error) });
      }
    }
  }
}

function received(delivery: ConsumeMessage): ReceivedMessage {
  const { messageId, contentType } = delivery.properties as { messageId?: unknown; contentType?: unknown };
  return {
    body: delivery.content,
    messageId: typeof messageId === 'string' ? messageId : null,
    routingKey: delivery.fields.routingKey || null,
    contentType: typeof contentType === 'string' ? contentType : null,
  };
}

/** True when the promise settles within ms; never rejects. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
