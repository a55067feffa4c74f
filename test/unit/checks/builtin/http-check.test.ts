import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { runHttpCheck } from '../../../../src/checks/builtin/http-check';
import { trustingAlso } from '../../../../src/checks/builtin/check-options';
import { closeServer } from '../../../../lib/http/close-server';
import { builtinJob, httpParams } from '../../../support/checks-fakes-builtin';
import { freePort } from '../../../support/free-port';
import { createTestPki, type TestPki } from '../../../support/test-pki';

const DAY = 86_400_000;

describe('http check', () => {
  let server: http.Server;
  let base: string;
  const seen: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      const path = req.url ?? '/';
      if (path === '/ok') return void res.end('status: all systems nominal');
      if (path === '/down') return void res.writeHead(503).end('maintenance');
      if (path === '/large') {
        res.write('x'.repeat(64 * 1024));
        return void res.end('NEEDLE');
      }
      if (path === '/hang') return; // never answers
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://{address}:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(server, 100));

  it('succeeds with the status, the latency as value and the fields status_code and latency_ms', async () => {
    const result = await runHttpCheck(builtinJob(httpParams({ url: `${base}/ok`, bodyMatch: 'nominal' })), new AbortController().signal);
    expect(result.outcome).toBe('ok');
    expect(result.fields?.get('status_code')).toBe(200);
    expect(result.value).toBe(result.fields?.get('latency_ms'));
    expect(result.value).toBeGreaterThan(0);
    expect(result.message).toMatch(/^HTTP 200 in [\d.]+ ms$/);
    expect(result.fields?.has('cert_days_left')).toBe(false);
  });

  it('makes HEAD requests (no body to read)', async () => {
    const result = await runHttpCheck(builtinJob(httpParams({ url: `${base}/ok`, method: 'HEAD' })), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'ok' });
    expect(result.fields?.get('status_code')).toBe(200);
  });

  it('fails on a status outside expectStatus, naming what was expected', async () => {
    const result = await runHttpCheck(builtinJob(httpParams({ url: `${base}/down` })), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'failed', message: 'HTTP 503, expected 200-399' });
    expect(result.fields?.get('status_code')).toBe(503);
    const accepted = await runHttpCheck(builtinJob(httpParams({ url: `${base}/down`, expectStatus: [200, 503] })), new AbortController().signal);
    expect(accepted.outcome).toBe('ok');
  });

  it('matches the body by substring or RE2 regex', async () => {
    const missing = await runHttpCheck(builtinJob(httpParams({ url: `${base}/ok`, bodyMatch: 'degraded' })), new AbortController().signal);
    expect(missing).toMatchObject({ outcome: 'failed', message: 'HTTP 200 but the body does not contain "degraded"' });
    const regex = await runHttpCheck(builtinJob(httpParams({ url: `${base}/ok`, bodyMatch: 'all \\w+ nominal$', bodyRegex: true })), new AbortController().signal);
    expect(regex.outcome).toBe('ok');
    const noRegexMatch = await runHttpCheck(builtinJob(httpParams({ url: `${base}/ok`, bodyMatch: '^nominal', bodyRegex: true })), new AbortController().signal);
    expect(noRegexMatch).toMatchObject({ outcome: 'failed', message: 'HTTP 200 but the body does not match /^nominal/' });
  });

  it('reads the body up to the limit only: a match past it is not found', async () => {
    const job = builtinJob(httpParams({ url: `${base}/large`, bodyMatch: 'NEEDLE' }));
    const limited = await runHttpCheck(job, new AbortController().signal, { maxBodyBytes: 1024 });
    expect(limited).toMatchObject({ outcome: 'failed', message: 'HTTP 200 but the body (first 1024 bytes) does not contain "NEEDLE"' });
    const whole = await runHttpCheck(job, new AbortController().signal, { maxBodyBytes: 1024 * 1024 });
    expect(whole.outcome).toBe('ok');
  });

  it('times out after job.timeoutMs when the server does not answer', async () => {
    const started = Date.now();
    const result = await runHttpCheck(builtinJob(httpParams({ url: `${base}/hang` }), { timeoutMs: 300 }), new AbortController().signal);
    expect(result.outcome).toBe('timeout');
    expect(result.message).toMatch(/^timed out after 300 ms waiting for 127\.0\.0\.1:\d+$/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.durationMs).toBeGreaterThanOrEqual(299);
  });

  it('stops when the caller aborts (an error, not a failure of the target)', async () => {
    const controller = new AbortController();
    const running = runHttpCheck(builtinJob(httpParams({ url: `${base}/hang` }), { timeoutMs: 30_000 }), controller.signal);
    controller.abort(new Error('shutting down'));
    const result = await running;
    expect(result.outcome).toBe('error');
    expect(result.message).toMatch(/^aborted waiting for/);
  });

  it('fails when nothing listens, with the error in the message', async () => {
    const port = await freePort();
    const result = await runHttpCheck(builtinJob(httpParams({ url: `http://{address}:${port}/` })), new AbortController().signal);
    expect(result.outcome).toBe('failed');
    expect(result.message).toContain('ECONNREFUSED');
    expect(result.value).toBeUndefined();
  });

  it('sends URL credentials as Basic authorization and never repeats them in the message', async () => {
    seen.length = 0;
    const result = await runHttpCheck(builtinJob(httpParams({ url: base.replace('//', '//probe:s3cr%3At@') + '/down' })), new AbortController().signal);
    expect(result.outcome).toBe('failed');
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('probe:s3cr:t').toString('base64')}`);
    expect(JSON.stringify({ ...result, fields: [...(result.fields ?? [])] })).not.toMatch(/s3cr|probe:|Basic/);
  });

  it('sends the check headers; one of them naming Authorization wins over URL credentials', async () => {
    seen.length = 0;
    const headers = new Map([['Authorization', 'Bearer abc'], ['X-Probe', 'yes']]);
    await runHttpCheck(builtinJob(httpParams({ url: base.replace('//', '//u:p@') + '/ok', headers })), new AbortController().signal);
    expect(seen[0]).toMatchObject({ authorization: 'Bearer abc', 'x-probe': 'yes' });
  });

  it('is an error, without the URL, when the URL is unusable once the address is in', async () => {
    const result = await runHttpCheck(builtinJob(httpParams({ url: 'ftp://{address}/secret-token' })), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'error' });
    expect(result.message).not.toContain('secret-token');
  });

  it('puts an IPv6 address in brackets', async () => {
    const v6 = http.createServer((_req, res) => res.end('v6'));
    const listening = await new Promise<boolean>((resolve) => {
      v6.once('error', () => resolve(false));
      v6.listen(0, '::1', () => resolve(true));
    });
    if (!listening) throw new Error('this machine has no ::1 loopback: the IPv6 case cannot be shown');
    try {
      const url = `http://{address}:${(v6.address() as AddressInfo).port}/`;
      const result = await runHttpCheck(builtinJob(httpParams({ url, bodyMatch: 'v6' }), { address: '::1' }), new AbortController().signal);
      expect(result.outcome).toBe('ok');
    } finally {
      await closeServer(v6, 100);
    }
  });

  describe('over https', () => {
    let pki: TestPki;
    let tlsServer: https.Server;
    let expiredServer: https.Server;
    let validPort: number;
    let expiredPort: number;
    let validNotAfter: number;
    const requests: string[] = [];

    beforeAll(async () => {
      pki = createTestPki();
      const now = Date.now();
      const valid = pki.issue('valid', { notBeforeMs: now - DAY, notAfterMs: now + 30 * DAY });
      const expired = pki.issue('expired', { notBeforeMs: now - 60 * DAY, notAfterMs: now - 2 * DAY });
      validNotAfter = valid.notAfterMs;
      const handler: http.RequestListener = (req, res) => {
        requests.push(req.url ?? '');
        res.end('secure');
      };
      tlsServer = https.createServer({ key: valid.key, cert: valid.cert }, handler);
      expiredServer = https.createServer({ key: expired.key, cert: expired.cert }, handler);
      await Promise.all([tlsServer, expiredServer].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()))));
      validPort = (tlsServer.address() as AddressInfo).port;
      expiredPort = (expiredServer.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await Promise.all([closeServer(tlsServer, 100), closeServer(expiredServer, 100)]);
      pki.remove();
    });

    it('reports cert_days_left of a trusted certificate', async () => {
      const options = { trust: trustingAlso([pki.caCert]), maxBodyBytes: 1024 };
      const result = await runHttpCheck(builtinJob(httpParams({ url: `https://{address}:${validPort}/`, bodyMatch: 'secure' })), new AbortController().signal, options);
      expect(result.outcome).toBe('ok');
      const expected = (validNotAfter - Date.now()) / DAY;
      expect(result.fields?.get('cert_days_left')).toBeCloseTo(expected, 2);
      expect(result.message).toMatch(new RegExp(`^HTTP 200 in [\\d.]+ ms, certificate expires in ${result.fields?.get('cert_days_left')} days$`));
    });

    it('refuses an untrusted certificate before sending the request, still reporting its days left', async () => {
      requests.length = 0;
      const result = await runHttpCheck(builtinJob(httpParams({ url: `https://{address}:${validPort}/private` })), new AbortController().signal);
      expect(result.outcome).toBe('failed');
      expect(result.message).toMatch(/TLS certificate not accepted \((UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\); expires .*subject CN=localhost, issuer CN=MyMONIT test CA/);
      expect(result.fields?.get('cert_days_left')).toBeGreaterThan(29);
      expect(requests).toEqual([]);
    });

    it('with verifyTls false, answers the request and reports an expired certificate as negative days', async () => {
      const result = await runHttpCheck(builtinJob(httpParams({ url: `https://{address}:${expiredPort}/`, verifyTls: false })), new AbortController().signal);
      expect(result.outcome).toBe('ok');
      expect(result.fields?.get('cert_days_left')).toBeCloseTo(-2, 2);
      expect(result.message).toContain('not verified:');
    });
  });
});
