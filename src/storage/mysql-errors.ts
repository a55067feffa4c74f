import { ConflictError, NotFoundError, StorageUnavailableError, ValidationError } from '../domain/errors';

const ER_DUP_ENTRY = 1062;
const ER_DATA_TOO_LONG = 1406;
const ER_NO_REFERENCED_ROW_2 = 1452;

/** Errors a value the caller sent can cause in one column, and what the caller is told about it. */
const VALUE_ERRORS = new Map<number, string>([
  [ER_DATA_TOO_LONG, 'is longer than storage allows'],
  [1048, 'cannot be null'], // ER_BAD_NULL_ERROR
  [1264, 'is out of the range storage allows'], // ER_WARN_DATA_OUT_OF_RANGE
  [1265, 'was truncated by storage'], // WARN_DATA_TRUNCATED
  [1292, 'is not a value storage accepts'], // ER_TRUNCATED_WRONG_VALUE
  [1366, 'is longer than storage allows or holds characters it cannot store'], // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  [1367, 'is not a value storage accepts'], // ER_ILLEGAL_VALUE_FOR_TYPE
  [3140, 'is not valid JSON'], // ER_INVALID_JSON_TEXT
]);

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

interface DriverError {
  code?: unknown;
  fatal?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The driver's failure in `error` (or in its `cause` chain) that will pass by itself, if there is one. */
function unavailability(error: unknown): DriverError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as DriverError;
    // mysql2 marks errors that killed the connection as fatal: the statement never reached a verdict.
    if (e.fatal === true) return e;
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SERVER_CODES.has(e.code))) return e;
    // mysql2's closed pool has no code; it happens when the process shuts the pool before the consumer stops.
    if (typeof e.message === 'string' && e.message.startsWith('Pool is closed')) return e;
    current = e.cause;
  }
  return undefined;
}

/**
 * StorageUnavailableError for a failure that will pass (server down, connection lost, lock conflict),
 * keeping the driver's code and message for logs; anything else unchanged. Idempotent.
 */
export function translateUnavailable(error: unknown): unknown {
  if (error instanceof StorageUnavailableError) return error;
  const found = unavailability(error);
  if (found === undefined) return error;
  const message = typeof found.message === 'string' ? found.message : 'storage is unavailable';
  return new StorageUnavailableError(message, { cause: error, code: typeof found.code === 'string' ? found.code : undefined });
}

interface MysqlError {
  errno: number;
  message: string;
}

function isMysqlError(error: unknown): error is MysqlError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { errno?: unknown }).errno === 'number' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** MySQL quotes the column as 'name'; MariaDB, for some errors, as `db`.`table`.`name`. */
function columnName(message: string): string | undefined {
  const match = /column (?:'([^']+)'|(?:`[^`]*`\.)*`([^`]+)`)/i.exec(message) ?? /^Column '([^']+)'/.exec(message);
  return match?.slice(1).find((name) => name !== undefined);
}

/** MySQL 8 names the key `table.key`, MariaDB only `key`. */
function duplicateKeyName(message: string): string | undefined {
  return /for key '(?:[^'.]+\.)?([^'.]+)'$/.exec(message)?.[1];
}

/**
 * Rewrites the MySQL errors a caller can cause into domain errors, and the ones that will pass into
 * StorageUnavailableError. The server's own message quotes the offending value (a username, an
 * e-mail...), so it is never passed on: only the key or column name is.
 * `conflicts` maps a unique key name to the message its violation gets.
 */
export function translateMysqlError(error: unknown, conflicts: Readonly<Record<string, string>> = {}): unknown {
  const unavailable = translateUnavailable(error);
  if (unavailable !== error || !isMysqlError(error)) return unavailable;
  switch (error.errno) {
    case ER_DUP_ENTRY: {
      const key = duplicateKeyName(error.message);
      const message = (key && conflicts[key]) ?? 'the record conflicts with an existing one';
      return new ConflictError(message, key ? { key } : undefined);
    }
    case ER_NO_REFERENCED_ROW_2: {
      const table = /REFERENCES `([^`]+)`/.exec(error.message)?.[1];
      return new NotFoundError(`a referenced ${table ?? 'record'} does not exist`, table ? { table } : undefined);
    }
    default: {
      const problem = VALUE_ERRORS.get(error.errno);
      if (problem === undefined) return error;
      const column = columnName(error.message);
      return new ValidationError(`${column ?? 'a value'} ${problem}`, column ? { column } : undefined);
    }
  }
}

/** Runs a write and rethrows what it fails with as a domain error where one applies. */
export async function translatingErrors<T>(
  write: () => Promise<T>,
  conflicts: Readonly<Record<string, string>> = {},
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw translateMysqlError(error, conflicts);
  }
}
