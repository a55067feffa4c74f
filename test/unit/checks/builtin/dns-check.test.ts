import { runDnsCheck } from '../../../../src/checks/builtin/dns-check';
import { builtinJob, dnsParams } from '../../../support/checks-fakes-builtin';
import { startDnsServer, type RunningDnsServer } from '../../../support/dns-server';

describe('dns check', () => {
  let dns: RunningDnsServer;

  beforeAll(async () => {
    dns = await startDnsServer({
      records: new Map([
        ['web.mymonit.test', ['192.0.2.10', '192.0.2.11', '2001:db8::10']],
        ['db.mymonit.test', ['192.0.2.20']],
      ]),
      silent: new Set(['slow.mymonit.test']),
    });
  });
  afterAll(() => dns.stop());

  it('resolves through the given server: value = resolve ms, the answers in the message and details', async () => {
    const result = await runDnsCheck(builtinJob(dnsParams({ name: 'web.mymonit.test', server: dns.server })), new AbortController().signal);
    expect(result.outcome).toBe('ok');
    expect(result.value).toBeGreaterThan(0);
    expect(result.fields?.get('resolve_ms')).toBe(result.value);
    expect(result.fields?.get('answer_count')).toBe(2);
    expect(result.message).toBe(`A web.mymonit.test @${dns.server}: 192.0.2.10, 192.0.2.11 in ${result.value} ms`);
    expect(result.details).toEqual({ answers: ['192.0.2.10', '192.0.2.11'] });
    expect(dns.queries).toContain('web.mymonit.test');
  });

  it('resolves the host address when no name is given; AAAA answers compared in canonical form', async () => {
    const job = builtinJob(dnsParams({ recordType: 'AAAA', server: dns.server, expect: '2001:0db8:0:0::10' }), { address: 'web.mymonit.test' });
    const result = await runDnsCheck(job, new AbortController().signal);
    expect(result.outcome).toBe('ok');
    expect(result.message).toContain('AAAA web.mymonit.test');
  });

  it('fails when no answer equals expect', async () => {
    const result = await runDnsCheck(builtinJob(dnsParams({ name: 'db.mymonit.test', server: dns.server, expect: '192.0.2.99' })), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'failed', message: `A db.mymonit.test @${dns.server}: 192.0.2.20, not 192.0.2.99` });
  });

  it('fails on a name the server does not know (NXDOMAIN) and on a type it has no record of', async () => {
    const unknown = await runDnsCheck(builtinJob(dnsParams({ name: 'nowhere.mymonit.test', server: dns.server })), new AbortController().signal);
    expect(unknown).toMatchObject({ outcome: 'failed', message: `A nowhere.mymonit.test @${dns.server}: ENOTFOUND` });
    const noData = await runDnsCheck(builtinJob(dnsParams({ name: 'db.mymonit.test', recordType: 'AAAA', server: dns.server })), new AbortController().signal);
    expect(noData.outcome).toBe('failed');
    expect(noData.message).toMatch(/ENODATA|no answer/);
  });

  it('times out within job.timeoutMs on a server that does not answer', async () => {
    const started = Date.now();
    const result = await runDnsCheck(builtinJob(dnsParams({ name: 'slow.mymonit.test', server: dns.server }), { timeoutMs: 400 }), new AbortController().signal);
    expect(result.outcome).toBe('timeout');
    expect(result.message).toContain(`slow.mymonit.test @${dns.server}`);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('is an error (a setting, not the target) when the server is not an address', async () => {
    const result = await runDnsCheck(builtinJob(dnsParams({ name: 'db.mymonit.test', server: 'dns.example.org' })), new AbortController().signal);
    expect(result.outcome).toBe('error');
    expect(result.message).toMatch(/ERR_INVALID_IP_ADDRESS|Invalid IP address/);
  });
});
