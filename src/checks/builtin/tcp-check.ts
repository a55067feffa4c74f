import type { CheckJob, CheckRunResult } from '../ports';
import { abortedFinding, describeError, runBounded } from './bounded-run';
import { paramsOf } from './check-options';
import { hostPort, openConnection } from './connection';

/** TCP connect to the host's address and port, closed at once. value = connect_ms; refused or unreachable: failed. */
export function runTcpCheck(job: CheckJob, signal: AbortSignal): Promise<CheckRunResult> {
  return runBounded(job, signal, async (bounded) => {
    const { port } = paramsOf(job, 'tcp');
    const target = hostPort(job.host.address, port);
    try {
      const { socket, connectMs } = await openConnection(job.host.address, port, undefined, bounded);
      socket.destroy();
      return { outcome: 'ok', value: connectMs, fields: new Map([['connect_ms', connectMs]]), message: `connected to ${target} in ${connectMs} ms` };
    } catch (error) {
      if (bounded.aborted) return abortedFinding(bounded, `connecting to ${target}`);
      return { outcome: 'failed', message: `cannot connect to ${target}: ${describeError(error)}` };
    }
  });
}
