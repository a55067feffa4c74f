import http from 'node:http';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

/** A raw GET: fetch and URL would normalise `/metrics/.` to `/metrics/` before sending it. */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Only the exact path /metrics is public: Express alone would also serve /METRICS and /metrics/. */
describe('the app serves its metrics at exactly /metrics', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(() => p.stop());

  it('serves /metrics', async () => {
    const response = await rawGet(p.baseUrl, '/metrics');
    expect(response.status).toBe(200);
    expect(response.body).toContain('# HELP');
  });

  it.each(['/Metrics', '/METRICS', '/metrics/', '/metrics/.', '/mEtRiCs/'])('does not serve the metrics at %s, nor without a token', async (path) => {
    const response = await rawGet(p.baseUrl, path);
    expect(response.status).toBe(401);
    expect(response.body).not.toContain('# HELP');
  });

  it('answers 404 for such a variant with a valid token: it is no route', async () => {
    const response = await call(p.baseUrl, 'GET', '/METRICS', { token: await p.tokenFor(p.admin) });
    expect(response.status).toBe(404);
  });
});
