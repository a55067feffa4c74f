import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadProbeAdapterConfig } from '../../../adapters/probe/config';
import { Prober } from '../../../adapters/probe/prober';
import { testConfig } from '../../support/real-services';
import { eventually } from '../../support/eventually';
import { createTestBroker, type TestBroker } from './broker';
import { brokerEnv, runInProcess, tempDir } from '../../support/adapters';

describe('probe adapter against the real RabbitMQ', () => {
  let broker: TestBroker;
  let tmp: ReturnType<typeof tempDir>;
  let web: http.Server;
  let webUrl: string;
  beforeAll(async () => {
    broker = await createTestBroker('probeadapter');
    tmp = tempDir('probe-adapter');
    web = http.createServer((req, res) => {
      res.statusCode = req.url === '/health' ? 200 : 503;
      res.end(req.url === '/health' ? 'storage ok' : 'down');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => web.close(() => resolve()));
    web.closeAllConnections();
    await closed;
    await broker.cleanup();
    tmp.remove();
  });

  const start = (probe: Record<string, unknown>, once: boolean) => {
    const config = tmp.yaml('probe.yaml', { experiment: 'EXP-OPS', probe });
    return runInProcess({
      adapter: 'probe',
      loadConfig: () => loadProbeAdapterConfig({ file: config, env: brokerEnv(broker) }),
      createJob: (c, publisher, logger) => new Prober(c, publisher, logger, once),
    });
  };

  it('runs HTTP, TCP and DNS checks and publishes success, latency and status', async () => {
    const rabbit = new URL(testConfig().rabbit.url);
    const run = start(
      {
        checks: [
          { name: 'storage-api', type: 'http', url: `${webUrl}/health`, bodyContains: 'ok', tags: { site: 'lab' } },
          { name: 'storage-broken', type: 'http', url: `${webUrl}/broken`, expectStatus: 200 },
          { name: 'rabbitmq', type: 'tcp', host: rabbit.hostname, port: Number(rabbit.port || 5672) },
          { name: 'resolver', type: 'dns', hostname: 'localhost', expect: '127.0.0.1' },
        ],
      },
      true,
    );
    expect(await run.exit).toBe(0);
    const measures = await broker.waitForMeasures(10);
    const find = (source: string, metric: string) => measures.find((m) => m.source === source && m.metric === metric);
    expect(find('storage-api', 'probe_success')).toMatchObject({
      experiment: 'EXP-OPS',
      value: 1,
      tags: { site: 'lab', type: 'http', target: `${webUrl}/health` },
    });
    expect(find('storage-api', 'probe_duration_ms')).toMatchObject({ unit: 'ms', value: expect.any(Number) });
    expect(find('storage-api', 'probe_http_status')?.value).toBe(200);
    expect(find('storage-broken', 'probe_success')?.value).toBe(0);
    expect(find('storage-broken', 'probe_http_status')?.value).toBe(503);
    expect(find('rabbitmq', 'probe_success')).toMatchObject({ value: 1, tags: { type: 'tcp' } });
    expect(find('resolver', 'probe_success')).toMatchObject({ value: 1, tags: { type: 'dns' } });
    expect(measures).toHaveLength(10);
    expect(run.logger.entries.some((e) => e.message === 'check failed' && e.meta?.check === 'storage-broken')).toBe(true);
  });

  it('repeats checks on their schedule until stopped', async () => {
    const before = broker.measures().length;
    const run = start({ intervalMs: 200, checks: [{ name: 'tick', type: 'http', url: `${webUrl}/health` }] }, false);
    await run.started;
    const ticks = () => broker.measures().slice(before).filter((m) => m.metric === 'probe_success').length;
    await eventually(ticks, (n) => n >= 3, { what: 'three runs of the check published' });
    expect(await run.stop()).toBe(0);
    const runs = broker.measures().slice(before).filter((m) => m.metric === 'probe_success');
    expect(runs.length).toBeGreaterThanOrEqual(3);
  });
});
