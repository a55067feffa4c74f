import type { AddressInfo } from 'node:net';
import { MetricsServer } from '../../../src/metrics/metrics-server';
import { startPlatform, type TestPlatform } from '../../support/platform';
import { promtool } from '../../support/promtool';

/**
 * /metrics of a running platform, as Prometheus, promtool and the usual dashboards read it. `consumer` is
 * a REST + consumer process with METRICS_PORT set (the k8s and compose set-up); `serveOnly` a REST process
 * without it.
 */
describe('the metrics a running platform exports', () => {
  let consumer: TestPlatform;
  let serveOnly: TestPlatform;
  let metricsServer: MetricsServer;
  let metricsBase: string;

  beforeAll(async () => {
    consumer = await startPlatform({ consume: true, env: { METRICS_PORT: '0' } });
    metricsServer = consumer.container.get(MetricsServer);
    const address = (await metricsServer.start()) as AddressInfo;
    metricsBase = `http://127.0.0.1:${address.port}`;
    serveOnly = await startPlatform();
  });
  afterAll(async () => {
    await metricsServer?.stop();
    await consumer?.stop();
    await serveOnly?.stop();
  });

  const scrape = async (baseUrl: string) => {
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('pass `promtool check metrics` with no finding (no gauge named like a counter, no bad name)', async () => {
    for (const base of [metricsBase, serveOnly.baseUrl]) {
      const result = promtool(['check', 'metrics'], await scrape(base));
      console.log(`promtool check metrics < ${base}/metrics: exit ${result.status}, output: ${JSON.stringify(result.output)}`);
      expect(result).toEqual({ status: 0, output: '' });
    }
  });

  it('name the default process metrics process_* and nodejs_*, as every Node.js dashboard expects', async () => {
    const text = await scrape(serveOnly.baseUrl);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).not.toMatch(/mymonit_process_/);
  });

  it('export mymonit_build_info 1 with the version, the Node.js version and the revision', async () => {
    const text = await scrape(serveOnly.baseUrl);
    expect(text).toContain(`mymonit_build_info{version="0.1.0",node_version="${process.version}",revision=""} 1`);
  });

  it('a process that consumes exports consumer_connected 1 and the queue backlog; a serve-only process exports neither', async () => {
    const consuming = await scrape(metricsBase);
    expect(consuming).toMatch(/^mymonit_ingest_consumer_connected 1$/m);
    expect(consuming).toMatch(/^mymonit_ingest_queue_messages_ready \d+$/m);
    const served = await scrape(serveOnly.baseUrl);
    expect(served).toMatch(/^mymonit_build_info/m);
    expect(served).not.toMatch(/mymonit_ingest_(consumer_connected|prefetch|queue_messages_ready)/);
  });

  it('the metrics port answers /health/live and /health/ready like the REST listener', async () => {
    const live = await fetch(`${metricsBase}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${metricsBase}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { mysql: 'ok', rabbitmq: 'ok' } });
    expect((await fetch(`${metricsBase}/nothing`)).status).toBe(404);
  });

  it('with METRICS_PORT set, the REST port (what a proxy or an Ingress publishes) does not serve /metrics', async () => {
    for (const path of ['/metrics', '/Metrics', '/METRICS', '/metrics/']) {
      const response = await fetch(`${consumer.baseUrl}${path}`);
      // 404 on the public path, 401 on the spellings that are not public: never the metrics.
      expect([path, [401, 404].includes(response.status)]).toEqual([path, true]);
      expect(await response.text()).not.toMatch(/mymonit_build_info/);
    }
  });
});
