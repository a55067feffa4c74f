import { inject, injectable } from 'inversify';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/**
 * DispatchMetrics: what the notification dispatcher of this process does (summed over processes, the
 * platform's). Delivery attempts are counted by the delivery service; these count flushes and what they
 * decided.
 */
@injectable()
export class DispatchMetrics {
  readonly flushes: Counter<'outcome'>;
  readonly flushDelay: Histogram;
  readonly notifications: Counter<'integration'>;
  readonly alertsIngested: Counter;
  readonly rebuilds: Counter;

  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.flushes = new Counter({
      name: 'mymonit_notify_group_flushes_total',
      help: 'Aggregation group flushes by outcome: committed, failed (an integration failed: sent again at the next flush), lease_lost (another process took the group)',
      labelNames: ['outcome'],
      registers,
    });
    this.flushDelay = new Histogram({
      name: 'mymonit_notify_group_flush_delay_seconds',
      help: 'How long after it was due (group_wait, group_interval) a group flush began',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.notifications = new Counter({
      name: 'mymonit_notify_notifications_total',
      help: 'Notifications confirmed by an integration and written to the notification log, by integration kind',
      labelNames: ['integration'],
      registers,
    });
    this.alertsIngested = new Counter({
      name: 'mymonit_notify_alerts_ingested_total',
      help: 'Alert changes this process placed into aggregation groups',
      registers,
    });
    this.rebuilds = new Counter({
      name: 'mymonit_notify_group_rebuilds_total',
      help: 'Times this process rebuilt the aggregation groups for a new configuration version',
      registers,
    });
  }
}
