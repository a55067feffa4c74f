import { Container } from 'inversify';
import type { RowDataPacket } from 'mysql2/promise';
import type { Config } from '../../../src/config';
import { TYPES } from '../../../src/identifiers';
import { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlExperimentStore } from '../../../src/storage/mysql-experiment-store';
import { MysqlUserStore } from '../../../src/storage/mysql-user-store';
import type { Database, ExperimentStore, Transactor, UserStore } from '../../../src/storage/stores';
import { waitFor } from '../../support/eventually';
import { createStorageFixture, newUser, uniqueCode, type StorageFixture } from './storage-fixture';

describe('MysqlDatabase', () => {
  let f: StorageFixture;

  beforeAll(async () => {
    f = await createStorageFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  async function connectionId(): Promise<number> {
    const [rows] = await f.db.executor().query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    return Number(rows[0].id);
  }

  async function experimentExists(code: string): Promise<boolean> {
    return (await f.experiments.findByCode(code)) !== undefined;
  }

  it('answers a ping', async () => {
    await expect(f.db.ping()).resolves.toBeUndefined();
  });

  it('a transaction commits what its work wrote and returns the work result', async () => {
    const code = uniqueCode();
    const result = await f.db.inTransaction(async () => {
      await f.experiments.insert({ code, name: 'committed' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(await experimentExists(code)).toBe(true);
  });

  it('a transaction that throws leaves nothing behind and rethrows the same error', async () => {
    const code = uniqueCode();
    const failure = new Error('boom');
    await expect(
      f.db.inTransaction(async () => {
        await f.experiments.insert({ code, name: 'rolled back' });
        expect(await experimentExists(code)).toBe(true);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await experimentExists(code)).toBe(false);
  });

  it('work inside a transaction is invisible to other connections until commit', async () => {
    const code = uniqueCode();
    let seenOutside: boolean | undefined;
    const other = new MysqlDatabase(f.config);
    const otherStore = new MysqlExperimentStore(other);
    try {
      await f.db.inTransaction(async () => {
        await f.experiments.insert({ code, name: 'isolated' });
        seenOutside = (await otherStore.findByCode(code)) !== undefined;
      });
      expect(seenOutside).toBe(false);
      expect(await otherStore.findByCode(code)).toBeDefined();
    } finally {
      await other.close();
    }
  });

  it('every store call of one transaction runs on one connection, and a nested transaction reuses it', async () => {
    const ids = await f.db.inTransaction(async () => {
      const outer = await connectionId();
      const inner = await f.db.inTransaction(() => connectionId());
      return { outer, inner, again: await connectionId() };
    });
    expect(ids.inner).toBe(ids.outer);
    expect(ids.again).toBe(ids.outer);
  });

  it('an inner transaction that throws rolls back the outer one too', async () => {
    const outerCode = uniqueCode();
    const innerCode = uniqueCode();
    await expect(
      f.db.inTransaction(async () => {
        await f.experiments.insert({ code: outerCode, name: 'outer' });
        await f.db.inTransaction(async () => {
          await f.experiments.insert({ code: innerCode, name: 'inner' });
          throw new Error('inner failure');
        });
      }),
    ).rejects.toThrow('inner failure');
    expect(await experimentExists(outerCode)).toBe(false);
    expect(await experimentExists(innerCode)).toBe(false);
  });

  it('a nested failure swallowed by the caller still rolls the whole transaction back', async () => {
    const outerCode = uniqueCode();
    await expect(
      f.db.inTransaction(async () => {
        await f.experiments.insert({ code: outerCode, name: 'outer' });
        await f.db.inTransaction(async () => Promise.reject(new Error('ignored'))).catch(() => undefined);
      }),
    ).rejects.toThrow(/nested unit of work failed/);
    expect(await experimentExists(outerCode)).toBe(false);
  });

  it('a domain error caught inside the transaction does not spoil it (a statement error is not a nested failure)', async () => {
    const taken = uniqueCode();
    const fresh = uniqueCode();
    await f.experiments.insert({ code: taken, name: 'taken' });
    await f.db.inTransaction(async () => {
      await expect(f.experiments.insert({ code: taken, name: 'again' })).rejects.toThrow('already taken');
      await f.experiments.insert({ code: fresh, name: 'fresh' });
    });
    expect(await experimentExists(fresh)).toBe(true);
  });

  it('after-commit callbacks run once the transaction commits, never after a rollback', async () => {
    const calls: string[] = [];
    await f.db.inTransaction(async () => {
      f.db.afterCommit(() => calls.push('committed'));
      expect(calls).toEqual([]);
    });
    await f.db
      .inTransaction(async () => {
        f.db.afterCommit(() => calls.push('rolled back'));
        throw new Error('no');
      })
      .catch(() => undefined);
    f.db.afterCommit(() => calls.push('no transaction'));
    expect(calls).toEqual(['committed', 'no transaction']);
  });

  it('a query issued after its transaction finished is refused instead of running outside it', async () => {
    let late: Promise<unknown> | undefined;
    let finished!: () => void;
    const transactionFinished = new Promise<void>((resolve) => (finished = resolve));
    await f.db.inTransaction(async () => {
      // Registered inside the transaction's context, run after it has committed.
      late = transactionFinished.then(() => f.db.executor());
    });
    finished();
    await expect(late).rejects.toThrow(/after its transaction had finished/);
  });

  it('transactions running at once each get their own connection', async () => {
    let open = 0;
    const ids = await Promise.all(
      [1, 2, 3].map(() =>
        f.db.inTransaction(async () => {
          const id = await connectionId();
          open++;
          // Held open until all three are: sharing a connection, they could not be.
          await waitFor('three transactions open at once', () => open === 3);
          return id;
        }),
      ),
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('with a pool of one connection, nested transactions still run and the connection goes back clean', async () => {
    const single = new MysqlDatabase({ ...f.config, db: { ...f.config.db, poolSize: 1 } });
    const store = new MysqlExperimentStore(single);
    const code = uniqueCode();
    try {
      // A nested call that asked the pool for a second connection would wait forever here.
      await single.inTransaction(() => single.inTransaction(() => store.insert({ code, name: 'pool of one' })));
      await single.inTransaction(async () => Promise.reject(new Error('rolled back'))).catch(() => undefined);
      const [rows] = await single
        .executor()
        .query<RowDataPacket[]>(
          'SELECT COUNT(*) AS open FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()',
        );
      expect(Number(rows[0].open)).toBe(0);
      expect(await store.findByCode(code)).toBeDefined();
    } finally {
      await single.close();
    }
  });

  it('close is idempotent and the pool refuses work afterwards', async () => {
    const db = new MysqlDatabase(f.config);
    await db.ping();
    await db.close();
    await db.close();
    await expect(db.ping()).rejects.toThrow(/closed/);
    const never = new MysqlDatabase(f.config);
    await never.close();
    await never.close();
  });

  it('resolves from an Inversify container: the stores and the transactor share one database singleton', async () => {
    const container = new Container({ defaultScope: 'Singleton' });
    container.bind<Config>(TYPES.Config).toConstantValue(f.config);
    container.bind(TYPES.Database).to(MysqlDatabase);
    container.bind(TYPES.Transactor).toService(TYPES.Database);
    container.bind(TYPES.UserStore).to(MysqlUserStore);
    container.bind(TYPES.ExperimentStore).to(MysqlExperimentStore);
    const database = container.get<Database>(TYPES.Database);
    try {
      expect(container.get<Transactor>(TYPES.Transactor)).toBe(database);
      const users = container.get<UserStore>(TYPES.UserStore);
      const experiments = container.get<ExperimentStore>(TYPES.ExperimentStore);
      const code = uniqueCode();
      await expect(
        container.get<Transactor>(TYPES.Transactor).inTransaction(async () => {
          await users.insert(newUser());
          await experiments.insert({ code, name: 'container' });
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await experiments.findByCode(code)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
