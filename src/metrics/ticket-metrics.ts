import { inject, injectable } from 'inversify';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/** From a minute to a week, in seconds: how long incidents wait for a person and for their fix. */
const INCIDENT_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 259_200, 604_800];

/**
 * TicketMetrics: the ticket changes this process committed (summed over processes: the platform's), and
 * the time to acknowledge and to resolve of each cycle, by priority.
 */
@injectable()
export class TicketMetrics {
  readonly events: Counter<'kind'>;
  readonly timeToAcknowledge: Histogram<'priority'>;
  readonly timeToResolve: Histogram<'priority'>;

  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.events = new Counter({
      name: 'mymonit_ticket_events_total',
      help: 'Ticket changes committed, by kind (opened, acknowledged, assigned, commented, escalated, resolved, reopened, closed)',
      labelNames: ['kind'],
      registers,
    });
    this.timeToAcknowledge = new Histogram({
      name: 'mymonit_ticket_time_to_acknowledge_seconds',
      help: 'From the opening (or reopening) of a ticket to its acknowledgement, by priority',
      labelNames: ['priority'],
      buckets: INCIDENT_BUCKETS,
      registers,
    });
    this.timeToResolve = new Histogram({
      name: 'mymonit_ticket_time_to_resolve_seconds',
      help: 'From the opening (or reopening) of a ticket to its resolution (by a person or automatic), by priority',
      labelNames: ['priority'],
      buckets: INCIDENT_BUCKETS,
      registers,
    });
  }
}
