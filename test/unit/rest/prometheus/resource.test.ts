import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import type { LabelMatcher } from '../../../../src/alerting/promql/ast';
import { PromqlError, type PromqlEngine } from '../../../../src/alerting/promql/engine-api';
import type { Labels } from '../../../../src/alerting/promql/values';
import { StorageUnavailableError } from '../../../../src/domain/errors';
import { User } from '../../../../src/domain/user';
import type { Logger } from '../../../../src/logging/logger';
import { prometheusResource } from '../../../../src/rest/resources/prometheus';
import { PrometheusApiService } from '../../../../src/services/prometheus-api-service';
import type { SeriesCatalog } from '../../../../src/storage/alerting-stores';
import { InMemoryExperimentStore, InMemoryUserStore } from '../../../support/in-memory-stores';
import { testConfig } from '../../../support/real-services';

const admin = new User({
  id: 1, pseudonym: 'p1', userId: 'u1', name: null, username: 'u1', email: null, role: 'ADMIN',
  createdAt: new Date(0), updatedAt: new Date(0), erasedAt: null,
});

/** The resource over a service whose engine and catalog the test scripts: what reaches the wire. */
describe('prometheusResource', () => {
  let server: http.Server;
  let base: string;
  let catalogFailure: Error | undefined;
  const seen: { instant?: { query: string; timeMs: number }; range?: number[]; matchers?: LabelMatcher[][] } = {};
  const logged: unknown[] = [];

  const engine: PromqlEngine = {
    async instant(query, timeMs) {
      seen.instant = { query, timeMs };
      if (query === 'boom') throw new Error('secret driver detail');
      if (query === 'exec') throw new PromqlError('execution', 'query would read more than 5 samples');
      return { type: 'scalar', t: timeMs, v: 1e-7 };
    },
    async range(_query, startMs, endMs, stepMs) {
      seen.range = [startMs, endMs, stepMs];
      return { type: 'matrix', series: [{ labels: new Map([['__name__', 'up']]), points: [{ t: startMs, v: 1e21 }] }] };
    },
    parseSelector(text) {
      if (text.includes('(')) throw new PromqlError('bad_data', '1:4: parse error: unexpected "("');
      return [{ name: '__name__', type: '=', value: text }];
    },
    check(query) {
      return query === '' ? new PromqlError('bad_data', '1:1: parse error: no expression found in input') : undefined;
    },
  };
  const catalog: SeriesCatalog = {
    async labelSets(_scope, matchers): Promise<Labels[]> {
      if (catalogFailure) throw catalogFailure;
      (seen.matchers ??= []).push([...matchers]);
      return [new Map([['__name__', 'up'], ['job', 'a<b']])];
    },
  };

  beforeAll(async () => {
    const config = testConfig();
    const service = new PrometheusApiService(engine, { scoped: () => ({ select: async () => [] }) }, catalog,
      new InMemoryExperimentStore(new InMemoryUserStore()), config);
    const logger = { error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
    const app = express();
    app.use((_req, res, next) => {
      res.locals.actor = admin;
      next();
    });
    app.use(prometheusResource(service, { version: '9.9.9', nodeVersion: 'v20', revision: 'abc' }, logger, '1mb'));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prometheus/api/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    catalogFailure = undefined;
    delete seen.matchers;
  });

  const text = async (response: Response) => ({ status: response.status, type: response.headers.get('content-type'), body: await response.text() });

  it('writes scalars and matrices as Prometheus does, byte for byte', async () => {
    expect(await text(await fetch(`${base}/query?query=x&time=1700000000.1`))).toEqual({
      status: 200,
      type: 'application/json',
      body: '{"status":"success","data":{"resultType":"scalar","result":[1700000000.1,"0.0000001"]}}',
    });
    const matrix = await fetch(`${base}/query_range`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=up&start=1700000000&end=1700000060&step=1m',
    });
    expect((await text(matrix)).body).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up"},"values":[[1700000000,"1e+21"]]}]}}',
    );
    expect(seen.range).toEqual([1700000000000, 1700000060000, 60000]);
  });

  it('takes form values before query-string values, and repeated match[]', async () => {
    await fetch(`${base}/query?query=fromquery&time=5`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=frombody',
    });
    expect(seen.instant).toEqual({ query: 'frombody', timeMs: 5000 });
    const series = await fetch(`${base}/series?match[]=b`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'match%5B%5D=a',
    });
    expect((await text(series)).body).toBe('{"status":"success","data":[{"__name__":"up","job":"a\\u003cb"}]}');
    expect(seen.matchers?.map((set) => set[0]?.value)).toEqual(['a', 'b']);
  });

  it('lists label names and values', async () => {
    expect((await text(await fetch(`${base}/labels`))).body).toBe('{"status":"success","data":["__name__","job"]}');
    expect((await text(await fetch(`${base}/label/job/values?start=1&end=2`))).body).toBe('{"status":"success","data":["a<b"]}'.replace('<', '\\u003c'));
  });

  it('answers buildinfo with Prometheus\'s fields', async () => {
    expect(JSON.parse((await text(await fetch(`${base}/status/buildinfo`))).body)).toEqual({
      status: 'success',
      data: { version: '2.42.0', revision: 'abc', branch: 'mymonit-9.9.9', buildUser: 'mymonit', buildDate: '', goVersion: 'mymonit (node v20)' },
    });
  });

  it('maps errors to Prometheus\'s types and statuses, leaking nothing internal', async () => {
    const bodyOf = async (url: string) => {
      const r = await text(await fetch(url));
      return { status: r.status, body: JSON.parse(r.body) as unknown };
    };
    expect(await bodyOf(`${base}/query?query=`)).toEqual({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:1: parse error: no expression found in input' },
    });
    expect(await bodyOf(`${base}/query_range?query=&start=1&end=2&step=1`)).toEqual({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: '1:1: parse error: no expression found in input' },
    });
    expect(await bodyOf(`${base}/query?query=exec`)).toMatchObject({ status: 422, body: { errorType: 'execution' } });
    expect(await bodyOf(`${base}/query?query=boom`)).toEqual({ status: 500, body: { status: 'error', errorType: 'internal', error: 'internal error' } });
    expect(logged).toHaveLength(1);
    expect(await bodyOf(`${base}/labels?match[]=x(`)).toMatchObject({ status: 400, body: { error: '1:4: parse error: unexpected "("' } });
    expect(await bodyOf(`${base}/series?match[]=x(`)).toMatchObject({ status: 400, body: { error: 'invalid parameter "match[]": 1:4: parse error: unexpected "("' } });
    expect(await bodyOf(`${base}/query_range?query=x&start=1&end=2&step=0.0001`)).toMatchObject({ status: 400, body: { errorType: 'bad_data' } });
    catalogFailure = new StorageUnavailableError('down', { cause: new Error('ECONNREFUSED 127.0.0.1') });
    expect(await bodyOf(`${base}/labels`)).toEqual({
      status: 503,
      body: { status: 'error', errorType: 'unavailable', error: 'the database could not be reached; retry later' },
    });
  });
});
