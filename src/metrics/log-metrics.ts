import { inject, injectable } from 'inversify';
import { Counter, Gauge } from 'prom-client';
import { TYPES } from '../identifiers';
import type { LogShipping } from '../logging/log-shipping';
import { MetricsRegistry } from './metrics-registry';

/**
 * LogMetrics exposes the shipping of log events to Logstash: what waits, what was sent and what the bounded
 * queue discarded. The transport keeps plain counts (it exists before any container); they are read at
 * scrape time.
 */
@injectable()
export class LogMetrics {
  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry, @inject(TYPES.LogShipping) shipping: LogShipping) {
    const registers = [metrics.registry];
    // Counters only go up: each scrape adds what happened since the previous one.
    const reported = { sent: 0, app: 0, audit: 0 };
    const dropped = new Counter({
      name: 'mymonit_log_shipping_dropped_total',
      help: 'Log events the Logstash transport discarded because its bounded queue was full (kind: app or audit)',
      labelNames: ['kind'],
      registers,
      collect() {
        const { dropped } = shipping.stats();
        for (const kind of ['app', 'audit'] as const) {
          if (dropped[kind] > reported[kind]) this.inc({ kind }, dropped[kind] - reported[kind]);
          reported[kind] = dropped[kind];
        }
      },
    });
    // Both kinds exist from the first scrape, so that a dashboard shows 0 rather than no data.
    for (const kind of ['app', 'audit'] as const) dropped.inc({ kind }, 0);
    new Counter({
      name: 'mymonit_log_shipping_sent_total',
      help: 'Log events written to the Logstash connection',
      registers,
      collect() {
        const { sent } = shipping.stats();
        if (sent > reported.sent) this.inc(sent - reported.sent);
        reported.sent = sent;
      },
    });
    new Gauge({
      name: 'mymonit_log_shipping_queued',
      help: 'Log events waiting for Logstash',
      registers,
      collect() {
        this.set(shipping.stats().queued);
      },
    });
    new Gauge({
      name: 'mymonit_log_shipping_capacity',
      help: 'Log events the Logstash transport holds at most before it drops (0: shipping disabled)',
      registers,
      collect() {
        this.set(shipping.stats().capacity);
      },
    });
  }
}
