import { ConflictError, StorageUnavailableError, ValidationError } from '../../../src/domain/errors';
import { translateMysqlError, translateUnavailable } from '../../../src/storage/mysql-errors';

const mysqlError = (errno: number, message: string) => Object.assign(new Error(message), { errno });

describe('a storage error caused by a value becomes a 400 naming the field, never quoting the value', () => {
  it.each([
    [1366, "Incorrect string value: '\\xC3\\xA9\\xC3\\xA9' for column `db_1`.`experiments`.`description` at row 1", 'description'],
    [1366, "Incorrect string value: '\\xF0\\x9F\\x98\\x80' for column 'name' at row 1", 'name'],
    [1406, "Data too long for column 'user_id' at row 1", 'user_id'],
    [1264, "Out of range value for column 'ts_us' at row 1", 'ts_us'],
    [1265, "Data truncated for column 'role' at row 1", 'role'],
    [1048, "Column 'name' cannot be null", 'name'],
    [1292, "Incorrect datetime value: '2026-13-01' for column `db`.`audit_events`.`at` at row 1", 'at'],
  ])('errno %i', (errno, message, column) => {
    const translated = translateMysqlError(mysqlError(errno, message));
    expect(translated).toBeInstanceOf(ValidationError);
    const error = translated as ValidationError;
    expect(error.message.startsWith(`${column} `)).toBe(true);
    expect(error.details).toEqual({ column });
    expect(error.message).not.toMatch(/\\x|2026-13/);
  });

  it('a duplicate key stays a conflict, an unknown errno passes through', () => {
    expect(translateMysqlError(mysqlError(1062, "Duplicate entry 'x' for key 'uq_users_username'"))).toBeInstanceOf(ConflictError);
    const other = mysqlError(1146, "Table 'db.nope' doesn't exist");
    expect(translateMysqlError(other)).toBe(other);
  });
});

const driverError = (code: string, message: string, errno?: number) => Object.assign(new Error(message), { code, errno });

describe('a storage failure that will pass becomes StorageUnavailableError, keeping the driver code', () => {
  it.each([
    ['a refused connection', driverError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306', -111)],
    ['a lost connection', driverError('PROTOCOL_CONNECTION_LOST', 'Connection lost')],
    ['a deadlock', driverError('ER_LOCK_DEADLOCK', 'Deadlock found', 1213)],
    ['a lock wait timeout', driverError('ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout', 1205)],
    ['too many connections', driverError('ER_CON_COUNT_ERROR', 'Too many connections', 1040)],
    ['a read-only server (failover)', driverError('ER_OPTION_PREVENTS_STATEMENT', 'read-only', 1290)],
    ['a fatal mysql2 error', Object.assign(new Error('whatever'), { fatal: true })],
    ['a closed pool', new Error('Pool is closed.')],
    ['a wrapped refused connection', new Error('query failed', { cause: driverError('ECONNREFUSED', 'refused') })],
  ])('%s', (_name, error) => {
    for (const translated of [translateUnavailable(error), translateMysqlError(error)]) {
      expect(translated).toBeInstanceOf(StorageUnavailableError);
      expect((translated as StorageUnavailableError).cause).toBe(error);
    }
  });

  it('keeps the code and message for logs, and translates once', () => {
    const translated = translateUnavailable(driverError('ER_LOCK_DEADLOCK', 'Deadlock found', 1213)) as StorageUnavailableError;
    expect([translated.code, translated.message]).toEqual(['ER_LOCK_DEADLOCK', 'Deadlock found']);
    expect(translateUnavailable(translated)).toBe(translated);
  });

  it.each([
    ['data too long', driverError('ER_DATA_TOO_LONG', "Data too long for column 'unit' at row 1", 1406)],
    ['a duplicate key', driverError('ER_DUP_ENTRY', 'Duplicate entry', 1062)],
    ['a plain error', new Error('boom')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('but not %s', (_name, error) => {
    expect(translateUnavailable(error)).toBe(error);
  });
});
