import { inject, injectable, optional } from 'inversify';
import { BUILTIN_CHECK_KINDS, type CheckKind } from '../model';
import type { CheckExecutor, CheckJob, CheckRunResult } from '../ports';
import { runBounded } from './bounded-run';
import { DEFAULT_MAX_BODY_BYTES, trustingAlso, type BuiltinCheckOptions } from './check-options';
import { runDnsCheck } from './dns-check';
import { runHttpCheck } from './http-check';
import { runProbeCheck } from './probe-check';
import { runTcpCheck } from './tcp-check';
import { runTlsCheck } from './tls-check';

/** Options of the executor: certificates trusted besides node's roots (PEM), and the HTTP body limit. */
export interface BuiltinExecutorOptions {
  readonly extraCa?: readonly string[];
  readonly maxBodyBytes?: number;
}

/** Where the container finds BuiltinExecutorOptions (optional: the defaults without a binding). */
export const BUILTIN_EXECUTOR_OPTIONS = Symbol.for('BuiltinExecutorOptions');

/** BuiltinCheckExecutor runs the checks the core makes itself (http, tcp, dns, tls, probe), each from this process. */
@injectable()
export class BuiltinCheckExecutor implements CheckExecutor {
  readonly kinds: readonly CheckKind[] = BUILTIN_CHECK_KINDS;
  private readonly options: BuiltinCheckOptions;

  constructor(@inject(BUILTIN_EXECUTOR_OPTIONS) @optional() options: BuiltinExecutorOptions = {}) {
    this.options = {
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(options.extraCa && options.extraCa.length > 0 ? { trust: trustingAlso(options.extraCa) } : {}),
    };
  }

  execute(job: CheckJob, signal: AbortSignal): Promise<CheckRunResult> {
    if (job.kind !== job.params.kind) {
      const message = `a ${job.kind} check with ${job.params.kind} parameters`;
      return runBounded(job, signal, () => Promise.resolve({ outcome: 'error', message }));
    }
    switch (job.params.kind) {
      case 'http':
        return runHttpCheck(job, signal, this.options);
      case 'tcp':
        return runTcpCheck(job, signal);
      case 'dns':
        return runDnsCheck(job, signal);
      case 'tls':
        return runTlsCheck(job, signal, this.options);
      case 'probe':
        return runProbeCheck(job, signal, this.options);
      case 'plugin':
      case 'mesh': {
        const { kind } = job.params;
        return runBounded(job, signal, () => Promise.resolve({ outcome: 'error', message: `${kind} checks are not built in` }));
      }
    }
  }
}
