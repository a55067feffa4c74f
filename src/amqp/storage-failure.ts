/**
 * Tells a storage failure that will pass (server down, connection lost, lock conflict) from one that will
 * not (the data itself is refused). The consumer holds and retries a message on the first kind; on the
 * second it stores the message as rejected, because retrying would block the queue behind it forever.
 */

/** Node's network errors: the server is not there, or went away mid-query. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** mysql2's and the server's (MySQL 8 and MariaDB) codes for connection, capacity, lock and failover trouble. */
const SERVER_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_ABORTED',
  'ER_CANT_LOCK',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_OUT_OF_RESOURCES',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_QUERY_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_ERROR_ON_WRITE',
  'ER_NET_WRITE_INTERRUPTED',
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_READ_ONLY_MODE',
  'ER_HOST_IS_BLOCKED',
  'ER_DISK_FULL',
]);

interface ErrorLike {
  code?: unknown;
  fatal?: unknown;
  transient?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * True for failures worth waiting out. Looks through `cause` chains (services may wrap storage errors);
 * `transient: true` on any error in the chain lets other layers opt in without this list knowing them.
 */
export function isTransient(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as ErrorLike;
    if (e.transient === true) return true;
    // mysql2 marks errors that killed the connection as fatal: the statement never reached a verdict.
    if (e.fatal === true) return true;
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SERVER_CODES.has(e.code))) return true;
    // mysql2's closed pool has no code; it happens when the process shuts the pool before the consumer stops.
    if (typeof e.message === 'string' && e.message.startsWith('Pool is closed')) return true;
    current = e.cause;
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
