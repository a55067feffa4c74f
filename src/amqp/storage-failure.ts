import { StorageUnavailableError } from '../domain/errors';

/**
 * Tells a storage failure that will pass from one that will not. The consumer holds and retries a message
 * on the first kind; on the second it stores the message as rejected, because retrying would block the
 * queue behind it forever. Storage decides which is which (src/storage/mysql-errors.ts): a failure that
 * will pass reaches the consumer as StorageUnavailableError.
 */

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** True for failures worth waiting out. Looks through `cause` chains: services may wrap storage errors. */
export function isTransient(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    if (current instanceof StorageUnavailableError) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}

/** A short, single-line description for logs and rejection details. */
export function describeError(error: unknown, maxLength = 300): string {
  const e = (error !== null && typeof error === 'object' ? error : { message: String(error) }) as ErrorLike;
  const code = typeof e.code === 'string' ? `${e.code}: ` : '';
  const text = `${code}${typeof e.message === 'string' ? e.message : String(error)}`.replace(/\s+/g, ' ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}
