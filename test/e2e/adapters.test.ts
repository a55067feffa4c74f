import type { ExperimentService } from '../../src/services/experiment-service';
import { TYPES } from '../../src/identifiers';
import { loadFileAdapterConfig } from '../../adapters/file/config';
import { FileAdapter } from '../../adapters/file/file-adapter';
import { loadHttpAdapterConfig } from '../../adapters/http/config';
import { HttpAdapter } from '../../adapters/http/http-adapter';
import { loadProbeAdapterConfig } from '../../adapters/probe/config';
import { Prober } from '../../adapters/probe/prober';
import { loadPrometheusAdapterConfig } from '../../adapters/prometheus/config';
import { PrometheusScraper } from '../../adapters/prometheus/scraper';
import { brokerEnv, runInProcess, tempDir } from '../support/adapters';
import { startNodeExporter, type NodeExporter } from '../support/node-exporter';
import { call, eventually, startPlatform, type TestPlatform } from '../support/platform';

/**
 * Each adapter, as its CLI runs it, publishing to the exchange a real MyMONIT consumer reads (real
 * RabbitMQ, real MariaDB): its measures are stored and served by GET /experiments/{code}/measures.
 */
interface StoredMeasure {
  metric: string;
  source: string | null;
  unit: string | null;
  tags: Record<string, string>;
  value: number;
  timestamp: string;
}

const TOKEN = 'e2e-http-adapter-token-0123456789';
const CODES = { file: 'E2E-FILE', http: 'E2E-HTTP', prometheus: 'E2E-PROM', probe: 'E2E-PROBE' };

