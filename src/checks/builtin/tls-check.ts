import type { CheckJob, CheckRunResult } from '../ports';
import { abortedFinding, describeError, runBounded } from './bounded-run';
import { certificateDetails, daysLeft, describeCertificate } from './certificate';
import { DEFAULT_CHECK_OPTIONS, paramsOf, type BuiltinCheckOptions } from './check-options';
import { hostPort, openConnection } from './connection';

/**
 * TLS certificate expiry: a handshake with the host's address and port (SNI serverName, default the address),
 * nothing sent. value = days left (fractional, negative once expired), also field cert_days_left. Fails when
 * the chain or name does not verify, or fewer than minDaysLeft days are left.
 */
export function runTlsCheck(job: CheckJob, signal: AbortSignal, options: Pick<BuiltinCheckOptions, 'trust'> = DEFAULT_CHECK_OPTIONS): Promise<CheckRunResult> {
  return runBounded(job, signal, async (bounded) => {
    const params = paramsOf(job, 'tls');
    const target = hostPort(job.host.address, params.port);
    let connection;
    try {
      connection = await openConnection(
        job.host.address,
        params.port,
        { ...(params.serverName === undefined ? {} : { serverName: params.serverName }), ...(options.trust ? { trust: options.trust } : {}) },
        bounded,
      );
    } catch (error) {
      if (bounded.aborted) return abortedFinding(bounded, `during the TLS handshake with ${target}`);
      return { outcome: 'failed', message: `no TLS handshake with ${target}: ${describeError(error)}` };
    }
    connection.socket.destroy();
    const peer = connection.tls;
    const certificate = peer?.certificate;
    if (!peer || !certificate) return { outcome: 'failed', message: `${target} sent no certificate` };
    const now = Date.now();
    const days = daysLeft(certificate, now);
    const fields = new Map([
      ['cert_days_left', days],
      ['connect_ms', connection.connectMs],
    ]);
    const found = { value: days, fields, details: { certificate: certificateDetails(certificate) } };
    const described = describeCertificate(certificate, now);
    if (!peer.authorized) {
      return { ...found, outcome: 'failed', message: `certificate not valid (${peer.authorizationError ?? 'unverified'}): ${described}` };
    }
    if (days < params.minDaysLeft) {
      return { ...found, outcome: 'failed', message: `certificate has ${days} days left (minimum ${params.minDaysLeft}): ${described}` };
    }
    return { ...found, outcome: 'ok', message: `certificate has ${days} days left: ${described}` };
  });
}
