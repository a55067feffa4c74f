import type { ConsumeMessage } from 'amqplib';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { isUnreachable, waitOrProbe } from '../../lib/amqp/broker-probe';
import { permanentConnectFailure } from '../../lib/amqp/connect-failure';
import { backoffDelay } from '../../lib/amqp/backoff';
import { received } from './ingest-pipeline';
import type { Disposition } from './message-processor';
import type { PolicyEventProcessor } from './policy-event-processor';
import { parsePolicyMessage } from './policy-message-parser';
import { redactedUrl, type RabbitConnector, type RabbitSession } from './rabbit-connector';
import { describeError } from './storage-failure';
import { declarePolicyTopology } from './topology';

const RECONNECT_INITIAL_MS = 250;

interface Consumption {
  readonly session: RabbitSession;
  /** Aborts when the session is lost or the listener stops: what has not started goes back to the queue. */
  readonly stop: AbortController;
  consumerTag?: string;
  /** The last delivery of each policy in progress: a policy's messages are ingested one after the other, in order. */
  readonly chains: Map<number, Promise<void>>;
  readonly inFlight: Set<Promise<void>>;
}

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * PolicyEventListener consumes the policy events queue (RABBIT_POLICY_QUEUE, bound to the exchange with
 * RABBIT_POLICY_ROUTING_KEY). Order matters to a monitor (a smaller timestamp is refused), so the queue has a
 * single active consumer across processes, and within the consumer the messages of one policy are ingested
 * one at a time, in delivery order; different policies proceed side by side up to the prefetch. Each delivery
 * is acked on its own, after its ingest committed (or its rejection was stored).
 */
@injectable()
export class PolicyEventListener {
  private state: State = 'idle';
  private current: Consumption | undefined;
  private opening: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly shutdown = new AbortController();
  /** Every consumption not yet drained (the current one, and a lost one still finishing its ingest). */
  private readonly draining = new Set<Promise<void>>();
  private readonly logger: Logger;

