import type { ConsumeMessage } from 'amqplib';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { IngestMetrics } from '../metrics/ingest-metrics';
import type { HealthCheck } from '../services/contracts';
import { isUnreachable, waitOrProbe } from '../../lib/amqp/broker-probe';
import { permanentConnectFailure } from '../../lib/amqp/connect-failure';
import { backoffDelay } from '../../lib/amqp/backoff';
import { CommitSlots } from './commit-slots';
import { IngestPipeline, type BatchLimits, type SettleChannel } from './ingest-pipeline';
import { PrefetchSizer } from './prefetch-sizer';
import type { MessageProcessor } from './message-processor';
import { redactedUrl, type RabbitConnector, type RabbitSession } from './rabbit-connector';
import { describeError } from './storage-failure';
import { declareTopology } from './topology';

/** First reconnect delay after a lost connection; it doubles up to RABBIT_RECONNECT_MAX_MS. */
const RECONNECT_INITIAL_MS = 250;
/** How long a scrape waits for the queue's depth before reporting the last one. */
const QUEUE_PROBE_TIMEOUT_MS = 1000;

/** One session's consumer; `stop` aborts when the session is lost or the listener stops. */
interface Consumption {
  readonly session: RabbitSession;
  readonly stop: AbortController;
  readonly pipeline: IngestPipeline;
  consumerTag?: string;
  /** A change of prefetch in progress (a new consumer replacing the current one); stop() waits for it. */
  resizing?: Promise<void>;
}

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * RabbitListener consumes the measures queue: it declares the topology, feeds each channel's deliveries to
 * an IngestPipeline (batches committed in arrival order, acked after their commit), and reconnects until it
 * is stopped. It also provides the 'rabbitmq' readiness check (bind it as a singleton, so the check sees
 * this consumer).
 */
@injectable()
export class RabbitListener {
  private state: State = 'idle';
  private current: Consumption | undefined;
  /** Shared by every session: after a reconnect, redelivered batches queue behind the commits still running. */
  private readonly commits: CommitSlots;
  /** The pipelines not yet finished (the current one, and a lost one still committing its last batch). */
  private readonly pipelines = new Set<IngestPipeline>();
  private readonly sizer: PrefetchSizer;
  /** The initial connect or the reconnect loop in progress; stop() waits for it. */
  private opening: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly shutdown = new AbortController();
  private readonly logger: Logger;

