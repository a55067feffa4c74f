import { injectable } from 'inversify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { buildInfo } from './build-info';

/**
 * prom-client's aggregates of per-type gauges, named like counters: `promtool check metrics` refuses a
 * gauge ending in `_total`, and the per-type series (`nodejs_active_handles{type}` ...) carry the same
 * figure (sum them).
 */
const GAUGES_NAMED_LIKE_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * MetricsRegistry is the process's one Prometheus registry, served at /metrics. Each component owns a
 * small metrics class (RestMetrics, IngestMetrics, ...) that registers its series here; nothing uses
 * prom-client's global registry, so two containers in one test process do not collide.
 */
@injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    // Unprefixed: `process_*` and `nodejs_*` are the names every Node.js dashboard and alert expects.
    collectDefaultMetrics({ register: this.registry });
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) this.registry.removeSingleMetric(name);
    const info = buildInfo();
    new Gauge({
      name: 'mymonit_build_info',
      help: 'Always 1; its labels say which MyMONIT version, Node.js version and source revision this process runs',
      labelNames: ['version', 'node_version', 'revision'],
      registers: [this.registry],
    }).set({ version: info.version, node_version: info.nodeVersion, revision: info.revision }, 1);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
