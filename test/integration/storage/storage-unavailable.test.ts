import { StorageUnavailableError } from '../../../src/domain/errors';
import { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlUserStore } from '../../../src/storage/mysql-user-store';
import { freePort } from '../../support/free-port';
import { TcpProxy } from '../../support/tcp-proxy';
import { createStorageFixture, type StorageFixture } from './storage-fixture';

/**
 * Storage, not its callers, tells a failure that will pass: whatever the driver throws when the server is
 * not there or goes away leaves MysqlDatabase as StorageUnavailableError, on every path a store takes.
 */
describe('storage throws StorageUnavailableError when MySQL cannot answer', () => {
  let f: StorageFixture;

  beforeAll(async () => {
    f = await createStorageFixture();
  });
  afterAll(() => f.close());

  it('on a query, a transaction and a ping against a port nothing listens on', async () => {
    const db = new MysqlDatabase({ ...f.config, db: { ...f.config.db, port: await freePort() } });
    try {
      const query = db.executor().query('SELECT 1');
      await expect(query).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(query).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(db.inTransaction(async () => undefined)).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(db.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(new MysqlUserStore(db).findByUsername('anyone')).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await db.close();
    }
  });

  it('on a transaction whose connection is lost mid-way', async () => {
    const proxy = new TcpProxy(f.config.db.host, f.config.db.port);
    await proxy.open();
    const db = new MysqlDatabase({ ...f.config, db: { ...f.config.db, port: proxy.port } });
    try {
      const users = new MysqlUserStore(db);
      const failed = db.inTransaction(async () => {
        await users.countAdmins();
        await proxy.close();
        await users.countAdmins();
      });
      await expect(failed).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await proxy.close();
      await db.close();
    }
  });

  it('but a refusal of the data itself stays what it was', async () => {
    await expect(f.db.executor().query('SELECT * FROM no_such_table')).rejects.not.toBeInstanceOf(StorageUnavailableError);
  });
});
