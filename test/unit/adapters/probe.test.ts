import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { dnsCheck, httpCheck, statusMatches, tcpCheck } from '../../../adapters/probe/checks';
import { dnsCheckSchema, httpCheckSchema, tcpCheckSchema } from '../../../adapters/probe/config';
import { resultToMeasures } from '../../../adapters/probe/results';
import { freePort } from '../../support/free-port';

/** A DNS server that answers every A question with 10.1.2.3 (enough to test the resolver path offline). */
function startDnsServer(): Promise<{ port: number; close(): void }> {
  const server = dgram.createSocket('udp4');
  server.on('message', (query, peer) => {
    let end = 12;
    while (query[end] !== 0) end += query[end] + 1;
    const question = query.subarray(12, end + 5);
    const header = Buffer.from(query.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2); // response, recursion available, no error
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(1, 6);
    header.writeUInt32BE(0, 8);
    const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
    server.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  return new Promise((resolve) =>
    server.bind(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => server.close() })),
  );
}

describe('probe checks', () => {
  let web: http.Server;
  let webUrl: string;
  beforeAll(async () => {
    web = http.createServer((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 500);
        return;
      }
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end(req.url === '/missing' ? 'nope' : 'storage ok');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => web.close(() => resolve()));
    web.closeAllConnections();
    await closed;
  });

  it('matches statuses by code, class and list', () => {
    expect(statusMatches(204, '2xx')).toBe(true);
    expect(statusMatches(301, '2xx')).toBe(false);
    expect(statusMatches(404, [200, 404])).toBe(true);
    expect(statusMatches(500, ['2xx', '3xx'])).toBe(false);
  });

  it('HTTP: success with status and latency; failure on status, body, timeout, refused connection', async () => {
    const check = (over: Record<string, unknown>) => httpCheckSchema.parse({ name: 'web', type: 'http', url: `${webUrl}/health`, ...over });
    const ok = await httpCheck(check({ bodyContains: 'ok' }), 2000);
    expect(ok).toMatchObject({ check: 'web', type: 'http', success: true, status: 200, target: `${webUrl}/health` });
    expect(ok.durationMs).toBeGreaterThan(0);
    expect(await httpCheck(check({ url: `${webUrl}/missing` }), 2000)).toMatchObject({ success: false, status: 404, error: 'status 404, expected "2xx"' });
    expect(await httpCheck(check({ url: `${webUrl}/missing`, expectStatus: 404 }), 2000)).toMatchObject({ success: true, status: 404 });
    expect(await httpCheck(check({ bodyContains: 'healthy' }), 2000)).toMatchObject({ success: false, error: expect.stringMatching(/does not contain/) });
    expect(await httpCheck(check({ url: `${webUrl}/slow` }), 100)).toMatchObject({ success: false, error: 'timed out after 100 ms' });
    const refused = await httpCheck(check({ url: `http://127.0.0.1:${await freePort()}/` }), 2000);
    expect(refused).toMatchObject({ success: false, error: 'ECONNREFUSED' });
    expect(refused.status).toBeUndefined();
  });

  it('TCP: connects to a listening port, fails on a closed one', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    expect(await tcpCheck(tcpCheckSchema.parse({ name: 'db', type: 'tcp', host: '127.0.0.1', port }), 2000)).toMatchObject({
      success: true,
      target: `127.0.0.1:${port}`,
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await tcpCheck(tcpCheckSchema.parse({ name: 'db', type: 'tcp', host: '127.0.0.1', port }), 2000)).toMatchObject({
      success: false,
      error: 'ECONNREFUSED',
    });
  });

  it('DNS: asks a given server, checks the expected answer; the system resolver finds localhost', async () => {
    const dns = await startDnsServer();
    try {
      const check = (over: Record<string, unknown>) =>
        dnsCheckSchema.parse({ name: 'dns', type: 'dns', hostname: 'storage.example.org', server: `127.0.0.1:${dns.port}`, ...over });
      expect(await dnsCheck(check({ expect: '10.1.2.3' }), 2000)).toMatchObject({ success: true, target: `storage.example.org A @127.0.0.1:${dns.port}` });
      expect(await dnsCheck(check({ expect: '10.9.9.9' }), 2000)).toMatchObject({ success: false, error: expect.stringMatching(/does not contain 10.9.9.9/) });
    } finally {
      dns.close();
    }
    expect(await dnsCheck(dnsCheckSchema.parse({ name: 'lo', type: 'dns', hostname: 'localhost', expect: '127.0.0.1' }), 2000)).toMatchObject({ success: true });
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    const timeout = await dnsCheck(dnsCheckSchema.parse({ name: 'x', type: 'dns', hostname: 'a.example', server: `127.0.0.1:${silent.address().port}` }), 200);
    silent.close();
    expect(timeout).toMatchObject({ success: false });
  });

  it('turns results into success, latency and status measures', () => {
    const measures = resultToMeasures(
      { check: 'storage-api', type: 'http', target: 'https://s3.example.org/health', success: false, durationMs: 12.5, status: 503, error: 'status 503', startedAt: 1714564800000 },
      { experiment: 'OPS', metricPrefix: 'probe', tags: { site: 'north' } },
    );
    const tags = { site: 'north', type: 'http', target: 'https://s3.example.org/health' };
    expect(measures).toEqual([
      { experiment: 'OPS', source: 'storage-api', timestamp: 1714564800000, tags, metric: 'probe_success', value: 0 },
      { experiment: 'OPS', source: 'storage-api', timestamp: 1714564800000, tags, metric: 'probe_duration_ms', value: 12.5, unit: 'ms' },
      { experiment: 'OPS', source: 'storage-api', timestamp: 1714564800000, tags, metric: 'probe_http_status', value: 503 },
    ]);
    expect(resultToMeasures({ check: 'db', type: 'tcp', target: 'db:3306', success: true, durationMs: 1, startedAt: 1 }, { experiment: 'OPS', metricPrefix: 'probe' })).toHaveLength(2);
  });
});
