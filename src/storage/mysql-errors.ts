import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';

const ER_DUP_ENTRY = 1062;
const ER_DATA_TOO_LONG = 1406;
const ER_NO_REFERENCED_ROW_2 = 1452;

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

/** MySQL 8 names the key `table.key`, MariaDB only `key`. */
function duplicateKeyName(message: string): string | undefined {
  return /for key '(?:[^'.]+\.)?([^'.]+)'$/.exec(message)?.[1];
}

/**
 * Rewrites the MySQL errors a caller can cause into domain errors. The server's own message quotes the
 * offending value (a username, an e-mail...), so it is never passed on: only the key or column name is.
 * `conflicts` maps a unique key name to the message its violation gets.
 */
export function translateMysqlError(error: unknown, conflicts: Readonly<Record<string, string>> = {}): unknown {
  if (!isMysqlError(error)) return error;
  switch (error.errno) {
    case ER_DUP_ENTRY: {
      const key = duplicateKeyName(error.message);
      const message = (key && conflicts[key]) ?? 'the record conflicts with an existing one';
      return new ConflictError(message, key ? { key } : undefined);
    }
    case ER_DATA_TOO_LONG: {
      const column = /for column '([^']+)'/.exec(error.message)?.[1];
      return new ValidationError(`${column ?? 'a value'} is longer than storage allows`, column ? { column } : undefined);
    }
    case ER_NO_REFERENCED_ROW_2: {
      const table = /REFERENCES `([^`]+)`/.exec(error.message)?.[1];
      return new NotFoundError(`a referenced ${table ?? 'record'} does not exist`, table ? { table } : undefined);
    }
    default:
      return error;
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
