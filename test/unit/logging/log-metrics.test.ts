import type { LogShippingStats } from '../../../src/logging/log-shipping';
import { LogMetrics } from '../../../src/metrics/log-metrics';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';

/** LogMetrics: the transport's plain counts become Prometheus series at scrape time. */
describe('the log shipping metrics', () => {
  it('exposes drops by kind, sent events, the queue and its capacity, and counters only grow by what happened', async () => {
    const stats: LogShippingStats = { enabled: true, capacity: 100, queued: 3, sent: 10, dropped: { app: 4, audit: 1 } };
    const registry = new MetricsRegistry();
    new LogMetrics(registry, { stats: () => stats });
    const scrape = async (name: string) => (await registry.registry.getSingleMetric(name)?.get())?.values ?? [];

    expect(await scrape('mymonit_log_shipping_dropped_total')).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { kind: 'app' }, value: 4 }), expect.objectContaining({ labels: { kind: 'audit' }, value: 1 })]),
    );
    stats.dropped = { app: 6, audit: 1 };
    stats.sent = 15;
    stats.queued = 0;
    const text = await registry.text();
    expect(text).toContain('mymonit_log_shipping_dropped_total{kind="app"} 6');
    expect(text).toContain('mymonit_log_shipping_dropped_total{kind="audit"} 1');
    expect(text).toContain('mymonit_log_shipping_sent_total 15');
    expect(text).toContain('mymonit_log_shipping_queued 0');
    expect(text).toContain('mymonit_log_shipping_capacity 100');
  });
});
