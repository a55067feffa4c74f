import type { CheckParams, DnsCheckParams, Host, HttpCheckParams, ProbeCheckParams, ProbeStep, TlsCheckParams } from '../../src/checks/model';
import type { CheckJob } from '../../src/checks/ports';

/**
 * Jobs and parameters for the built-in checks' tests, as the scheduler (P2) and parseCheckParams (P1) will
 * give them: parameters already validated, their defaults filled in.
 */
export function builtinJob(params: CheckParams, options: { address?: string; timeoutMs?: number; name?: string } = {}): CheckJob {
  const host: Host = { id: 7, experimentId: 3, name: 'host-under-test', address: options.address ?? '127.0.0.1', description: '' };
  return {
    checkId: 11,
    checkName: options.name ?? `${params.kind}_check`,
    checkVersion: 1,
    experimentId: 3,
    experiment: 'checks-test',
    kind: params.kind,
    params,
    timeoutMs: options.timeoutMs ?? 5000,
    host,
    scheduleId: 5,
    slotMs: Date.now(),
    fencingToken: 1,
  };
}

export function httpParams(fields: Partial<Omit<HttpCheckParams, 'kind'>> & Pick<HttpCheckParams, 'url'>): HttpCheckParams {
  return { kind: 'http', method: 'GET', headers: new Map(), expectStatus: [], bodyRegex: false, verifyTls: true, ...fields };
}

export function tlsParams(fields: Partial<Omit<TlsCheckParams, 'kind'>> & Pick<TlsCheckParams, 'port'>): TlsCheckParams {
  return { kind: 'tls', minDaysLeft: 0, ...fields };
}

export function dnsParams(fields: Partial<Omit<DnsCheckParams, 'kind'>> = {}): DnsCheckParams {
  return { kind: 'dns', recordType: 'A', ...fields };
}

export function probeStep(fields: Partial<ProbeStep> & Pick<ProbeStep, 'name' | 'url'>): ProbeStep {
  return { method: 'GET', headers: new Map(), expectStatus: [], ...fields };
}

export function probeParams(steps: readonly ProbeStep[]): ProbeCheckParams {
  return { kind: 'probe', steps };
}
