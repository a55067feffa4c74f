import { inject, injectable } from 'inversify';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/**
 * NotifyMetrics: what the receivers of this process sent. Every attempt is counted by receiver,
 * integration and outcome (sent, retrying: failed and tried again, failed: given up); notifications (one
 * per integration and flush, whatever the number of attempts) by their final outcome (delivered, failed).
 * Receiver names come from the configuration, so their number is bounded by it.
 */
@injectable()
export class NotifyMetrics {
  readonly attempts: Counter<'receiver' | 'integration' | 'outcome'>;
  readonly notifications: Counter<'receiver' | 'integration' | 'outcome'>;
  readonly attemptDuration: Histogram<'integration'>;

  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.attempts = new Counter({
      name: 'mymonit_notification_attempts_total',
      help: 'Delivery attempts of notifications, by receiver, integration (webhook, email, amqp, ticket) and outcome (sent, retrying, failed)',
      labelNames: ['receiver', 'integration', 'outcome'],
      registers,
    });
    this.notifications = new Counter({
      name: 'mymonit_notifications_total',
      help: 'Notifications handed to an integration, by receiver, integration and final outcome (delivered, or failed after its last attempt)',
      labelNames: ['receiver', 'integration', 'outcome'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'mymonit_notification_attempt_duration_seconds',
      help: 'Time one delivery attempt took, by integration',
      labelNames: ['integration'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }
}
