/**
 * Exponential backoff for the retry loops of the consumer (storage writes, broker reconnects) and of the
 * adapter SDK (broker reconnects). Written here rather than taken from `exponential-backoff` because every
 * loop must stop waiting the moment shutdown starts, and that package's sleeps cannot be interrupted.
 */

/** The delay before retry `attempt` (0-based): initialMs doubled each time, capped, with ±20% jitter. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  // Jitter spreads the retries of many consumers that lost the same server at the same moment.
  return Math.min(maxMs, Math.round(base * (0.8 + Math.random() * 0.4)));
}

/** Waits ms milliseconds; resolves false at once (or early) when the signal aborts, true otherwise. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
