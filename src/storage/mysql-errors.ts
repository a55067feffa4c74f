import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';

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
