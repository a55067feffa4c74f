import { getEventListeners } from 'node:events';
import { abortedFinding, CheckTimeout, runBounded } from '../../../../src/checks/builtin/bounded-run';
import { BuiltinCheckExecutor } from '../../../../src/checks/builtin/builtin-executor';
import { daysLeft, parseOpensslTime } from '../../../../src/checks/builtin/certificate';
import { bodyMatcher, describeStatuses, statusAccepted } from '../../../../src/checks/builtin/http-expectations';
import { requestHeaders, targetUrl } from '../../../../src/checks/builtin/target-url';
import { BUILTIN_CHECK_KINDS } from '../../../../src/checks/model';
import { builtinJob, httpParams } from '../../../support/checks-fakes-builtin';

describe('certificate times', () => {
  it.each([
    ['Dec  1 19:02:41 2026 GMT', Date.UTC(2026, 11, 1, 19, 2, 41)],
    ['Jan 31 00:00:00 2030 GMT', Date.UTC(2030, 0, 31)],
    ['Feb 29 12:00:00 2028 GMT', Date.UTC(2028, 1, 29, 12)],
    // Date.UTC alone would read year 50 as 1950.
    ['Mar  1 00:00:00 0050 GMT', new Date('0050-03-01T00:00:00Z').getTime()],
  ])('reads OpenSSL time %j', (text, ms) => {
    expect(parseOpensslTime(text)).toBe(ms);
  });

  it.each(['Feb 30 00:00:00 2027 GMT', 'Feb 29 00:00:00 2027 GMT', 'Dec  1 24:00:00 2026 GMT', 'Xyz  1 00:00:00 2026 GMT', '2026-12-01T00:00:00Z', 'Dec  1 19:02:41 2026', ''])(
    'refuses %j rather than rolling it over',
    (text) => {
      expect(parseOpensslTime(text)).toBeUndefined();
    },
  );

  it('counts days left, fractional, negative once expired', () => {
    const facts = { validFromMs: 0, validToMs: Date.UTC(2027, 0, 1) };
    expect(daysLeft(facts, Date.UTC(2026, 11, 31, 12))).toBe(0.5);
    expect(daysLeft(facts, Date.UTC(2027, 0, 3))).toBe(-2);
  });
});

