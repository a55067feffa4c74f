import type { CheckKind } from '../../checks/model';
import type { CheckExecutor, CheckJob, CheckRunResult } from '../../checks/ports';

/** Whether an abort reason is a timeout: named TimeoutError, as the runner's own and AbortSignal.timeout()'s are. */
function isTimeout(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

/** The longest a job may take whatever its check says (a check's timeout is validated at the API). */
const MAX_TIMEOUT_MS = 10 * 60_000;

/**
 * CheckJobRunner runs a job through the executor bound for its kind, within the job's timeout: the
 * executor's signal aborts at job.timeoutMs, and an executor that has not answered `graceMs` later is
 * given up on (a `timeout` result). The timeout's abort reason is named `TimeoutError`; a stop's is the
 * stop signal's own. It never throws: no executor for the kind, or an executor that throws,
 * is an `error` result saying so.
 */
export class CheckJobRunner {
  private readonly byKind = new Map<CheckKind, CheckExecutor>();

  constructor(executors: readonly CheckExecutor[], private readonly graceMs: number) {
    // The first binding for a kind wins: two executors for one kind is a wiring mistake, not a choice per job.
    for (const executor of executors) for (const kind of executor.kinds) if (!this.byKind.has(kind)) this.byKind.set(kind, executor);
  }

  kinds(): readonly CheckKind[] {
    return [...this.byKind.keys()];
  }

  /** `stop` aborts the run without a result worth recording (the process is stopping or lost the slot). */
  async run(job: CheckJob, stop: AbortSignal): Promise<CheckRunResult> {
    const startedAtMs = Date.now();
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const executor = this.byKind.get(job.kind);
    if (!executor) return { outcome: 'error', message: `no executor runs ${job.kind} checks in this process`, startedAtMs, durationMs: 0 };
    const timeoutMs = Number.isFinite(job.timeoutMs) && job.timeoutMs > 0 ? Math.min(job.timeoutMs, MAX_TIMEOUT_MS) : MAX_TIMEOUT_MS;
    const controller = new AbortController();
    const onStop = () => controller.abort(stop.reason);
    stop.addEventListener('abort', onStop, { once: true });
    // Named as AbortSignal.timeout() names its reason: an executor tells a timeout from a stop by the name, not by the clock.
    const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    let giveUp: NodeJS.Timeout | undefined;
    const abandoned = new Promise<CheckRunResult>((resolve) => {
      giveUp = setTimeout(
        () => resolve({ outcome: 'timeout', message: `no answer within ${timeoutMs} ms`, startedAtMs, durationMs: elapsed() }),
        timeoutMs + this.graceMs,
      );
    });
    try {
      return await Promise.race([executor.execute(job, controller.signal), abandoned]);
    } catch (error) {
      const timedOut = isTimeout(controller.signal.reason);
      return {
        outcome: timedOut ? 'timeout' : 'error',
        message: timedOut ? `timed out after ${timeoutMs} ms` : `the ${job.kind} executor failed: ${error instanceof Error ? error.message : String(error)}`,
        startedAtMs,
        durationMs: elapsed(),
      };
    } finally {
      clearTimeout(timer);
      clearTimeout(giveUp);
      stop.removeEventListener('abort', onStop);
    }
  }
}
