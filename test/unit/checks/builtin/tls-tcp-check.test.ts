import net from 'node:net';
import tls, { type SecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { runTcpCheck } from '../../../../src/checks/builtin/tcp-check';
import { runTlsCheck } from '../../../../src/checks/builtin/tls-check';
import { trustingAlso } from '../../../../src/checks/builtin/check-options';
import { builtinJob, tlsParams } from '../../../support/checks-fakes-builtin';
import { freePort } from '../../../support/free-port';
import { createTestPki, type IssuedCertificate, type TestPki } from '../../../support/test-pki';

const DAY = 86_400_000;

function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

const connections = new WeakMap<net.Server, Set<net.Socket>>();

/** Closes the server and the connections it still holds (a silent server keeps them). */
function close(server: net.Server): Promise<void> {
  for (const socket of connections.get(server) ?? []) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function tracked<S extends net.Server>(server: S): S {
  const sockets = new Set<net.Socket>();
  connections.set(server, sockets);
  server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return server;
}

describe('tcp check', () => {
  it('connects: value = connect ms', async () => {
    const server = net.createServer((socket) => socket.end());
    const port = await listen(server);
    try {
      const result = await runTcpCheck(builtinJob({ kind: 'tcp', port }), new AbortController().signal);
      expect(result.outcome).toBe('ok');
      expect(result.value).toBeGreaterThan(0);
      expect(result.fields?.get('connect_ms')).toBe(result.value);
      expect(result.message).toBe(`connected to 127.0.0.1:${port} in ${result.value} ms`);
    } finally {
      await close(server);
    }
  });

  it('fails on a refused connection, with the error', async () => {
    const port = await freePort();
    const result = await runTcpCheck(builtinJob({ kind: 'tcp', port }), new AbortController().signal);
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe(`cannot connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(result.value).toBeUndefined();
  });

  it('fails on a name that does not resolve', async () => {
    const result = await runTcpCheck(builtinJob({ kind: 'tcp', port: 80 }, { address: 'no-such-host.invalid' }), new AbortController().signal);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^cannot connect to no-such-host\.invalid:80: .*(ENOTFOUND|EAI_AGAIN)/);
  });
});

describe('tls check', () => {
  let pki: TestPki;
  const servers: net.Server[] = [];
  let valid: IssuedCertificate;
  let validPort: number;
  let expiredPort: number;
  let trust: SecureContext;

  async function serve(cert: IssuedCertificate): Promise<number> {
    const server = tracked(tls.createServer({ key: cert.key, cert: cert.cert }, (socket) => socket.end()));
    servers.push(server);
    return listen(server);
  }

  beforeAll(async () => {
    pki = createTestPki();
    const now = Date.now();
    valid = pki.issue('valid', { notBeforeMs: now - DAY, notAfterMs: now + 45 * DAY });
    const expired = pki.issue('expired', { notBeforeMs: now - 90 * DAY, notAfterMs: now - 3 * DAY });
    [validPort, expiredPort] = await Promise.all([serve(valid), serve(expired)]);
    trust = trustingAlso([pki.caCert]);
  });
  afterAll(async () => {
    await Promise.all(servers.map(close));
    pki.remove();
  });

  it('a valid certificate: ok, value = fractional days left, the expiry, subject and issuer in the message', async () => {
    const result = await runTlsCheck(builtinJob(tlsParams({ port: validPort })), new AbortController().signal, { trust });
    expect(result.outcome).toBe('ok');
    expect(result.value).toBeCloseTo((valid.notAfterMs - Date.now()) / DAY, 2);
    expect(result.fields?.get('cert_days_left')).toBe(result.value);
    const expiry = new Date(valid.notAfterMs).toISOString().replace('.000Z', 'Z');
    expect(result.message).toBe(`certificate has ${result.value} days left: expires ${expiry}, subject CN=localhost, issuer CN=MyMONIT test CA`);
    expect(result.details).toMatchObject({ certificate: { subjectCn: 'localhost', issuerCn: 'MyMONIT test CA' } });
  });

  it('fails below minDaysLeft', async () => {
    const result = await runTlsCheck(builtinJob(tlsParams({ port: validPort, minDaysLeft: 60 })), new AbortController().signal, { trust });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^certificate has (44\.9\d*|45) days left \(minimum 60\): expires /);
  });

  it('an expired certificate: failed, negative days', async () => {
    const result = await runTlsCheck(builtinJob(tlsParams({ port: expiredPort })), new AbortController().signal, { trust });
    expect(result.outcome).toBe('failed');
    expect(result.value).toBeCloseTo(-3, 2);
    expect(result.message).toMatch(/^certificate not valid \(CERT_HAS_EXPIRED\): expired \d{4}-\d\d-\d\dT[\d:]+Z, subject CN=localhost, issuer CN=MyMONIT test CA$/);
  });

  it('a certificate that does not name the server: failed', async () => {
    const result = await runTlsCheck(builtinJob(tlsParams({ port: validPort, serverName: 'www.example.org' })), new AbortController().signal, { trust });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^certificate not valid \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
    expect(result.value).toBeGreaterThan(44);
  });

  it('an untrusted chain: failed', async () => {
    const result = await runTlsCheck(builtinJob(tlsParams({ port: validPort })), new AbortController().signal);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^certificate not valid \((UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
  });

  it('a port that is not TLS: failed; nothing listening: failed', async () => {
    const plain = tracked(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH\r\n')));
    servers.push(plain);
    const plainPort = await listen(plain);
    const notTls = await runTlsCheck(builtinJob(tlsParams({ port: plainPort })), new AbortController().signal, { trust });
    expect(notTls.outcome).toBe('failed');
    expect(notTls.message).toMatch(/^no TLS handshake with 127\.0\.0\.1:\d+: /);
    const closedPort = await freePort();
    const closed = await runTlsCheck(builtinJob(tlsParams({ port: closedPort })), new AbortController().signal, { trust });
    expect(closed).toMatchObject({ outcome: 'failed', message: `no TLS handshake with 127.0.0.1:${closedPort}: connect ECONNREFUSED 127.0.0.1:${closedPort}` });
  });

  it('a server that accepts but never answers the handshake: timeout', async () => {
    const silent = tracked(net.createServer(() => undefined));
    servers.push(silent);
    const port = await listen(silent);
    const result = await runTlsCheck(builtinJob(tlsParams({ port }), { timeoutMs: 200 }), new AbortController().signal, { trust });
    expect(result).toMatchObject({ outcome: 'timeout', message: `timed out after 200 ms during the TLS handshake with 127.0.0.1:${port}` });
  });
});
