import { IngestMetrics } from '../../../src/metrics/ingest-metrics';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';

/** IngestMetrics: the consumer's own gauges exist only in a process that consumes. */
describe('the ingest metrics', () => {
  it('export no consumer gauge until the process starts consuming (serve-only processes report no consumer down)', async () => {
    const registry = new MetricsRegistry();
    const metrics = new IngestMetrics(registry);
    expect(await registry.text()).not.toMatch(/mymonit_ingest_(consumer_connected|prefetch|queue_messages_ready)/);
    expect(await registry.text()).toMatch(/^mymonit_ingest_messages_received_total 0$/m);
    metrics.consuming();
    metrics.consuming();
    expect(await registry.text()).toMatch(/^mymonit_ingest_consumer_connected 0$/m);
  });

  it('read the queue backlog at scrape time and keep the last figure while it is unknown', async () => {
    const registry = new MetricsRegistry();
    const metrics = new IngestMetrics(registry);
    metrics.consuming();
    let ready: number | undefined = 42;
    metrics.probeQueueWith(() => Promise.resolve(ready));
    expect(await registry.text()).toMatch(/^mymonit_ingest_queue_messages_ready 42$/m);
    ready = undefined;
    expect(await registry.text()).toMatch(/^mymonit_ingest_queue_messages_ready 42$/m);
    ready = 7;
    expect(await registry.text()).toMatch(/^mymonit_ingest_queue_messages_ready 7$/m);
  });
});