describe('http expectations', () => {
  it('expects 200-399 when no status is listed, else exactly the list', () => {
    expect([199, 200, 302, 399, 400].map((s) => statusAccepted(s, []))).toEqual([false, true, true, true, false]);
    expect([200, 204, 404].map((s) => statusAccepted(s, [204, 404]))).toEqual([false, true, true]);
  });

  it('describes the statuses as ranges', () => {
    expect(describeStatuses([])).toBe('200-399');
    expect(describeStatuses([204, 200, 201, 202, 404, 203])).toBe('200-204, 404');
  });

  it('matches RE2 regexes anywhere in the body, in linear time even for a pattern that backtracks elsewhere', () => {
    expect(bodyMatcher('ok \\d+', true)('status: ok 42')).toBe(true);
    const evil = bodyMatcher('(a+)+$', true);
    const started = performance.now();
    expect(evil(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(bodyMatcher('a.c', false)('abc')).toBe(false);
  });
});

describe('target URLs', () => {
  it('replaces every {address}, an IPv6 literal in brackets', () => {
    expect(targetUrl('http://{address}:8080/x?h={address}', '10.0.0.1').url.href).toBe('http://10.0.0.1:8080/x?h=10.0.0.1');
    expect(targetUrl('https://{address}/', 'fe80::1').url.host).toBe('[fe80::1]');
  });

  it('moves user info into a Basic authorization, out of the URL', () => {
    const { url, authorization } = targetUrl('http://user:p%40ss@{address}/', 'h.example');
    expect(url.href).toBe('http://h.example/');
    expect(authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    expect(requestHeaders(new Map([['authorization', 'Token t']]), authorization).get('Authorization')).toBeUndefined();
    expect(requestHeaders(new Map(), authorization).get('Authorization')).toBe(authorization);
  });

  it('refuses other schemes and URLs that do not parse, without repeating them', () => {
    expect(() => targetUrl('file:///etc/passwd', 'h')).toThrow("the URL's scheme file: is not http or https");
    expect(() => targetUrl('http://{address}:99999/token=abc', 'h')).toThrow('the URL is not valid once {address} is replaced');
  });
});

describe('bounded runs', () => {
  it('abandons a check that ignores the abort, answering a timeout', async () => {
    const result = await runBounded({ timeoutMs: 50 }, new AbortController().signal, () => new Promise(() => undefined));
    expect(result).toMatchObject({ outcome: 'timeout', message: 'timed out after 50 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(50);
  });

  it('turns an unexpected throw into an error with a short message', async () => {
    const result = await runBounded({ timeoutMs: 1000 }, new AbortController().signal, () => Promise.reject(new Error('boom\n    at somewhere')));
    expect(result).toMatchObject({ outcome: 'error', message: 'boom' });
  });

  it('leaves no listener on the caller\'s long-lived signal after a run', async () => {
    const caller = new AbortController();
    await runBounded({ timeoutMs: 1000 }, caller.signal, () => Promise.resolve({ outcome: 'ok', message: 'fine' }));
    await runBounded({ timeoutMs: 1000 }, caller.signal, () => Promise.reject(new Error('boom')));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('answers at once for a caller signal aborted before the run', async () => {
    const result = await runBounded({ timeoutMs: 1000 }, AbortSignal.abort(), (signal) =>
      signal.aborted ? Promise.reject(signal.reason) : Promise.resolve({ outcome: 'ok', message: 'ran' }),
    );
    expect(result).toMatchObject({ outcome: 'error', message: 'aborted' });
  });

  it('takes a caller abort at the job\'s deadline for the timeout, whatever its reason (a scheduler timing the job too)', async () => {
    const caller = new AbortController();
    const timer = setTimeout(() => caller.abort(new Error('deadline')), 100);
    const result = await runBounded({ timeoutMs: 120 }, caller.signal, (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    clearTimeout(timer);
    expect(result).toMatchObject({ outcome: 'timeout', message: 'timed out after 120 ms' });
  });

  it("takes a caller's abort named TimeoutError for a timeout long before the job's deadline, with its message", async () => {
    const caller = new AbortController();
    const timer = setTimeout(() => caller.abort(new DOMException('timed out after 10 ms', 'TimeoutError')), 10);
    const result = await runBounded({ timeoutMs: 60_000 }, caller.signal, (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    clearTimeout(timer);
    expect(result).toMatchObject({ outcome: 'timeout', message: 'timed out after 10 ms' });
    expect(result.durationMs).toBeLessThan(1_000);
  });

  it('tells a caller timeout from a shutdown', () => {
    expect(abortedFinding(AbortSignal.abort(new CheckTimeout(10)), 'x')).toMatchObject({ outcome: 'timeout', message: 'timed out after 10 ms x' });
    expect(abortedFinding(AbortSignal.abort(new DOMException('t', 'TimeoutError')), 'x')).toMatchObject({ outcome: 'timeout', message: 'timed out x' });
    expect(abortedFinding(AbortSignal.abort(), 'x')).toMatchObject({ outcome: 'error', message: 'aborted x' });
  });
});

describe('BuiltinCheckExecutor', () => {
  it('runs the built-in kinds', () => {
    expect(new BuiltinCheckExecutor().kinds).toEqual(BUILTIN_CHECK_KINDS);
  });

  it('answers an error for a job whose kind and parameters disagree, or a kind it does not run', async () => {
    const executor = new BuiltinCheckExecutor();
    const mismatched = { ...builtinJob(httpParams({ url: 'http://{address}/' })), kind: 'tcp' as const };
    expect(await executor.execute(mismatched, new AbortController().signal)).toMatchObject({ outcome: 'error', message: 'a tcp check with http parameters' });
    const plugin = builtinJob({ kind: 'plugin', args: [] });
    expect(await executor.execute(plugin, new AbortController().signal)).toMatchObject({ outcome: 'error', message: 'plugin checks are not built in' });
  });
});