  constructor(
    @inject(TYPES.RabbitConnector) private readonly connector: RabbitConnector,
    @inject(TYPES.MessageProcessor) private readonly processor: Pick<MessageProcessor, 'prepare' | 'prepareBatch' | 'commitBatch' | 'countReceived'>,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
    @inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {
    this.logger = logger.child({ component: 'amqp-listener' });
    this.commits = new CommitSlots(config.ingest.concurrency);
    this.sizer = new PrefetchSizer(config.rabbit.prefetch, config.ingest.bufferBytes, config.ingest.concurrency + 2);
  }

  private batchLimits(prefetch: number): BatchLimits {
    return {
      measures: this.config.ingest.batchSize,
      messages: this.messagesPerBatch(prefetch),
      lingerMs: this.config.ingest.lingerMs,
    };
  }

  /**
   * A batch holds a share of the prefetch: the batches committing, the one prepared behind them and the one
   * filling, so that the broker never waits for an ack to fill a batch.
   */
  private messagesPerBatch(prefetch: number): number {
    return Math.max(1, Math.floor(prefetch / (this.config.ingest.concurrency + 2)));
  }

  /**
   * Connects, declares the topology and starts consuming. Fails when the first connection fails (a wrong
   * URL or an inequivalent queue declaration is reported at start-up, not retried forever); once started,
   * every loss is followed by reconnection.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`RabbitListener cannot start: it is ${this.state}`);
    this.state = 'running';
    this.metrics.consuming();
    this.metrics.probeQueueWith(() => this.queueReady());
    const opening = this.open();
    this.opening = opening;
    try {
      await opening;
    } catch (error) {
      if (this.state === 'running') this.state = 'idle';
      const permanent = permanentConnectFailure(error);
      const reason = permanent ? `cannot connect, not retrying: ${permanent}` : describeError(error);
      throw new Error(`RabbitMQ at ${redactedUrl(this.config.rabbit.url)}: ${reason}`, { cause: error });
    }
    if (this.isConnected()) {
      this.logger.info('consuming', {
        queue: this.config.rabbit.queue,
        queueType: this.config.rabbit.queueType,
        prefetch: this.sizer.prefetch,
        batch: this.batchLimits(this.sizer.prefetch),
      });
    }
  }

  /**
   * Stops taking deliveries, lets the batch being committed finish and be acked (at most
   * SHUTDOWN_TIMEOUT_MS; a batch still waiting for storage is handed back), hands back what was received but
   * not committed, then closes channel and connection. Idempotent.
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

  /** Messages ready in the queue, by a passive declare on the consuming channel; undefined when unknown. */
  private async queueReady(): Promise<number | undefined> {
    const channel = this.current?.session.channel;
    if (!channel) return undefined;
    const reply = channel.checkQueue(this.config.rabbit.queue).then(
      ({ messageCount }) => messageCount,
      () => undefined,
    );
    // A scrape must not hang on a broker that stopped answering.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), QUEUE_PROBE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([reply, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
    await consumption?.resizing;
    if (consumption?.consumerTag) {
      await consumption.session.channel.cancel(consumption.consumerTag).catch((error: unknown) => {
        this.logger.warn('stop: could not cancel the consumer', { error: describeError(error) });
      });
    }
    consumption?.stop.abort();
    const pipelines = Promise.all([...this.pipelines].map((pipeline) => pipeline.finished));
    if (!(await settlesWithin(pipelines, timeoutMs))) {
      this.logger.warn('stop: the batch in progress did not settle in time; the broker will redeliver it', {
        timeoutMs,
      });
    }
    await consumption?.session.close();
    this.state = 'stopped';
    this.metrics.consumerConnected.set(0);
    this.logger.info('stopped consuming');
  }

  private async open(): Promise<void> {
    const session = await this.connector.connect();
    const stop = new AbortController();
    const limits = this.batchLimits(this.sizer.prefetch);
    const pipeline = new IngestPipeline(this.processor, settling(session.channel), this.commits, limits, stop.signal, this.logger);
    this.pipelines.add(pipeline);
    void pipeline.finished.then(() => this.pipelines.delete(pipeline));
    const consumption: Consumption = { session, stop, pipeline };
    try {
      const { channel } = session;
      await declareTopology(channel, this.config.rabbit);
      // Bounded: at most this many unacked messages are held, in the broker's accounting and in memory.
      await channel.prefetch(this.sizer.prefetch);
      this.metrics.prefetch.set(this.sizer.prefetch);
      this.current = consumption;
      consumption.consumerTag = await this.consume(consumption);
    } catch (error) {
      await this.abandon(consumption);
      throw error;
    }
    // stop() came while this was connecting and has already taken stock: this consumer is not wanted.
    if (this.shutdown.signal.aborted) {
      await this.abandon(consumption);
      return;
    }
    this.metrics.consumerConnected.set(1);
    // Registered once consuming: a loss before this point made open() fail, and its caller retries.
    session.onClose((cause) => this.lost(consumption, cause));
  }

  private async abandon(consumption: Consumption): Promise<void> {
    if (this.current === consumption) this.current = undefined;
    consumption.stop.abort();
    await consumption.session.close();
  }

  private async consume(consumption: Consumption): Promise<string> {
    const { consumerTag } = await consumption.session.channel.consume(
      this.config.rabbit.queue,
      (delivery) => this.receive(consumption, delivery),
      { noAck: false },
    );
    return consumerTag;
  }

  private receive(consumption: Consumption, delivery: ConsumeMessage | null): void {
    if (delivery === null) {
      // The broker cancelled the consumer (the queue was deleted, or a quorum queue lost its leader).
      this.lost(consumption, new Error('the broker cancelled the consumer'));
      return;
    }
    // Its channel is gone or closing: the broker redelivers the message, to this consumer or another.
    if (consumption.stop.signal.aborted) return;
    consumption.pipeline.add(delivery);
    const prefetch = this.sizer.observe(delivery.content.length);
    if (prefetch !== undefined && !consumption.resizing) {
      consumption.resizing = this.resize(consumption, prefetch).finally(() => (consumption.resizing = undefined));
    }
  }

  /**
   * RabbitMQ applies a prefetch to the consumers started after it: a new consumer with the new prefetch
   * replaces the current one on the same channel. The old one's unacked deliveries stay on the channel and
   * are acked as usual (delivery tags are the channel's), and the pipeline takes both in arrival order.
   */
  private async resize(consumption: Consumption, prefetch: number): Promise<void> {
    const { channel } = consumption.session;
    try {
      await channel.prefetch(prefetch);
      if (consumption.stop.signal.aborted) return;
      const replaced = consumption.consumerTag;
      consumption.consumerTag = await this.consume(consumption);
      const messagesPerBatch = this.messagesPerBatch(prefetch);
      consumption.pipeline.setMessageLimit(messagesPerBatch);
      this.metrics.prefetch.set(prefetch);
      if (replaced) await channel.cancel(replaced);
      this.logger.info('prefetch resized to the messages\' size', { prefetch, messagesPerBatch });
    } catch (error) {
      // The channel is closing: the session's loss is handled by lost(); the next session starts afresh.
      this.logger.warn('could not resize the prefetch', { prefetch, error: describeError(error) });
    }
  }

  private lost(consumption: Consumption, cause: Error): void {
    if (this.current !== consumption) return;
    this.current = undefined;
    this.metrics.consumerConnected.set(0);
    consumption.stop.abort();
    void consumption.session.close();
    if (this.state !== 'running') return;
    this.logger.warn('lost the RabbitMQ connection; reconnecting', { error: cause.message });
    this.opening = this.reconnect();
  }

  /**
   * Retries with backoff up to RABBIT_RECONNECT_MAX_MS. While the broker's port refused connections, a TCP
   * probe every second ends the wait as soon as it accepts: the consumer is back within a second or two of
   * the broker, not after the rest of a 30 s backoff. A failure after the port answered (the broker still
   * starting, credentials refused) waits out its backoff, so that it never becomes a tight loop.
   */
  private async reconnect(): Promise<void> {
    let unreachable = true;
    for (let attempt = 0; this.state === 'running'; attempt++) {
      const delay = backoffDelay(attempt, RECONNECT_INITIAL_MS, this.config.rabbit.reconnectMaxMs);
      const probe = unreachable && this.connector.reachable ? () => this.connector.reachable?.() ?? Promise.resolve(false) : undefined;
      if (!(await waitOrProbe(delay, this.shutdown.signal, probe))) return;
      try {
        await this.open();
        this.logger.info('reconnected to RabbitMQ', { attempts: attempt + 1 });
        return;
      } catch (error) {
        unreachable = isUnreachable(error);
        const permanent = permanentConnectFailure(error);
        // Kept retrying (an operator may fix the broker's side), but said loudly: it will not pass by itself.
        if (permanent) this.logger.error('could not reconnect to RabbitMQ', { attempt: attempt + 1, error: permanent });
        else this.logger.warn('could not reconnect to RabbitMQ', { attempt: attempt + 1, error: describeError(error) });
      }
    }
  }
}

/** The channel's ack and nack for deliveries the pipeline keeps only the fields of: amqplib reads fields.deliveryTag alone. */
function settling(channel: RabbitSession['channel']): SettleChannel {
  return {
    ack: (message, allUpTo) => channel.ack(message as ConsumeMessage, allUpTo),
    nack: (message, allUpTo, requeue) => channel.nack(message as ConsumeMessage, allUpTo, requeue),
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
