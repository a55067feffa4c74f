import { injectable } from 'inversify';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * MetricsRegistry is the process's one Prometheus registry, served at /metrics. Each component owns a
 * small metrics class (RestMetrics, IngestMetrics, ...) that registers its series here; nothing uses
 * prom-client's global registry, so two containers in one test process do not collide.
 */
@injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mymonit_process_' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
