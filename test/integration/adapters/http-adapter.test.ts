import { loadHttpAdapterConfig } from '../../../adapters/http/config';
import { HttpAdapter } from '../../../adapters/http/http-adapter';
import { createTestBroker, type TestBroker } from './broker';
import { brokerEnv, runInProcess, tempDir, type RunningAdapter } from '../../support/adapters';
import { waitFor } from '../../support/eventually';

const TOKEN = 'test-token-0123456789abcdef';

describe('http adapter against the real RabbitMQ', () => {
  let broker: TestBroker;
  let tmp: ReturnType<typeof tempDir>;
  let running: RunningAdapter<HttpAdapter>;
  let base: string;
  let adapterJob: HttpAdapter;

  const start = (env: NodeJS.ProcessEnv, extra: Record<string, unknown> = {}, publisher: Record<string, unknown> = {}) => {
    const config = tmp.yaml('http.yaml', { experiment: 'EXP-HTTP', http: { host: '127.0.0.1', port: 0, ...extra }, publisher });
    return runInProcess({
      adapter: 'http',
      whenFull: 'fail',
      loadConfig: () => loadHttpAdapterConfig({ file: config, env }),
      createJob: (c, publisher, logger) => new HttpAdapter(c, publisher, logger),
    });
  };

  beforeAll(async () => {
    broker = await createTestBroker('httpadapter');
    tmp = tempDir('http-adapter');
    running = start(brokerEnv(broker, { HTTP_ADAPTER_TOKEN: TOKEN }));
    const { job, publisher } = await running.started;
    await publisher.start(); // connected, so that /health says ok
    base = `http://127.0.0.1:${job.address().port}`;
    adapterJob = job;
  });
  afterAll(async () => {
    expect(await running.stop()).toBe(0);
    await broker.cleanup();
    tmp.remove();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}`, ...headers } });

  it('refuses requests without the token', async () => {
    const none = await fetch(`${base}/measures`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await post('/write', 'm value=1', { authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('takes JSON measures and answers 202 (accepted for processing, rejections listed by /exceptions) once the broker confirmed them', async () => {
    const before = broker.measures().length;
    const response = await post(
      '/measures',
      JSON.stringify({ measures: [{ metric: 'm1', value: 1, timestamp: '2024-05-01T12:00:00Z' }, { experiment: 'EXP-OTHER', metric: 'm1', value: 2, timestamp: 1714564800000 }] }),
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2, detail: expect.stringMatching(/not yet stored.*GET \/exceptions/) });
    const measures = (await broker.waitForMeasures(before + 2)).slice(before);
    expect(measures.map((m) => m.experiment).sort()).toEqual(['EXP-HTTP', 'EXP-OTHER']);
  });

  it('takes InfluxDB line protocol (1.x and 2.x paths) answering 204, refusing bad lines by number as a partial write and keeping the rest', async () => {
    const before = broker.measures().length;
    const body = ['weather,host=st1,site=north temp=21.5,hum=40i 1714564800000', 'weather,host=st1 temp=abc 1714564800000', 'weather temp=22 1714564860000', ''].join('\n');
    const partial = await post('/write?db=EXP-LP&precision=ms', body, { 'content-type': 'text/plain' });
    expect(partial.status).toBe(400);
    expect(partial.headers.get('content-type')).toMatch(/^application\/json/);
    const problem = (await partial.json()) as { error: string; accepted: number; errors: Array<{ line: number; error: string }> };
    expect(problem.error).toMatch(/^partial write: unable to parse line 2: invalid boolean "abc" .* dropped=1$/);
    expect(problem.accepted).toBe(3);
    expect(problem.errors).toEqual([{ line: 2, error: expect.stringMatching(/invalid boolean "abc"/) }]);
    const v2 = await post('/api/v2/write?bucket=EXP-LP2&precision=s', 'cpu,host=h1 usage=0.5 1714564800', { authorization: `Token ${TOKEN}` });
    expect(v2.status).toBe(204);
    expect(await v2.text()).toBe('');
    const measures = (await broker.waitForMeasures(before + 4)).slice(before);
    expect(measures).toEqual(
      expect.arrayContaining([
        { experiment: 'EXP-LP', metric: 'weather_temp', value: 21.5, timestamp: 1714564800000, source: 'st1', tags: { site: 'north' } },
        { experiment: 'EXP-LP', metric: 'weather_hum', value: 40, timestamp: 1714564800000, source: 'st1', tags: { site: 'north' } },
        { experiment: 'EXP-LP', metric: 'weather_temp', value: 22, timestamp: 1714564860000 },
        { experiment: 'EXP-LP2', metric: 'cpu_usage', value: 0.5, timestamp: 1714564800000, source: 'h1' },
      ]),
    );
    const reported = running.badInput().find((b) => String(b.file).startsWith('POST /write request'));
    expect(reported).toMatchObject({ line: 2, reason: expect.stringMatching(/invalid boolean/) });
  });

  it('answers InfluxDB clients as InfluxDB does: /ping, CREATE DATABASE on /query, and the token as Token, Bearer, basic or u/p', async () => {
    for (const method of ['GET', 'HEAD']) {
      const ping = await fetch(`${base}/ping`, { method });
      expect(ping.status).toBe(204);
      expect(ping.headers.get('x-influxdb-version')).toMatch(/^1\./);
    }
    expect(await (await fetch(`${base}/ping?verbose=true`)).json()).toEqual({ version: expect.stringMatching(/^1\./) });
    // Telegraf's outputs.influxdb at start: POST /query with a form body, basic auth.
    const basic = `Basic ${Buffer.from(`telegraf:${TOKEN}`).toString('base64')}`;
    const create = await fetch(`${base}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: 'CREATE DATABASE "telegraf"' }),
      headers: { authorization: basic },
    });
    expect(create.status).toBe(200);
    expect(await create.json()).toEqual({ results: [{ statement_id: 0 }] });
    const select = await fetch(`${base}/query?q=${encodeURIComponent('SELECT * FROM cpu')}&u=x&p=${TOKEN}`);
    expect(select.status).toBe(400);
    expect(await select.json()).toMatchObject({ error: expect.stringMatching(/only CREATE DATABASE/) });
    const before = broker.measures().length;
    const writes = await Promise.all([
      fetch(`${base}/write?db=EXP-AUTH&precision=s`, { method: 'POST', body: 'auth,via=basic value=1 1714564800', headers: { authorization: basic } }),
      fetch(`${base}/write?db=EXP-AUTH&precision=s&u=any&p=${TOKEN}`, { method: 'POST', body: 'auth,via=up value=2 1714564800' }),
      fetch(`${base}/write?db=EXP-AUTH&precision=s`, { method: 'POST', body: 'auth,via=token value=3 1714564800', headers: { authorization: `token ${TOKEN}` } }),
      fetch(`${base}/write?db=EXP-AUTH&precision=s`, { method: 'POST', body: 'auth,via=bearer value=4 1714564800', headers: { authorization: `bearer ${TOKEN}` } }),
    ]);
    expect(writes.map((w) => w.status)).toEqual([204, 204, 204, 204]);
    expect((await broker.waitForMeasures(before + 4)).slice(before).map((m) => m.value).sort()).toEqual([1, 2, 3, 4]);
    const refused = await fetch(`${base}/write?db=EXP-AUTH&u=x&p=wrong-token-0123456789`, { method: 'POST', body: 'auth value=5' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/authorization failed/) });
  });

  it('skips and counts points whose fields are all strings: 204, not a failed request', async () => {
    const before = adapterJob.summary().skippedStringPoints as number;
    const response = await post('/write?db=EXP-STR', 'log msg="started",level="info"\nlog msg="again"\n');
    expect(response.status).toBe(204);
    expect(response.headers.get('x-mymonit-skipped-points')).toBe('2');
    expect(adapterJob.summary().skippedStringPoints).toBe(before + 2);
    const health = (await (await fetch(`${base}/health`)).json()) as { http: { skippedStringPoints: number } };
    expect(health.http.skippedStringPoints).toBe(before + 2);
  });

  it('never merges names that differ only in non-ASCII letters: both are refused by line, nothing is stored under a rewritten name', async () => {
    const response = await post('/write?db=EXP-NAMES&precision=s', 'température value=21 1714564800\ntempèrature value=22 1714564800\ntemperature value=23 1714564800');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      accepted: 1,
      errors: [
        { line: 1, error: expect.stringMatching(/metric "température" is not a name MyMONIT stores/) },
        { line: 2, error: expect.stringMatching(/metric "tempèrature"/) },
      ],
    });
  });

  it('publishes JSON measures whose tags are named __proto__ and constructor with those tags intact', async () => {
    const body = '[{"metric": "proto", "value": 1, "timestamp": 5, "tags": {"__proto__": "a", "constructor": "b"}}]';
    expect((await post('/measures', body, { 'content-type': 'application/json' })).status).toBe(202);
    // Found by its metric: measures of earlier tests may still be arriving, so "the next one" may not be this one.
    await waitFor('the proto measure at the broker', () => broker.measures().some((m) => m.metric === 'proto'), 20_000);
    const measure = broker.measures().find((m) => m.metric === 'proto');
    expect(Object.entries(measure!.tags ?? {})).toEqual([['__proto__', 'a'], ['constructor', 'b']]);
  });

  it('reports schema violations by index and malformed JSON, and keeps serving', async () => {
    const invalid = await post('/measures', JSON.stringify([{ metric: 'ok', value: 1, timestamp: 5 }, { metric: 'bad metric', value: 1, timestamp: 5 }]), {
      'content-type': 'application/json',
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ accepted: 1, errors: [{ index: 1, error: expect.stringMatching(/\/metric/) }] });
    const malformed = await post('/measures', '{"metric": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await post('/measures', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('/write', 'cpu value=1')).status).toBe(204);
  });

  it('answers 503 when the broker does not confirm in time', async () => {
    const unreachable = start({ RABBIT_URL: 'amqp://guest:guest@127.0.0.1:1', HTTP_ADAPTER_TOKEN: TOKEN }, { confirmTimeoutMs: 200 }, { closeTimeoutMs: 300 });
    const { job } = await unreachable.started;
    const response = await fetch(`http://127.0.0.1:${job.address().port}/write?db=E`, { method: 'POST', body: 'cpu value=1', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/did not confirm/) });
    const health = await fetch(`http://127.0.0.1:${job.address().port}/health`);
    expect(health.status).toBe(503);
    // The measure it could not deliver is counted, and the exit status says so.
    const stopping = unreachable.stop();
    expect(await stopping).toBe(1);
    expect(unreachable.logger.entries.find((e) => e.message === 'adapter stopped')?.meta).toMatchObject({ publisher: { unconfirmedAtClose: 1 } });
  });
});