describe('adapters end to end: adapter -> RabbitMQ -> consumer -> MySQL -> REST', () => {
  let platform: TestPlatform;
  let exporter: NodeExporter;
  let tmp: ReturnType<typeof tempDir>;
  let token: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [platform, exporter] = await Promise.all([startPlatform({ consume: true }), startNodeExporter()]);
    tmp = tempDir('e2e-adapters');
    token = await platform.tokenFor(platform.admin);
    const experiments = platform.container.get<ExperimentService>(TYPES.ExperimentService);
    for (const code of Object.values(CODES)) await experiments.create(platform.admin, { code, name: `adapter ${code}` });
    const rabbit = platform.config.rabbit;
    env = brokerEnv({ url: rabbit.url, exchange: rabbit.exchange, routingKey: rabbit.routingKey });
  });
  afterAll(async () => {
    await exporter?.stop();
    await platform?.stop();
    tmp?.remove();
  });

  async function measures(code: string, count: number, query = ''): Promise<StoredMeasure[]> {
    const response = await eventually(
      () => call(platform.baseUrl, 'GET', `/experiments/${code}/measures?limit=10000${query}`, { token }),
      (r) => r.status === 200 && (r.body.items as unknown[]).length >= count,
    );
    return response.body.items as StoredMeasure[];
  }

  it('file adapter: CSV rows are stored and readable', async () => {
    const csv = tmp.file(
      'lab.csv',
      'timestamp,source,metric,value,unit\n2024-05-01T12:00:00Z,probe-1,temperature,21.5,C\n2024-05-01T12:01:00.250Z,probe-1,temperature,21.75,C\nnot,a,valid,row,at all\n',
    );
    const run = runInProcess({
      adapter: 'file',
      loadConfig: () => loadFileAdapterConfig({ file: tmp.yaml('file.yaml', { experiment: CODES.file, file: { path: csv } }), env }),
      createJob: (c, publisher, logger) => new FileAdapter(c.file, publisher, logger, c.experiment),
    });
    expect(await run.exit).toBe(0);
    expect(run.badInput()).toEqual([expect.objectContaining({ file: csv, line: 4 })]);
    const stored = await measures(CODES.file, 2);
    expect(stored.map((m) => [m.metric, m.source, m.unit, m.value, m.timestamp])).toEqual([
      ['temperature', 'probe-1', 'C', 21.5, '2024-05-01T12:00:00.000000Z'],
      ['temperature', 'probe-1', 'C', 21.75, '2024-05-01T12:01:00.250000Z'],
    ]);
  });

  it('http adapter: JSON answered 202 and line protocol answered 204 are stored and readable', async () => {
    const run = runInProcess({
      adapter: 'http',
      whenFull: 'fail',
      loadConfig: () =>
        loadHttpAdapterConfig({ file: tmp.yaml('http.yaml', { http: { host: '127.0.0.1', port: 0 } }), env: { ...env, HTTP_ADAPTER_TOKEN: TOKEN } }),
      createJob: (c, publisher, logger) => new HttpAdapter(c, publisher, logger),
    });
    const { job } = await run.started;
    const base = `http://127.0.0.1:${job.address().port}`;
    const json = await fetch(`${base}/measures?experiment=${CODES.http}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ metric: 'power', source: 'pdu-1', value: 812, unit: 'W', timestamp: '2024-05-01T12:00:00Z' }]),
    });
    expect(json.status).toBe(202);
    const lines = await fetch(`${base}/write?db=${CODES.http}&precision=ms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: 'climate,host=room-2,unit=C temp=19.5 1714564860000\nclimate,host=room-2 hum=40i 1714564860000',
    });
    expect(lines.status).toBe(204);
    expect(await run.stop()).toBe(0);
    const stored = await measures(CODES.http, 3);
    expect(stored.map((m) => [m.metric, m.source, m.unit, m.value, m.timestamp]).sort()).toEqual(
      [
        ['climate_hum', 'room-2', null, 40, '2024-05-01T12:01:00.000000Z'],
        ['climate_temp', 'room-2', 'C', 19.5, '2024-05-01T12:01:00.000000Z'],
        ['power', 'pdu-1', 'W', 812, '2024-05-01T12:00:00.000000Z'],
      ].sort(),
    );
  });

  it('prometheus adapter: samples of a real node exporter are stored and readable', async () => {
    const run = runInProcess({
      adapter: 'prometheus',
      loadConfig: () =>
        loadPrometheusAdapterConfig({
          file: tmp.yaml('prometheus.yaml', {
            experiment: CODES.prometheus,
            prometheus: { targets: [{ url: exporter.url, include: ['^node_load1$', '^node_cpu_seconds_total$'], labels: { job: 'node' } }] },
          }),
          env,
        }),
      createJob: (c, publisher, logger) => new PrometheusScraper(c, publisher, logger, true),
    });
    expect(await run.exit).toBe(0);
    const load = await measures(CODES.prometheus, 1, '&metric=node_load1');
    expect(load[0]).toMatchObject({ metric: 'node_load1', source: `127.0.0.1:${exporter.port}`, tags: { job: 'node' } });
    const cpu = await measures(CODES.prometheus, 1, '&metric=node_cpu_seconds_total');
    expect(cpu[0]!.tags).toEqual({ cpu: expect.any(String), mode: expect.any(String), job: 'node' });
    const up = await measures(CODES.prometheus, 1, '&metric=up');
    expect(up[0]!.value).toBe(1);
  });

  it('probe adapter: success and latency of checks are stored and readable', async () => {
    const rabbit = new URL(platform.config.rabbit.url);
    const run = runInProcess({
      adapter: 'probe',
      loadConfig: () =>
        loadProbeAdapterConfig({
          file: tmp.yaml('probe.yaml', {
            experiment: CODES.probe,
            probe: {
              checks: [
                { name: 'mymonit-api', type: 'http', url: `${platform.baseUrl}/health/live` },
                { name: 'rabbitmq', type: 'tcp', host: rabbit.hostname, port: Number(rabbit.port || 5672) },
              ],
            },
          }),
          env,
        }),
      createJob: (c, publisher, logger) => new Prober(c, publisher, logger, true),
    });
    expect(await run.exit).toBe(0);
    const success = await measures(CODES.probe, 2, '&metric=probe_success');
    expect(success.map((m) => [m.source, m.value]).sort()).toEqual([
      ['mymonit-api', 1],
      ['rabbitmq', 1],
    ]);
    const latency = await measures(CODES.probe, 2, '&metric=probe_duration_ms');
    expect(latency.every((m) => m.unit === 'ms' && m.value >= 0)).toBe(true);
    const status = await measures(CODES.probe, 1, '&metric=probe_http_status&source=mymonit-api');
    expect(status[0]).toMatchObject({ value: 200, tags: { type: 'http', target: `${platform.baseUrl}/health/live` } });
  });
});
