import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { eventually } from '../support/eventually';
import { startProxiedPlatform, type ProxiedPlatform } from '../support/proxied-platform';
import { ensureWebBuilt } from '../browser/support/web-build';

/**
 * The production edge on loopback: the real nginx, the project's nginx.conf.template, certificates from
 * scripts/gen-certs.sh, in front of two real MyMONIT instances over a real MariaDB.
 */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => Record<string, unknown>;
  tlsProtocol?: string | null;
}

let platform: ProxiedPlatform;
let adminToken: string;

function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; ca?: Buffer | null; rawPath?: string } = {},
): Promise<Answer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca === null ? undefined : (options.ca ?? platform.nginx.ca),
        agent: false,
        // As sent, not normalised by URL (which turns /metrics/. into /metrics/).
        ...(options.rawPath === undefined ? {} : { path: options.rawPath }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as Record<string, unknown>,
            tlsProtocol: target.protocol === 'https:' ? (res.socket as TLSSocket).getProtocol() : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const api = (path: string) => `${platform.nginx.baseUrl}${path}`;

function expectProblem(answer: Answer, status: number, type: string): Record<string, unknown> {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = answer.json();
  expect(body).toMatchObject({ status, type: `https://mymonit.dev/problems/${type}` });
  return body;
}

beforeAll(async () => {
  platform = await startProxiedPlatform({ nginx: { apiRate: '10r/s', apiBurst: 10 } });
  adminToken = await platform.a.tokenFor(platform.a.admin);
}, 60000);

afterAll(async () => {
  await platform?.stop();
});

describe('nginx in front of two MyMONIT instances', () => {
  it('serves HTTPS (TLS 1.2 or 1.3) with the certificate signed by the generated CA', async () => {
    const answer = await send(api('/health/live'));
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ status: 'ok' });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(answer.tlsProtocol);
  });

  it('is refused by a client that does not trust the development CA', async () => {
    await expect(send(api('/health/live'), { ca: null })).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
  });

  it('refuses TLS 1.1 and accepts a TLS 1.2 client with a modern AEAD cipher', async () => {
    const tls12 = await new Promise<string>((resolve, reject) => {
      const req = https.request(api('/health/live'), { ca: platform.nginx.ca, agent: false, maxVersion: 'TLSv1.2' }, (res) => {
        const cipher = (res.socket as TLSSocket).getCipher().name;
        res.resume();
        res.on('end', () => resolve(cipher));
      });
      req.on('error', reject);
      req.end();
    });
    expect(tls12).toMatch(/^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    const tls11 = new Promise((resolve, reject) => {
      const req = https.request(
        api('/health/live'),
        { ca: platform.nginx.ca, agent: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    await expect(tls11).rejects.toThrow(/protocol|version|handshake|alert/i);
  });

  it('speaks HTTP/2 when the client offers it', async () => {
    const session = http2.connect(platform.nginx.baseUrl, { ca: platform.nginx.ca });
    try {
      const { status, instance } = await new Promise<{ status: number; instance: string }>((resolve, reject) => {
        const stream = session.request({ ':path': '/health/live' });
        stream.on('response', (headers) => {
          resolve({ status: Number(headers[':status']), instance: String(headers['x-mymonit-instance']) });
          stream.resume();
        });
        stream.on('error', reject);
        stream.end();
      });
      expect(status).toBe(200);
      expect(['a', 'b']).toContain(instance);
    } finally {
      session.close();
    }
  });

  it('redirects plain HTTP to HTTPS with 301, keeping the path and query', async () => {
    const answer = await send(`http://127.0.0.1:${platform.nginx.httpPort}/experiments?limit=5`);
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe(`https://127.0.0.1:${platform.nginx.httpsPort}/experiments?limit=5`);
  });

  it('spreads requests over both instances', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i += 1) {
      const answer = await send(api('/health/ready'));
      expect(answer.status).toBe(200);
      seen.add(String(answer.headers['x-mymonit-instance']));
    }
    expect([...seen].sort()).toEqual(['a', 'b']);
  });

  it('adds the security headers to answers and to errors', async () => {
    for (const answer of [await send(api('/health/live')), await send(api('/me')), await send(api('/metrics'))]) {
      expect(answer.headers['strict-transport-security']).toMatch(/max-age=\d{8,}; includeSubDomains/);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers.server).toBe('nginx');
      expect(answer.headers['x-powered-by']).toBeUndefined();
    }
  });

  it.each(['/metrics', '/Metrics', '/METRICS', '/metrics/', '/metrics/.', '/metrics?x=1', '//metrics', '/%6detrics', '/health/../metrics', '/metrics/%2e'])(
    'does not publish the metrics at %s (404 from nginx, never reaching an instance)',
    async (rawPath) => {
      const answer = await send(api('/'), { rawPath });
      expectProblem(answer, 404, 'not-found');
      expect(answer.headers['x-mymonit-instance']).toBeUndefined();
      expect(answer.body).not.toContain('# HELP');
    },
  );

  it('passes a well-formed X-Request-Id through to the app and back', async () => {
    const answer = await send(api('/me'), { headers: { 'X-Request-Id': 'client-chosen.id:42' } });
    const body = expectProblem(answer, 401, 'unauthenticated');
    expect(answer.headers['x-request-id']).toBe('client-chosen.id:42');
    expect(body.requestId).toBe('client-chosen.id:42');
  });

  it('generates an X-Request-Id when there is none or it is malformed, and the app uses it', async () => {
    const cases: Array<Record<string, string>> = [{}, { 'X-Request-Id': 'not a valid id; <script>' }];
    for (const headers of cases) {
      const answer = await send(api('/me'), { headers });
      const body = expectProblem(answer, 401, 'unauthenticated');
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(body.requestId).toBe(answer.headers['x-request-id']);
    }
  });

  it('proxies authenticated API calls to the instances', async () => {
    const answer = await send(api('/me'), { headers: { Authorization: `Bearer ${adminToken}` } });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ role: 'ADMIN' });
  });

  it('answers an oversize body with 413 problem+json before it reaches an instance', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'a');
    const answer = await send(api('/users'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
      body,
    });
    const problem = expectProblem(answer, 413, 'payload-too-large');
    expect(problem.requestId).toBe(answer.headers['x-request-id']);
    expect(answer.headers['x-mymonit-instance']).toBeUndefined();
  });

  it('writes one JSON object per request to the access log, with the request id and the instance', async () => {
    await send(api('/health/live'), { headers: { 'X-Request-Id': 'access-log-check' } });
    const line = await eventually(
      () =>
        fs
          .readFileSync(platform.nginx.accessLogPath, 'utf8')
          .split('\n')
          .find((l) => l.includes('"access-log-check"')),
      (found) => found !== undefined,
      { timeoutMs: 5_000, intervalMs: 20, what: 'an access log line for the request' },
    );
    expect(JSON.parse(line ?? '')).toMatchObject({
      request_id: 'access-log-check',
      method: 'GET',
      uri: '/health/live',
      status: 200,
      instance: expect.stringMatching(/^[ab]$/),
    });
  });

  it('serves the web console at /ui/ with the app\'s CSP and the edge\'s headers, not rate limited like the API', async () => {
    await ensureWebBuilt();
    const answers = await Promise.all(Array.from({ length: 40 }, () => send(api('/ui/'))));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const [first] = answers;
    expect(first!.body).toContain('<div id="app">');
    expect(first!.headers['content-security-policy']).toContain("script-src 'self'");
    expect(first!.headers['x-frame-options']).toBe('DENY');
    expect(first!.headers['x-content-type-options']).toBe('nosniff');
    const config = await send(api('/ui-config'));
    expect(config.status).toBe(200);
    expect(config.json()).toEqual({ mode: 'local' });
  });

  it('rate limits the API per client with 429 problem+json, but not the health probes', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => send(api('/me'))));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expectProblem(limited[0]!, 429, 'too-many-requests');
    const probes = await Promise.all(Array.from({ length: 40 }, () => send(api('/health/live'))));
    expect(probes.every((a) => a.status === 200)).toBe(true);
  });

  it('answers 502 problem+json when both instances are down', async () => {
    await platform.stopInstances();
    for (const path of ['/health/live', '/health/ready', '/health/live']) {
      const answer = await send(api(path), { headers: { 'X-Request-Id': 'outage-1' } });
      const body = expectProblem(answer, 502, 'bad-gateway');
      expect(body.requestId).toBe('outage-1');
      expect(answer.headers['strict-transport-security']).toBeDefined();
    }
  });
});
