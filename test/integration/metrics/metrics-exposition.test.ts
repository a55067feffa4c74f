import type { AddressInfo } from 'node:net';
import { MetricsServer } from '../../../src/metrics/metrics-server';
import { startPlatform, type TestPlatform } from '../../support/platform';
import { promtool } from '../../support/promtool';

/** /metrics of a running platform, as Prometheus, promtool and the usual dashboards read it. */
describe('the metrics a running platform exports', () => {
  let platform: TestPlatform;
  let serveOnly: TestPlatform;
  let metricsServer: MetricsServer | undefined;

  beforeAll(async () => {
    platform = await startPlatform({ consume: true, env: { METRICS_PORT: '0' } });
    serveOnly = await startPlatform();
  });
  afterAll(async () => {
    await metricsServer?.stop();
    await platform?.stop();
    await serveOnly?.stop();
  });

  const scrape = async (baseUrl: string) => (await fetch(`${baseUrl}/metrics`)).text();

  it('pass `promtool check metrics` with no finding (no gauge named like a counter, no bad name)', async () => {
    const text = await scrape(platform.baseUrl);
    const result = promtool(['check', 'metrics'], text);
    console.log(`promtool check metrics: exit ${result.status}, output: ${JSON.stringify(result.output)}`);
    expect(result).toEqual({ status: 0, output: '' });
  });

  it('name the default process metrics process_* and nodejs_*, as every Node.js dashboard expects', async () => {
    const text = await scrape(platform.baseUrl);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).not.toMatch(/mymonit_process_/);
  });

  it('export mymonit_build_info 1 with the version, the Node.js version and the revision', async () => {
    const text = await scrape(platform.baseUrl);
    expect(text).toContain(`mymonit_build_info{version="0.1.0",node_version="${process.version}",revision=""} 1`);
  });

  it('a process that consumes exports consumer_connected 1; a serve-only process does not export it at all', async () => {
    expect(await scrape(platform.baseUrl)).toMatch(/^mymonit_ingest_consumer_connected 1$/m);
    const served = await scrape(serveOnly.baseUrl);
    expect(served).toMatch(/^mymonit_build_info/m);
    expect(served).not.toMatch(/mymonit_ingest_consumer_connected/);
    expect(served).not.toMatch(/mymonit_ingest_prefetch/);
  });

  it('the metrics port answers /health/live and /health/ready like the REST listener, and /metrics', async () => {
    metricsServer = platform.container.get(MetricsServer);
    const address = (await metricsServer.start()) as AddressInfo;
    const base = `http://127.0.0.1:${address.port}`;
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { mysql: 'ok', rabbitmq: 'ok' } });
    expect(await scrape(base)).toMatch(/^mymonit_ingest_consumer_connected 1$/m);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});
