import type { CheckJob, CheckRunResult } from '../ports';
import { abortedFinding, describeError, runBounded, type CheckFinding } from './bounded-run';
import { certificateDetails, daysLeft, describeCertificate } from './certificate';
import { DEFAULT_CHECK_OPTIONS, paramsOf, type BuiltinCheckOptions } from './check-options';
import type { PeerTls } from './connection';
import { bodyMatcher, describeStatuses, quote, statusAccepted } from './http-expectations';
import { httpExchange, TlsRefused } from './http-exchange';
import { requestHeaders, targetUrl } from './target-url';

/**
 * HTTP(S): one request on a fresh connection. Succeeds when the status is expected and the body (read up to
 * the limit) matches. value = latency_ms (connect to last byte read); fields status_code, latency_ms and,
 * over https, cert_days_left (reported even when verifyTls is off or the certificate is refused).
 */
export function runHttpCheck(job: CheckJob, signal: AbortSignal, options: BuiltinCheckOptions = DEFAULT_CHECK_OPTIONS): Promise<CheckRunResult> {
  return runBounded(job, signal, async (bounded) => {
    const params = paramsOf(job, 'http');
    const { url, authorization } = targetUrl(params.url, job.host.address);
    const matches = params.bodyMatch === undefined ? undefined : bodyMatcher(params.bodyMatch, params.bodyRegex);
    let exchange;
    try {
      exchange = await httpExchange(
        {
          url,
          method: params.method,
          headers: requestHeaders(params.headers, authorization),
          ...(params.body === undefined ? {} : { body: params.body }),
          verifyTls: params.verifyTls,
          ...(options.trust ? { trust: options.trust } : {}),
          maxBodyBytes: options.maxBodyBytes,
        },
        bounded,
      );
    } catch (error) {
      if (bounded.aborted) return abortedFinding(bounded, `waiting for ${url.host}`);
      if (error instanceof TlsRefused) return { ...certificateFindings(error.peer), outcome: 'failed', message: `${url.host}: ${tlsSummary(error.peer)}` };
      return { outcome: 'failed', message: `${url.host}: ${describeError(error)}` };
    }
    const cert = exchange.tls ? certificateFindings(exchange.tls) : { fields: new Map<string, number>() };
    const fields = new Map([['status_code', exchange.status], ['latency_ms', exchange.latencyMs], ...cert.fields]);
    const base = { value: exchange.latencyMs, fields, ...(cert.details === undefined ? {} : { details: cert.details }) };
    const head = `HTTP ${exchange.status}`;
    if (!statusAccepted(exchange.status, params.expectStatus)) {
      return { ...base, outcome: 'failed', message: `${head}, expected ${describeStatuses(params.expectStatus)}` };
    }
    if (matches && params.bodyMatch !== undefined && !matches(exchange.body)) {
      const what = params.bodyRegex ? `does not match /${params.bodyMatch.slice(0, 40)}/` : `does not contain ${quote(params.bodyMatch)}`;
      return { ...base, outcome: 'failed', message: `${head} but the body${exchange.truncated ? ` (first ${options.maxBodyBytes} bytes)` : ''} ${what}` };
    }
    const notes = [`in ${exchange.latencyMs} ms`];
    if (exchange.tls) notes.push(tlsNote(exchange.tls));
    return { ...base, outcome: 'ok', message: `${head} ${notes.join(', ')}` };
  });
}

type CertificateFindings = Pick<CheckFinding, 'details'> & { readonly fields: ReadonlyMap<string, number> };

function certificateFindings(peer: PeerTls): CertificateFindings {
  if (!peer.certificate) return { fields: new Map() };
  return { fields: new Map([['cert_days_left', daysLeft(peer.certificate, Date.now())]]), details: { certificate: certificateDetails(peer.certificate) } };
}

function tlsSummary(peer: PeerTls): string {
  const cert = peer.certificate ? `; ${describeCertificate(peer.certificate, Date.now())}` : '';
  return `TLS certificate not accepted (${peer.authorizationError ?? 'unverified'})${cert}`;
}

function tlsNote(peer: PeerTls): string {
  const days = peer.certificate ? `certificate expires in ${daysLeft(peer.certificate, Date.now())} days` : 'no certificate';
  return peer.authorized ? days : `${days} (not verified: ${peer.authorizationError ?? 'unverified'})`;
}
