import dns from 'node:dns';
import net from 'node:net';
import type { DnsCheckParams } from '../model';
import type { CheckJob, CheckRunResult } from '../ports';
import { abortedFinding, describeError, runBounded, since } from './bounded-run';
import { paramsOf } from './check-options';

/** Answers that say something about the name or the server (the target), not about the check's settings. */
const TARGET_FAILURES = new Set(['ENODATA', 'ENOTFOUND', 'ESERVFAIL', 'EREFUSED', 'ECONNREFUSED', 'EFORMERR', 'ENOTIMP', 'EBADRESP', 'EEOF']);
const SHOWN_ANSWERS = 5;

/**
 * DNS: resolves the name (default: the host's address) for the record type through `server` (host or
 * host:port) or the system's configured servers, with node's resolver (c-ares: DNS queries, not
 * /etc/hosts). value = resolve_ms; fields resolve_ms, answer_count. `expect`: one answer must equal it.
 */
export function runDnsCheck(job: CheckJob, signal: AbortSignal): Promise<CheckRunResult> {
  return runBounded(job, signal, async (bounded) => {
    const params = paramsOf(job, 'dns');
    const name = params.name ?? job.host.address;
    const query = `${params.recordType} ${name}${params.server === undefined ? '' : ` @${params.server}`}`;
    // Two tries whose timeouts (c-ares doubles the second) fit in the job's.
    const resolver = new dns.promises.Resolver({ timeout: Math.max(1, Math.floor(job.timeoutMs / 3)), tries: 2 });
    if (params.server !== undefined) resolver.setServers([params.server]);
    const cancel = () => resolver.cancel();
    bounded.addEventListener('abort', cancel, { once: true });
    const start = performance.now();
    let answers: readonly string[];
    try {
      answers = await resolveAnswers(resolver, name, params.recordType);
    } catch (error) {
      if (bounded.aborted) return abortedFinding(bounded, `resolving ${query}`);
      const code = (error as { code?: unknown }).code;
      if (code === 'ETIMEOUT') return { outcome: 'timeout', message: `no answer to ${query} (ETIMEOUT)` };
      if (typeof code === 'string' && TARGET_FAILURES.has(code)) return { outcome: 'failed', message: `${query}: ${code}` };
      return { outcome: 'error', message: `${query}: ${describeError(error)}` };
    } finally {
      bounded.removeEventListener('abort', cancel);
    }
    const resolveMs = since(start);
    const found = { value: resolveMs, fields: new Map([['resolve_ms', resolveMs], ['answer_count', answers.length]]), details: { answers: answers.slice(0, 20) } };
    const shown = `${answers.slice(0, SHOWN_ANSWERS).join(', ')}${answers.length > SHOWN_ANSWERS ? `, … (${answers.length})` : ''}`;
    if (answers.length === 0) return { ...found, outcome: 'failed', message: `${query}: no answer` };
    if (params.expect !== undefined) {
      const wanted = normalized(params.expect, params.recordType);
      if (!answers.some((answer) => normalized(answer, params.recordType) === wanted)) {
        return { ...found, outcome: 'failed', message: `${query}: ${shown}, not ${params.expect}` };
      }
    }
    return { ...found, outcome: 'ok', message: `${query}: ${shown} in ${resolveMs} ms` };
  });
}

/** The answers as text: addresses and names as given, MX as `priority exchange`, TXT chunks joined. */
async function resolveAnswers(resolver: dns.promises.Resolver, name: string, type: DnsCheckParams['recordType']): Promise<readonly string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'NS':
      return resolver.resolveNs(name);
    case 'MX':
      return (await resolver.resolveMx(name)).map((mx) => `${mx.priority} ${mx.exchange}`);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  }
}

/**
 * The form answers are compared in: addresses canonical (`0:0::1` is `::1`), names without case or the final
 * dot; an MX expectation may name the exchange alone. TXT as is.
 */
function normalized(text: string, type: DnsCheckParams['recordType']): string {
  switch (type) {
    case 'A':
    case 'AAAA':
      return net.isIP(text) === 0 ? text : new net.SocketAddress({ address: text, family: net.isIPv6(text) ? 'ipv6' : 'ipv4' }).address;
    case 'CNAME':
    case 'NS':
      return name(text);
    case 'MX':
      return name(text.replace(/^\d+ /, ''));
    case 'TXT':
      return text;
  }
}

function name(text: string): string {
  return text.toLowerCase().replace(/\.$/, '');
}
