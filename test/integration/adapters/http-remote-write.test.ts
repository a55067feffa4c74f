import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compress } from 'snappyjs';
import { loadHttpAdapterConfig } from '../../../adapters/http/config';
import { HttpAdapter } from '../../../adapters/http/http-adapter';
import { WriteRequestType } from '../../../adapters/http/remote-write-proto';
import type { Measure } from '../../../adapters/sdk';
import { closeServer } from '../../../lib/http/close-server';
import { brokerEnv, runInProcess, tempDir, type RunningAdapter } from '../../support/adapters';
import { eventually } from '../../support/eventually';
import { startPrometheus, type RealPrometheus } from '../../support/real-prometheus';
import { createTestBroker, type TestBroker } from './broker';

const TOKEN = 'remote-write-token-0123456789';

/** What the test's exporter serves; `t2` can be taken away to make Prometheus send its stale marker. */
function exposition(withT2: boolean): string {
  return [
    '# HELP rw_temperature_celsius A test gauge.',
    '# TYPE rw_temperature_celsius gauge',
    'rw_temperature_celsius{room="b12",sensor="t1"} 21.5',
    ...(withT2 ? ['rw_temperature_celsius{room="a1",sensor="t2"} -3.25'] : []),
    '# HELP rw_requests_total A test counter.',
    '# TYPE rw_requests_total counter',
    'rw_requests_total{code="200",method="get"} 1027',
    '',
  ].join('\n');
}

