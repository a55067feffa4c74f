import { inject, injectable } from 'inversify';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/** RestMetrics: the HTTP request histogram, labelled by method, route template and status. */
@injectable()
export class RestMetrics {
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;

  constructor(@inject(MetricsRegistry) metrics: MetricsRegistry) {
    this.requestSeconds = new Histogram({
      name: 'mymonit_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
  }
}
