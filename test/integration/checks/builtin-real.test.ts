import { BuiltinCheckExecutor } from '../../../src/checks/builtin/builtin-executor';
import type { CheckParams } from '../../../src/checks/model';
import type { CheckRunResult } from '../../../src/checks/ports';
import { builtinJob, dnsParams, httpParams, probeParams, probeStep, tlsParams } from '../../support/checks-fakes-builtin';
import { startDnsServer, type RunningDnsServer } from '../../support/dns-server';
import { freePort } from '../../support/free-port';
import { startObjectStore, type RunningObjectStore } from '../../support/object-store-server';
import { startStaticNginx, type RunningStaticNginx } from '../../support/static-nginx';
import { createTestPki, type IssuedCertificate, type TestPki } from '../../support/test-pki';

const DAY = 86_400_000;
const VALID_DAYS = 30;
const EXPIRED_DAYS_AGO = 2;

/**
 * The built-in checks against real servers on loopback (issue 14): Debian's nginx up then stopped, the
 * MariaDB of the test environment, closed ports, a valid and an expired certificate made by openssl for the
 * test and served by nginx, a DNS server, and a storage endpoint for the upload / download / delete probe.
 */
describe('built-in checks against real servers', () => {
  let pki: TestPki;
  let valid: IssuedCertificate;
  let expired: IssuedCertificate;
  let nginx: RunningStaticNginx;
  let httpPort: number;
  let validPort: number;
  let expiredPort: number;
  let executor: BuiltinCheckExecutor;

  const run = (params: CheckParams, address = '127.0.0.1', timeoutMs = 5000): Promise<CheckRunResult> =>
    executor.execute(builtinJob(params, { address, timeoutMs }), new AbortController().signal);

  beforeAll(async () => {
    pki = createTestPki();
    const now = Date.now();
    valid = pki.issue('valid', { notBeforeMs: now - DAY, notAfterMs: now + VALID_DAYS * DAY });
    expired = pki.issue('expired', { notBeforeMs: now - 90 * DAY, notAfterMs: now - EXPIRED_DAYS_AGO * DAY });
    nginx = await startStaticNginx([
      { body: 'mymonit nginx up\n' },
      { body: 'valid certificate\n', tls: valid },
      { body: 'expired certificate\n', tls: expired },
    ]);
    [httpPort = 0, validPort = 0, expiredPort = 0] = nginx.ports;
    executor = new BuiltinCheckExecutor({ extraCa: [pki.caCert] });
  });
  afterAll(async () => {
    await nginx.stop();
    pki.remove();
  });

  describe('nginx', () => {
    it('http: up -> ok with the status and the body matched', async () => {
      const result = await run(httpParams({ url: `http://{address}:${httpPort}/`, bodyMatch: 'nginx up' }));
      expect(result.outcome).toBe('ok');
      expect(result.fields?.get('status_code')).toBe(200);
      expect(result.value).toBeGreaterThan(0);
    });

    it('https on the valid certificate: ok, cert_days_left as the certificate says', async () => {
      const result = await run(httpParams({ url: `https://{address}:${validPort}/`, bodyMatch: 'valid certificate' }));
      expect(result.outcome).toBe('ok');
      expect(result.fields?.get('cert_days_left')).toBeCloseTo((valid.notAfterMs - Date.now()) / DAY, 2);
    });

    it('https on the expired certificate: failed, cert_days_left negative', async () => {
      const result = await run(httpParams({ url: `https://{address}:${expiredPort}/` }));
      expect(result.outcome).toBe('failed');
      expect(result.message).toContain('CERT_HAS_EXPIRED');
      expect(result.fields?.get('cert_days_left')).toBeCloseTo(-EXPIRED_DAYS_AGO, 2);
    });

    it('tls: the valid certificate -> ok with the days left; the expired one -> failed with negative days', async () => {
      const ok = await run(tlsParams({ port: validPort, minDaysLeft: 7 }));
      expect(ok.outcome).toBe('ok');
      expect(ok.value).toBeCloseTo((valid.notAfterMs - Date.now()) / DAY, 2);
      expect(ok.message).toContain(`issuer CN=${pki.caCommonName}`);
      const late = await run(tlsParams({ port: expiredPort }));
      expect(late.outcome).toBe('failed');
      expect(late.value).toBeCloseTo(-EXPIRED_DAYS_AGO, 2);
      expect(late.message).toMatch(/^certificate not valid \(CERT_HAS_EXPIRED\): expired /);
    });

    it('stopped -> the http, tcp and tls checks fail', async () => {
      await nginx.stop();
      const http = await run(httpParams({ url: `http://{address}:${httpPort}/` }));
      expect(http.outcome).toBe('failed');
      expect(http.message).toContain('ECONNREFUSED');
      const tcp = await run({ kind: 'tcp', port: httpPort });
      expect(tcp.outcome).toBe('failed');
      const tls = await run(tlsParams({ port: validPort }));
      expect(tls.outcome).toBe('failed');
    });
  });

  describe('MariaDB and closed ports', () => {
    it('tcp to the MariaDB server: ok', async () => {
      const host = process.env.DB_HOST ?? '127.0.0.1';
      const port = Number(process.env.DB_PORT ?? 3306);
      const result = await run({ kind: 'tcp', port }, host);
      expect(result.outcome).toBe('ok');
      expect(result.message).toMatch(/^connected to .+ in [\d.]+ ms$/);
    });

    it('tcp and tls to a closed port: failed, the refusal in the message', async () => {
      const port = await freePort();
      const tcp = await run({ kind: 'tcp', port });
      expect(tcp).toMatchObject({ outcome: 'failed', message: `cannot connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}` });
      const tls = await run(tlsParams({ port }));
      expect(tls).toMatchObject({ outcome: 'failed', message: `no TLS handshake with 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}` });
    });
  });

  describe('DNS', () => {
    let dns: RunningDnsServer;
    beforeAll(async () => {
      dns = await startDnsServer({ records: new Map([['storage.lake.test', ['192.0.2.41']]]) });
    });
    afterAll(() => dns.stop());

    it('a name the server knows: ok with the expected answer', async () => {
      const result = await run(dnsParams({ server: dns.server, expect: '192.0.2.41' }), 'storage.lake.test');
      expect(result.outcome).toBe('ok');
      expect(result.fields?.get('answer_count')).toBe(1);
      expect(dns.queries).toContain('storage.lake.test');
    });

    it('an unresolvable name: failed', async () => {
      const result = await run(dnsParams({ name: 'missing.lake.test', server: dns.server }));
      expect(result).toMatchObject({ outcome: 'failed', message: `A missing.lake.test @${dns.server}: ENOTFOUND` });
    });
  });

  describe('functional probe (upload / download / delete)', () => {
    let store: RunningObjectStore;
    beforeAll(async () => {
      store = await startObjectStore();
    });
    afterAll(() => store.stop());

    const probe = () => {
      const url = `http://{address}:${store.port}/objects/lake-probe.dat`;
      return probeParams([
        probeStep({ name: 'upload', method: 'PUT', url, body: 'ESCAPE probe payload', expectStatus: [201] }),
        probeStep({ name: 'download', url, bodyMatch: 'probe payload' }),
        probeStep({ name: 'delete', method: 'DELETE', url, expectStatus: [204] }),
      ]);
    };

    it('three steps succeed: ok, a duration per step', async () => {
      store.failDownloads = false;
      const result = await run(probe());
      expect(result.outcome).toBe('ok');
      expect(['step_upload_ms', 'step_download_ms', 'step_delete_ms'].every((field) => (result.fields?.get(field) ?? 0) > 0)).toBe(true);
      expect(store.objects.has('lake-probe.dat')).toBe(false);
    });

    it('the download failing: failed at that step, delete skipped', async () => {
      store.failDownloads = true;
      const result = await run(probe());
      expect(result.outcome).toBe('failed');
      expect(result.message).toBe('step download failed: HTTP 503, expected 200-399; 1 skipped');
      expect(result.details).toEqual([
        expect.objectContaining({ name: 'upload', outcome: 'ok' }),
        expect.objectContaining({ name: 'download', outcome: 'failed', status: 503 }),
        { name: 'delete', outcome: 'skipped' },
      ]);
    });
  });
});