describe('http adapter: Prometheus remote write from a real Prometheus 2.42', () => {
  let broker: TestBroker;
  let tmp: ReturnType<typeof tempDir>;
  let running: RunningAdapter<HttpAdapter>;
  let adapter: HttpAdapter;
  let base: string;
  let exporter: http.Server;
  let exporterTarget: string;
  let serveT2 = true;
  let prometheus: RealPrometheus | undefined;

  beforeAll(async () => {
    broker = await createTestBroker('remotewrite');
    tmp = tempDir('remote-write');
    const config = tmp.yaml('http.yaml', { http: { host: '127.0.0.1', port: 0 } });
    running = runInProcess({
      adapter: 'http',
      whenFull: 'fail',
      loadConfig: () => loadHttpAdapterConfig({ file: config, env: brokerEnv(broker, { HTTP_ADAPTER_TOKEN: TOKEN }) }),
      createJob: (c, publisher, logger) => new HttpAdapter(c, publisher, logger),
    });
    const { job, publisher } = await running.started;
    await publisher.start();
    adapter = job;
    base = `http://127.0.0.1:${job.address().port}`;

    exporter = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(exposition(serveT2));
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    exporterTarget = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await prometheus?.stop();
    await closeServer(exporter, 1000);
    expect(await running.stop()).toBe(0);
    await broker.cleanup();
    tmp.remove();
  });

  const find = (metric: string, labels: Record<string, string> = {}) =>
    broker.measures().filter((m) => m.metric === metric && Object.entries(labels).every(([k, v]) => m.tags?.[k] === v));

  it('takes what Prometheus scrapes and remote-writes, as measures with names, labels and values', async () => {
    const started = Date.now();
    prometheus = await startPrometheus({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: 'rwtest', static_configs: [{ targets: [exporterTarget], labels: { experiment: 'EXP-RW' } }] }],
      remote_write: [
        {
          url: `${base}/api/v1/write`,
          authorization: { credentials: TOKEN },
          queue_config: { batch_send_deadline: '1s', min_backoff: '100ms', max_backoff: '1s' },
        },
      ],
    });
    const log = prometheus.log;
    await eventually(
      () => broker.measures(),
      () => find('rw_temperature_celsius', { sensor: 't1' }).length > 0 && find('rw_temperature_celsius', { sensor: 't2' }).length > 0 && find('rw_requests_total').length > 0,
      { timeoutMs: 60_000, intervalMs: 200, what: `remote-written samples on the broker (prometheus log: ${log().slice(-2000)})` },
    );
    const common = { experiment: 'EXP-RW', source: exporterTarget };
    const t1 = find('rw_temperature_celsius', { sensor: 't1' })[0] as Measure;
    expect(t1).toEqual({ ...common, metric: 'rw_temperature_celsius', value: 21.5, timestamp: expect.any(Number), tags: { job: 'rwtest', room: 'b12', sensor: 't1' } });
    expect(find('rw_temperature_celsius', { sensor: 't2' })[0]).toEqual({
      ...common,
      metric: 'rw_temperature_celsius',
      value: -3.25,
      timestamp: expect.any(Number),
      tags: { job: 'rwtest', room: 'a1', sensor: 't2' },
    });
    expect(find('rw_requests_total')[0]).toEqual({ ...common, metric: 'rw_requests_total', value: 1027, timestamp: expect.any(Number), tags: { code: '200', method: 'get', job: 'rwtest' } });
    // Prometheus's own series about the scrape come along, with the target's labels.
    expect(find('up')[0]).toEqual({ ...common, metric: 'up', value: 1, timestamp: expect.any(Number), tags: { job: 'rwtest' } });
    // Millisecond timestamps of the scrapes, not of the arrival.
    expect(t1.timestamp).toBeGreaterThanOrEqual(started - 1000);
    expect(Number.isInteger(t1.timestamp)).toBe(true);
  }, 120_000);

  it('drops the stale marker Prometheus sends when a series disappears, and counts it', async () => {
    serveT2 = false;
    await eventually(() => adapter.summary().staleMarkers, (count) => typeof count === 'number' && count > 0, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `a stale marker counted (prometheus log: ${prometheus?.log().slice(-2000) ?? ''})`,
    });
    expect(broker.measures().every((m) => Number.isFinite(m.value))).toBe(true);
  }, 90_000);

  const write = (body: Uint8Array | string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/write`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', ...headers },
    });

  it('answers 400 to a body that is not a snappy WriteRequest (Prometheus does not retry a 4xx), 415 to other encodings, 401 without the token', async () => {
    const garbage = await write('not snappy at all');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ status: 400, detail: expect.stringMatching(/not snappy|not a protobuf/) });
    expect((await write('x', { 'content-encoding': 'gzip' })).status).toBe(415);
    expect((await write('x', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
  });

  it('answers 204 only after the confirms, with ?experiment= for series without the label, and 400 listing refused series', async () => {
    const request = (timeseries: unknown[]) => compress(WriteRequestType.encode(WriteRequestType.fromObject({ timeseries })).finish());
    const refused = await write(request([{ labels: [{ name: '__name__', value: 'manual_metric' }, { name: 'k', value: 'v' }], samples: [{ value: 5, timestamp: 1714564800000 }] }]), {});
    expect(refused.status).toBe(400); // no experiment label and no default: refused, by series
    expect(await refused.json()).toMatchObject({ accepted: 0, errors: [{ index: 0, error: expect.stringMatching(/no experiment/) }] });
    const response = await fetch(`${base}/api/v1/write?experiment=EXP-Q`, {
      method: 'POST',
      body: request([{ labels: [{ name: '__name__', value: 'manual_metric' }, { name: 'k', value: 'v' }], samples: [{ value: 5, timestamp: 1714564800000 }] }]),
      headers: { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' },
    });
    expect(response.status).toBe(204);
    const arrived = await eventually(() => find('manual_metric'), (found) => found.length > 0, { what: 'manual_metric on the broker' });
    expect(arrived).toEqual([{ experiment: 'EXP-Q', metric: 'manual_metric', value: 5, timestamp: 1714564800000, tags: { k: 'v' } }]);
  });

  it('one bad series among good ones: the good are published and counted, the bad listed by index, never the batch refused whole', async () => {
    const request = (timeseries: unknown[]) => compress(WriteRequestType.encode(WriteRequestType.fromObject({ timeseries })).finish());
    const at = 1714564900000;
    const series = (name: string, labels: Array<[string, string]>, samples: Array<{ value: number; timestamp: number }>) => ({
      labels: [['__name__', name] as [string, string], ['experiment', 'EXP-E'] as [string, string], ...labels].map(([n, value]) => ({ name: n, value })),
      samples,
    });
    const response = await write(request([
      series('edge_good', [['__proto__', 'p'], ['constructor', 'c']], [{ value: 1, timestamp: at }]),
      series('edge bad name', [], [{ value: 2, timestamp: at }]),
      series('edge_good2', [['toString', 't']], [{ value: 3, timestamp: at }, { value: Number.NaN, timestamp: at + 1 }]),
      series('edge_far', [], [{ value: 4, timestamp: 2 ** 62 }]),
      series('edge_tag', [['t', 'v'.repeat(1000)]], [{ value: 5, timestamp: at }]),
    ]));
    const body = (await response.json()) as { accepted: number; errors: Array<{ index: number; error: string }> };
    expect(response.status).toBe(400);
    expect(body.accepted).toBe(2);
    expect(body.errors.map((e) => e.index)).toEqual([1, 3, 4]);
    expect(response.headers.get('x-mymonit-skipped-samples')).toBe('1');
    const good = await eventually(() => [...find('edge_good'), ...find('edge_good2')], (found) => found.length === 2, { what: 'the good series on the broker' });
    expect(JSON.stringify(good.map((m) => m.tags))).toBe('[{"__proto__":"p","constructor":"c"},{"toString":"t"}]');
    expect([...find('edge bad name'), ...find('edge_far'), ...find('edge_tag')]).toEqual([]);
  });
});
