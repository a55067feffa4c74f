import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * LogContext is what every log line and audit event of one unit of work shares: the request id and the
 * actor's pseudonymous id. AsyncLocalStorage carries it through awaits, the successor of the seed's
 * thread-id dictionary.
 */
export interface LogContext {
  requestId?: string;
  actor?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, work: () => T): T {
  return storage.run({ ...context }, work);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** Sets the actor once authentication knows it; later lines of the same unit of work carry it. */
export function setContextActor(actor: string): void {
  const store = storage.getStore();
  if (store) store.actor = actor;
}
