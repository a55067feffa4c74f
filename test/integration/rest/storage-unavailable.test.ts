import { TcpProxy } from '../../support/tcp-proxy';
import { call, startPlatform, type TestPlatform } from '../../support/platform';
import { testConfig } from '../../support/real-services';

/**
 * MySQL out of reach is no fault of the request: REST answers 503 problem+json (openapi.yaml's
 * Unavailable) that says to retry, not a 500, and serves again once MySQL is back. MySQL is reached
 * through a proxy the test closes; the shared server stays up.
 */
describe('REST answers 503 while storage is unavailable', () => {
  let proxy: TcpProxy;
  let p: TestPlatform;
  let token: string;
  let reachable = true;

  beforeAll(async () => {
    const shared = testConfig().db;
    proxy = new TcpProxy(shared.host, shared.port);
    await proxy.open();
    p = await startPlatform({ env: { DB_PORT: String(proxy.port) } });
    token = await p.tokenFor(p.admin);
  });
  afterAll(async () => {
    // The test opens it again when it passes; a failed one may leave it closed, and the platform needs it to stop.
    if (!reachable) await proxy.open();
    await p.stop();
    await proxy.close();
  });

  it('a 503 storage-unavailable problem while MySQL cannot be reached, and 200 again once it can', async () => {
    expect((await call(p.baseUrl, 'GET', '/experiments', { token })).status).toBe(200);

    await proxy.close();
    reachable = false;
    const refused = await call(p.baseUrl, 'GET', '/experiments', { token });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: 'https://mymonit.dev/problems/storage-unavailable',
      status: 503,
      detail: 'the database could not be reached; retry later',
    });
    expect(JSON.stringify(refused.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|PROTOCOL/);

    await proxy.open();
    reachable = true;
    expect((await call(p.baseUrl, 'GET', '/experiments', { token })).status).toBe(200);
  });
});
