import { inject, injectable } from 'inversify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { REJECTION_REASONS, type RejectionReason } from '../domain/rejected-message';
import { MetricsRegistry } from './metrics-registry';

const CONSUMER_CONNECTED = 'mymonit_ingest_consumer_connected';

/**
 * IngestMetrics counts what the AMQP consumer receives, stores, rejects and finds duplicated, and times
 * its batches: the figures an operator watches to see whether ingest keeps up with the broker.
 */
@injectable()
export class IngestMetrics {
  readonly messagesReceived: Counter;
  readonly measuresStored: Counter;
  readonly measuresDuplicate: Counter;
  readonly messagesRejected: Counter<'reason'>;
  readonly measuresRejected: Counter<'reason'>;
  readonly messagesDeadLettered: Counter;
  readonly storageRetries: Counter;
  readonly batchMeasures: Histogram;
  readonly batchMessages: Histogram;
  readonly commitSeconds: Histogram;
  readonly consumerConnected: Gauge;
  readonly prefetch: Gauge;
  readonly queueReady: Gauge;
  private queueProbe: () => Promise<number | undefined> = () => Promise.resolve(undefined);
  private readonly registry: MetricsRegistry['registry'];

  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry) {
    this.registry = metrics.registry;
    const registers = [metrics.registry];
    this.messagesReceived = new Counter({
      name: 'mymonit_ingest_messages_received_total',
      help: 'Messages delivered by RabbitMQ to this consumer (redeliveries included)',
      registers,
    });
    this.measuresStored = new Counter({
      name: 'mymonit_ingest_measures_stored_total',
      help: 'Measures written to MySQL (new rows; duplicates are counted apart)',
      registers,
    });
    this.measuresDuplicate = new Counter({
      name: 'mymonit_ingest_measures_duplicate_total',
      help: 'Measures whose (series, timestamp) was already stored: redeliveries and repeated publishes',
      registers,
    });
    this.messagesRejected = new Counter({
      name: 'mymonit_ingest_messages_rejected_total',
      help: 'Rejections stored (GET /exceptions), by reason: whole messages, and messages with measures refused',
      labelNames: ['reason'],
      registers,
    });
    // Every reason exists from the first scrape, so that a dashboard shows 0 rather than no data.
    for (const reason of REJECTION_REASONS) this.messagesRejected.inc({ reason }, 0);
    this.measuresRejected = new Counter({
      name: 'mymonit_ingest_measures_rejected_total',
      help: 'Measures refused one by one (unknown experiment, schema), the others of their message being judged apart',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of ['schema-violation', 'unknown-experiment'] as const) this.measuresRejected.inc({ reason }, 0);
    this.messagesDeadLettered = new Counter({
      name: 'mymonit_ingest_messages_dead_lettered_total',
      help: 'Messages sent to the dead-letter queue because even their rejection could not be stored',
      registers,
    });
    this.storageRetries = new Counter({
      name: 'mymonit_ingest_storage_retries_total',
      help: 'Batch commits retried after a transient storage failure (MySQL down, deadlock...)',
      registers,
    });
    this.batchMeasures = new Histogram({
      name: 'mymonit_ingest_batch_measures',
      help: 'Measures per committed batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000],
      registers,
    });
    this.batchMessages = new Histogram({
      name: 'mymonit_ingest_batch_messages',
      help: 'Messages per committed batch',
      buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'mymonit_ingest_commit_duration_seconds',
      help: 'Time to store one batch in one transaction, commit included',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.consumerConnected = new Gauge({
      name: CONSUMER_CONNECTED,
      help: '1 while this process consumes the measures queue, 0 while it is disconnected from the broker',
      registers: [],
    });
    this.consumerConnected.set(0);
    this.prefetch = new Gauge({
      name: 'mymonit_ingest_prefetch',
      help: 'Unacked messages the consumer asks the broker for, sized to the messages seen (INGEST_BUFFER_BYTES)',
      registers: [],
    });
    const probe = () => this.queueProbe();
    this.queueReady = new Gauge({
      name: 'mymonit_ingest_queue_messages_ready',
      help: 'Messages waiting in the measures queue (not delivered to any consumer yet), asked of the broker at each scrape',
      registers: [],
      async collect() {
        // Unknown while disconnected: the last figure stays, and consumer_connected says why.
        const ready = await probe();
        if (ready !== undefined) this.set(ready);
      },
    });
  }

  /** What the queue gauge asks at scrape time (the listener's passive declare of its queue). */
  probeQueueWith(probe: () => Promise<number | undefined>): void {
    this.queueProbe = probe;
  }

  /**
   * Registers the consumer's own gauges, when this process starts consuming: a `serve`-only process must
   * not export `consumer_connected 0`, which an alert would read as a consumer down.
   */
  consuming(): void {
    if (this.registry.getSingleMetric(CONSUMER_CONNECTED)) return;
    this.registry.registerMetric(this.consumerConnected);
    this.registry.registerMetric(this.prefetch);
    this.registry.registerMetric(this.queueReady);
  }

  rejected(reason: RejectionReason): void {
    this.messagesRejected.inc({ reason });
  }
}
