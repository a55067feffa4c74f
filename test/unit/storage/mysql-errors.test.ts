import { ConflictError, ValidationError } from '../../../src/domain/errors';
import { translateMysqlError } from '../../../src/storage/mysql-errors';

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
    const other = mysqlError(2013, 'Lost connection');
    expect(translateMysqlError(other)).toBe(other);
  });
});
