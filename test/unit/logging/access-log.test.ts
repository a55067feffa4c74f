import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import type { Logger } from '../../../src/logging/logger';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry';
import { RestMetrics } from '../../../src/metrics/rest-metrics';
import { accessLog, routeLabel } from '../../../src/rest/access-log';
import { waitFor } from '../../support/eventually';

/** The access log names a request by its route template, never by what the client put in the URL. */
describe('the access log', () => {
  const request = (fields: Partial<Request> & { openapi?: { openApiRoute?: string } }) => ({ baseUrl: '', path: '/', ...fields }) as Request;

  it('labels a request by its Express route, else its OpenAPI path, else its known first segment, else (unmatched)', () => {
    expect(routeLabel(request({ route: { path: '/users/:userId' }, path: '/users/42' }))).toBe('/users/:userId');
    expect(routeLabel(request({ openapi: { openApiRoute: '/experiments/{code}/users/{userId}' }, path: '/experiments/X/users/y' }))).toBe(
      '/experiments/:code/users/:userId',
    );
    expect(routeLabel(request({ path: '/users/jim@foobar.com/extra' }))).toBe('/users');
    expect(routeLabel(request({ path: '/eyJhbGciOiJIUzI1NiJ9.secret' }))).toBe('(unmatched)');
    expect(routeLabel(request({ path: '/metrics' }))).toBe('/metrics');
  });

  it('logs method, route, status, duration, bytes, request id and actor once per request, without the query', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const ignore = () => undefined;
    const logger: Logger = {
      info: (_message, meta) => void lines.push(meta ?? {}),
      error: ignore,
      warn: ignore,
      debug: ignore,
      child: () => logger,
    };
    const app = express();
    app.use((_req, res, next) => {
      res.locals.requestId = 'req-1';
      next();
    });
    app.use(accessLog(logger, new RestMetrics(new MetricsRegistry())));
    app.get('/items/:id', (_req, res) => res.json({ ok: true }));
    app.get('/stream', (_req, res) => {
      res.write('abc');
      res.end('de');
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await (await fetch(`${base}/items/7?token=s3cret&email=jim@foobar.com`)).text();
      await (await fetch(`${base}/stream`)).text();
      await waitFor('both access lines', () => lines.length === 2);
    } finally {
      server.close();
    }
    expect(lines[0]).toMatchObject({ http: true, method: 'GET', route: '/items/:id', status: 200, bytes: 11, requestId: 'req-1' });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(lines[1]).toMatchObject({ route: '/stream', bytes: 5 });
    expect(JSON.stringify(lines)).not.toMatch(/s3cret|jim@|token/);
  });
});