  constructor(
    @inject(TYPES.RabbitConnector) private readonly connector: RabbitConnector,
    @inject(TYPES.PolicyEventProcessor) private readonly processor: Pick<PolicyEventProcessor, 'process' | 'enabled'>,
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'amqp-policy-listener' });
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`PolicyEventListener cannot start: it is ${this.state}`);
    if (!this.processor.enabled) {
      this.logger.warn('no policy event ingest is bound: not consuming policy events');
      return;
    }
    this.state = 'running';
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
    this.logger.info('consuming policy events', { queue: this.config.rabbit.policy.queue, routingKey: this.config.rabbit.policy.routingKey });
  }

  isConnected(): boolean {
    return this.state === 'running' && this.current !== undefined;
  }

  /** Stops taking deliveries, lets the ingests in progress commit and be acked, hands back the rest. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopGracefully();
    return this.stopping;
  }

  private async stopGracefully(): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.shutdown.abort();
    const timeoutMs = this.config.shutdownTimeoutMs;
    if (this.opening) await settlesWithin(this.opening, timeoutMs);
    const consumption = this.current;
    this.current = undefined;
    if (consumption?.consumerTag) {
      await consumption.session.channel.cancel(consumption.consumerTag).catch((error: unknown) => {
        this.logger.warn('stop: could not cancel the consumer', { error: describeError(error) });
      });
    }
    consumption?.stop.abort();
    if (!(await settlesWithin(Promise.all([...this.draining]), timeoutMs))) {
      this.logger.warn('stop: an ingest in progress did not settle in time; the broker will redeliver its message', { timeoutMs });
    }
    await consumption?.session.close();
    this.state = 'stopped';
    this.logger.info('stopped consuming policy events');
  }

  private async open(): Promise<void> {
    const session = await this.connector.connect();
    const consumption: Consumption = { session, stop: new AbortController(), chains: new Map(), inFlight: new Set() };
    try {
      const { channel } = session;
      await declarePolicyTopology(channel, this.config.rabbit);
      await channel.prefetch(this.config.rabbit.policy.prefetch);
      this.current = consumption;
      const { consumerTag } = await channel.consume(this.config.rabbit.policy.queue, (delivery) => this.receive(consumption, delivery), {
        noAck: false,
      });
      consumption.consumerTag = consumerTag;
    } catch (error) {
      await this.abandon(consumption);
      throw error;
    }
    if (this.shutdown.signal.aborted) {
      await this.abandon(consumption);
      return;
    }
    const drained = new Promise<void>((resolve) => consumption.stop.signal.addEventListener('abort', () => resolve(), { once: true })).then(() =>
      Promise.all([...consumption.inFlight]).then(() => undefined),
    );
    this.draining.add(drained);
    void drained.then(() => this.draining.delete(drained));
    session.onClose((cause) => this.lost(consumption, cause));
  }

  private async abandon(consumption: Consumption): Promise<void> {
    if (this.current === consumption) this.current = undefined;
    consumption.stop.abort();
    await consumption.session.close();
  }

  private receive(consumption: Consumption, delivery: ConsumeMessage | null): void {
    if (delivery === null) {
      this.lost(consumption, new Error('the broker cancelled the consumer'));
      return;
    }
    // Its channel is going: the broker redelivers it.
    if (consumption.stop.signal.aborted) return;
    const message = received(delivery);
    const parsed = parsePolicyMessage(message.body, this.config.rabbit.maxMessageBytes);
    const key = parsed.kind === 'events' ? parsed.policyId : 0;
    const previous = consumption.chains.get(key) ?? Promise.resolve();
    const done: Promise<void> = previous
      .then(() => this.processor.process(message, parsed, consumption.stop.signal))
      .catch((error: unknown) => {
        // The processor settles every outcome itself; a throw is a bug. The broker keeps the message.
        this.logger.error('processing policy events failed unexpectedly; the message goes back to the queue', { error: describeError(error) });
        return 'requeue' as const;
      })
      .then((disposition) => this.settle(consumption, delivery, disposition))
      .finally(() => {
        consumption.inFlight.delete(done);
        if (consumption.chains.get(key) === done) consumption.chains.delete(key);
      });
    consumption.chains.set(key, done);
    consumption.inFlight.add(done);
  }

  private settle(consumption: Consumption, delivery: ConsumeMessage, disposition: Disposition): void {
    const { channel } = consumption.session;
    try {
      if (disposition === 'ack') channel.ack(delivery);
      else channel.nack(delivery, false, disposition === 'requeue');
    } catch (error) {
      this.logger.warn('could not settle a policy events message; the broker will redeliver it', { error: describeError(error) });
    }
  }

  private lost(consumption: Consumption, cause: Error): void {
    if (this.current !== consumption) return;
    this.current = undefined;
    consumption.stop.abort();
    void consumption.session.close();
    if (this.state !== 'running') return;
    this.logger.warn('lost the RabbitMQ connection of the policy events; reconnecting', { error: cause.message });
    this.opening = this.reconnect();
  }

  private async reconnect(): Promise<void> {
    let unreachable = true;
    for (let attempt = 0; this.state === 'running'; attempt++) {
      const delay = backoffDelay(attempt, RECONNECT_INITIAL_MS, this.config.rabbit.reconnectMaxMs);
      const probe = unreachable && this.connector.reachable ? () => this.connector.reachable?.() ?? Promise.resolve(false) : undefined;
      if (!(await waitOrProbe(delay, this.shutdown.signal, probe))) return;
      try {
        await this.open();
        this.logger.info('reconnected to RabbitMQ (policy events)', { attempts: attempt + 1 });
        return;
      } catch (error) {
        unreachable = isUnreachable(error);
        this.logger.warn('could not reconnect to RabbitMQ (policy events)', { attempt: attempt + 1, error: describeError(error) });
      }
    }
  }
}

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
