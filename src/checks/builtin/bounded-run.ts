import type { CheckJob, CheckRunResult } from '../ports';

/** What a check found, before the runner adds when it started and how long it took. */
export type CheckFinding = Omit<CheckRunResult, 'startedAtMs' | 'durationMs'>;

/** The reason the runner aborts a check whose job.timeoutMs has passed. */
export class CheckTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A caller's abort this close to job.timeoutMs (or later) is the job's timeout. */
const CALLER_DEADLINE_SLACK_MS = 50;
/** How long a check may take to notice an abort before the runner answers without it. */
const ABANDON_GRACE_MS = 1000;

/** Milliseconds with microsecond precision: enough for loopback figures, short in JSON. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Milliseconds elapsed since a performance.now() reading. */
export function since(start: number): number {
  return roundMs(performance.now() - start);
}

/** An Error-like value (errors from node's core may come from another realm, where instanceof fails). */
function errorLike(value: unknown): value is { name: string; message: string; code?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string' && typeof (value as { name?: unknown }).name === 'string';
}

/** Whether the signal was aborted for a timeout (the runner's own, or a caller's TimeoutError). */
export function abortedByTimeout(signal: AbortSignal): boolean {
  return isTimeoutReason(signal.reason);
}

function isTimeoutReason(reason: unknown): boolean {
  return errorLike(reason) && reason.name === 'TimeoutError';
}

/** The finding of a check cut short by `signal`: a timeout, or an error when the caller gave up (shutdown). */
export function abortedFinding(signal: AbortSignal, during: string, partial: Partial<CheckFinding> = {}): CheckFinding {
  const reason: unknown = signal.reason;
  const context = during === '' ? '' : ` ${during}`;
  if (abortedByTimeout(signal)) {
    // The runner's reason says after how long ("timed out after 5000 ms"); AbortSignal.timeout()'s says nothing worth repeating.
    const what = reason instanceof CheckTimeout || (errorLike(reason) && reason.message.startsWith('timed out')) ? reason.message : 'timed out';
    return { ...partial, outcome: 'timeout', message: `${what}${context}` };
  }
  return { ...partial, outcome: 'error', message: `aborted${context}` };
}

/** A short description of an unexpected error: its code and first line, never a stack. */
export function describeError(error: unknown): string {
  if (!errorLike(error)) return String(error).slice(0, 200);
  const { code } = error;
  const first = error.message.split('\n', 1)[0]?.slice(0, 200) ?? '';
  if (typeof code === 'string' && !first.includes(code)) return `${code}: ${first}`;
  return first === '' ? error.name : first;
}

/**
 * Runs one check within job.timeoutMs and the caller's signal: times it, and turns whatever happens into a
 * result. `work` gets the combined signal and should answer a timeout itself (with what it was doing); if
 * it throws, the result is a timeout after an abort and an error otherwise, and if it ignores the abort it
 * is abandoned shortly after.
 */
export async function runBounded(
  job: Pick<CheckJob, 'timeoutMs'>,
  signal: AbortSignal,
  work: (signal: AbortSignal) => Promise<CheckFinding>,
): Promise<CheckRunResult> {
  const startedAtMs = Date.now();
  const start = performance.now();
  const timeoutMs = Number.isFinite(job.timeoutMs) && job.timeoutMs > 0 ? Math.min(job.timeoutMs, MAX_TIMER_MS) : 1;
  // One controller for both causes, its listener on the caller's (long-lived) signal removed after the run.
  const controller = new AbortController();
  const bounded = controller.signal;
  const timer = setTimeout(() => controller.abort(new CheckTimeout(timeoutMs)), timeoutMs);
  // A caller's timeout is known by its reason's name (the job runner's and AbortSignal.timeout()'s); a caller
  // giving an unnamed reason at about job.timeoutMs (a timer of its own, started a little earlier) is taken
  // for the timeout too. Any other reason is a stop, not a timeout.
  const onCallerAbort = () => {
    const reason: unknown = signal.reason;
    if (isTimeoutReason(reason)) controller.abort(reason);
    else controller.abort(performance.now() - start >= timeoutMs - CALLER_DEADLINE_SLACK_MS ? new CheckTimeout(timeoutMs) : reason);
  };
  if (signal.aborted) onCallerAbort();
  else signal.addEventListener('abort', onCallerAbort, { once: true });
  const abandon = abandonAfterAbort(bounded);
  let finding: CheckFinding;
  try {
    finding = await Promise.race([Promise.resolve().then(() => work(bounded)), abandon.promise]);
  } catch (error) {
    finding = bounded.aborted ? abortedFinding(bounded, '') : { outcome: 'error', message: describeError(error) };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onCallerAbort);
    abandon.cancel();
  }
  return { ...finding, startedAtMs, durationMs: since(start) };
}

function abandonAfterAbort(signal: AbortSignal): { promise: Promise<never>; cancel(): void } {
  let grace: NodeJS.Timeout | undefined;
  let onAbort = (): void => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      grace = setTimeout(() => reject(signal.reason), ABANDON_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return {
    promise,
    cancel() {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(grace);
    },
  };
}
