import dns from 'node:dns';
import net from 'node:net';
import type { Check, DnsCheck, HttpCheck, TcpCheck } from './config';

/** What one run of one check found. */
export interface ProbeResult {
  check: string;
  type: Check['type'];
  /** What was checked: the URL, host:port, or hostname. */
  target: string;
  success: boolean;
  durationMs: number;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Why it failed. */
  error?: string;
  startedAt: number;
}

export function targetOf(check: Check): string {
  switch (check.type) {
    case 'http':
      return check.url;
    case 'tcp':
      return `${check.host}:${check.port}`;
    case 'dns':
      return `${check.hostname} ${check.rrtype}${check.server ? ` @${check.server}` : ''}`;
  }
}

export function runCheck(check: Check, timeoutMs: number): Promise<ProbeResult> {
  switch (check.type) {
    case 'http':
      return httpCheck(check, timeoutMs);
    case 'tcp':
      return tcpCheck(check, timeoutMs);
    case 'dns':
      return dnsCheck(check, timeoutMs);
  }
}

/** True when `status` is what the check expects (a code, a class such as 2xx, or any of a list). */
export function statusMatches(status: number, expected: HttpCheck['expectStatus']): boolean {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((e) => (typeof e === 'number' ? e === status : Math.floor(status / 100) === Number(e[0])));
}

async function timed(check: Check, work: (signal: AbortSignal) => Promise<{ ok: true; status?: number } | { ok: false; status?: number; error: string }>, timeoutMs: number): Promise<ProbeResult> {
  const startedAt = Date.now();
  const start = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  let outcome: { ok: boolean; status?: number; error?: string };
  try {
    outcome = await work(signal);
  } catch (error) {
    const e = error as Error & { code?: string; cause?: { code?: string; message?: string } };
    const timedOut = signal.aborted || e.name === 'TimeoutError' || e.name === 'AbortError';
    outcome = { ok: false, error: timedOut ? `timed out after ${timeoutMs} ms` : (e.cause?.code ?? e.code ?? e.cause?.message ?? e.message) };
  }
  const result: ProbeResult = {
    check: check.name,
    type: check.type,
    target: targetOf(check),
    success: outcome.ok,
    durationMs: Math.round((performance.now() - start) * 1000) / 1000,
    startedAt,
  };
  if (outcome.status !== undefined) result.status = outcome.status;
  if (!outcome.ok) result.error = outcome.error;
  return result;
}

/** HTTP: the request, the expected status, the whole body read (and searched, when bodyContains is set). */
export function httpCheck(check: HttpCheck, timeoutMs: number): Promise<ProbeResult> {
  return timed(
    check,
    async (signal) => {
      const response = await fetch(check.url, {
        method: check.method,
        headers: check.headers,
        body: check.body,
        redirect: check.followRedirects ? 'follow' : 'manual',
        signal,
      });
      const text = await response.text();
      if (!statusMatches(response.status, check.expectStatus)) {
        return { ok: false, status: response.status, error: `status ${response.status}, expected ${JSON.stringify(check.expectStatus)}` };
      }
      if (check.bodyContains !== undefined && !text.includes(check.bodyContains)) {
        return { ok: false, status: response.status, error: `the body does not contain ${JSON.stringify(check.bodyContains)}` };
      }
      return { ok: true, status: response.status };
    },
    timeoutMs,
  );
}

/** TCP: a connection is established (then closed at once). */
export function tcpCheck(check: TcpCheck, timeoutMs: number): Promise<ProbeResult> {
  return timed(
    check,
    (signal) =>
      new Promise((resolve, reject) => {
        const socket = net.connect({ host: check.host, port: check.port });
        const onAbort = () => {
          socket.destroy();
          reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => {
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve({ ok: true });
        });
        socket.once('error', (error) => {
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          reject(error);
        });
      }),
    timeoutMs,
  );
}

/** DNS: the name resolves (to the expected value, when set), through a given server or the system resolver. */
export function dnsCheck(check: DnsCheck, timeoutMs: number): Promise<ProbeResult> {
  return timed(
    check,
    async (signal) => {
      const answers = await withAbort(resolveName(check, timeoutMs), signal);
      if (answers.length === 0) return { ok: false, error: 'no answer' };
      if (check.expect !== undefined && !answers.includes(check.expect)) {
        return { ok: false, error: `answer ${JSON.stringify(answers.slice(0, 5))} does not contain ${check.expect}` };
      }
      return { ok: true };
    },
    timeoutMs,
  );
}

async function resolveName(check: DnsCheck, timeoutMs: number): Promise<string[]> {
  if (!check.server) {
    if (check.rrtype !== 'A' && check.rrtype !== 'AAAA') throw new Error(`rrtype ${check.rrtype} needs a server (the system resolver looks up addresses only)`);
    const found = await dns.promises.lookup(check.hostname, { all: true, family: check.rrtype === 'A' ? 4 : 6 });
    return found.map((a) => a.address);
  }
  const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([check.server]);
  const raw: unknown = await resolver.resolve(check.hostname, check.rrtype);
  // SOA answers one record, the others a list; MX, SRV, CAA records are objects, TXT chunks arrays.
  const answer: unknown[] = Array.isArray(raw) ? raw : [raw];
  return answer.map((a) => (typeof a === 'string' ? a : Array.isArray(a) ? a.join('') : JSON.stringify(a)));
}

function withAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
