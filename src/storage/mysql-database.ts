import { AsyncLocalStorage } from 'node:async_hooks';
import { inject, injectable, optional } from 'inversify';
import mysql, { type Connection, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { translateUnavailable } from './mysql-errors';
import type { Database, TransactionOptions, Transactor } from './stores';

/** What stores run queries on: the pool, or the connection of the ambient transaction. */
export type Executor = Pick<Connection, 'query'>;

interface TransactionScope {
  connection: PoolConnection;
  /** False once COMMIT or ROLLBACK ran: late continuations of the work must not reuse a released connection. */
  open: boolean;
  /** Set when a nested unit failed: its partial writes share the outer transaction, so committing would keep them. */
  rollbackOnly: boolean;
  afterCommit: Array<() => void>;
  /**
   * A bulk transaction (TransactionOptions.bulkWrite) runs on a multi-statement connection and sends its
   * BEGIN with its first statements and its last statements with its COMMIT: a batch costs two round trips.
   */
  bulk: boolean;
  /** False until START TRANSACTION was sent (bulk transactions defer it); true at once otherwise. */
  begun: boolean;
  /** Statements sent in the COMMIT's round trip, in order (bulk transactions only). */
  atCommit: string[];
}

/**
 * `executor`'s query, failing with StorageUnavailableError where the driver's failure will pass. Inside a
 * transaction, inTransaction translates what its work throws instead.
 */
function translating(executor: Executor): Executor {
  const query = (...args: unknown[]) =>
    (executor.query as (...a: unknown[]) => Promise<unknown>).apply(executor, args).catch((error: unknown) => {
      throw translateUnavailable(error);
    });
  return { query } as unknown as Executor;
}

/** One statement's result in a multi-statement round trip: a header for writes, rows for reads. */
export type StatementResult = ResultSetHeader | RowDataPacket[];

function requireOpen(scope: TransactionScope): void {
  if (!scope.open) {
    throw new Error('a query was issued after its transaction had finished; await it inside inTransaction()');
  }
}

/** `statements`, after the START TRANSACTION a bulk transaction still owes; from now on it has begun. */
function withBegin(scope: TransactionScope, statements: readonly string[]): string[] {
  const all = scope.begun ? [...statements] : ['START TRANSACTION', ...statements];
  scope.begun = true;
  return all;
}

/**
 * MysqlDatabase owns the one mysql2 connection pool of the process and the ambient transactions that
 * stores join through `executor()`.
 */
@injectable()
export class MysqlDatabase implements Database, Transactor {
  private pool?: Pool;
  /** Multi-statement connections, for bulk transactions only: every other query runs on `pool`. */
  private bulkPool?: Pool;
  private closing?: Promise<void>;
  private readonly scopes = new AsyncLocalStorage<TransactionScope>();

  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) @optional() private readonly logger?: Logger,
  ) {}

  /** The connection of the ambient transaction when there is one, else the pool (one connection per query). */
  executor(): Executor {
    const scope = this.scopes.getStore();
    if (!scope) return translating(this.connectionPool());
    requireOpen(scope);
    if (scope.begun) return scope.connection;
    // A bulk transaction that has sent nothing yet: the first query of a store that knows nothing of bulk
    // writes begins it first.
    const { connection } = scope;
    const query = (...args: unknown[]) =>
      this.begin(scope).then(() => (connection.query as (...a: unknown[]) => Promise<unknown>)(...args));
    return { query } as unknown as Executor;
  }

  /**
   * Runs `statements` in order: in a bulk transaction as one round trip (with the deferred BEGIN when it is
   * still due), else one by one on the executor. Resolves with each statement's result.
   */
  async statements(statements: readonly string[]): Promise<StatementResult[]> {
    const scope = this.scopes.getStore();
    if (!scope?.bulk) {
      const results: StatementResult[] = [];
      for (const sql of statements) results.push((await this.executor().query<ResultSetHeader>(sql))[0]);
      return results;
    }
    requireOpen(scope);
    const all = withBegin(scope, statements);
    const [results] = await scope.connection.query<ResultSetHeader[]>(all.join(';\n'));
    const list = (all.length === 1 ? [results] : results) as StatementResult[];
    return list.slice(all.length - statements.length);
  }

  /**
   * Runs `sql` as part of the ambient transaction's COMMIT round trip in a bulk transaction (the statement
   * fails the commit if it fails); at once otherwise.
   */
  async atCommit(sql: string): Promise<void> {
    const scope = this.scopes.getStore();
    if (scope?.bulk && scope.open) scope.atCommit.push(sql);
    else await this.executor().query(sql);
  }

  /** True inside inTransaction(): stores use it to decide whether a locking read can hold its lock. */
  inTransactionScope(): boolean {
    return this.scopes.getStore()?.open === true;
  }

  /**
   * Runs `callback` once the ambient transaction commits (at once outside one). In-process caches use it
   * so that they never remember a row a rollback removed.
   */
  afterCommit(callback: () => void): void {
    const scope = this.scopes.getStore();
    if (scope?.open) scope.afterCommit.push(callback);
    else this.runCallbacks([callback]);
  }

  /**
   * `readCommitted` is for background work (rollups, retention) that must not hold gap locks that would
   * make ingest wait, and that must see rows committed after its first read. It applies to a new
   * transaction only; joining an outer one keeps the outer's isolation.
   */
  async inTransaction<T>(work: () => Promise<T>, options: TransactionOptions & { readCommitted?: boolean } = {}): Promise<T> {
    const outer = this.scopes.getStore();
    if (outer?.open) return this.joinTransaction(outer, work);
    try {
      return await this.newTransaction(work, options);
    } catch (error) {
      throw translateUnavailable(error);
    }
  }

  private async newTransaction<T>(work: () => Promise<T>, options: TransactionOptions & { readCommitted?: boolean }): Promise<T> {

    const bulk = options.bulkWrite === true && !options.readCommitted;
    const connection = await (bulk ? this.bulkConnectionPool() : this.connectionPool()).getConnection();
    const scope: TransactionScope = { connection, open: true, rollbackOnly: false, afterCommit: [], bulk, begun: !bulk, atCommit: [] };
    // Stays false when BEGIN, COMMIT or ROLLBACK failed: the session is then in an unknown state.
    let reusable = false;
    try {
      // Without SESSION, this sets the level of the next transaction only: the pooled session keeps its default.
      if (options.readCommitted) await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      if (!bulk) await connection.beginTransaction();
      let result: T;
      try {
        result = await this.scopes.run(scope, work);
        if (scope.rollbackOnly) {
          throw new Error('transaction rolled back: a nested unit of work failed and its error was swallowed');
        }
      } catch (error) {
        scope.open = false;
        reusable = scope.begun ? await this.rollback(connection) : true;
        throw error;
      }
      scope.open = false;
      await this.commit(scope);
      reusable = true;
      this.runCallbacks(scope.afterCommit);
      return result;
    } finally {
      scope.open = false;
      if (reusable) connection.release();
      else connection.destroy();
    }
  }

  async ping(): Promise<void> {
    await translating(this.connectionPool()).query('SELECT 1');
  }

  async close(): Promise<void> {
    this.closing ??= Promise.all([this.pool?.end(), this.bulkPool?.end()]).then(() => undefined);
    await this.closing;
  }

  private async begin(scope: TransactionScope): Promise<void> {
    if (scope.begun) return;
    scope.begun = true;
    await scope.connection.query('START TRANSACTION');
  }

  /** COMMIT, after the statements deferred to it, in one round trip; nothing at all when nothing was sent. */
  private async commit(scope: TransactionScope): Promise<void> {
    if (!scope.bulk) {
      await scope.connection.commit();
      return;
    }
    if (!scope.begun && scope.atCommit.length === 0) return;
    await scope.connection.query(withBegin(scope, [...scope.atCommit, 'COMMIT']).join(';\n'));
  }

  private async joinTransaction<T>(scope: TransactionScope, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      scope.rollbackOnly = true;
      throw error;
    }
  }

  /** Returns whether the connection can go back to the pool. */
  private async rollback(connection: PoolConnection): Promise<boolean> {
    try {
      await connection.rollback();
      return true;
    } catch (error) {
      this.logger?.warn('rollback failed; discarding the connection', { error: String(error) });
      return false;
    }
  }

  private runCallbacks(callbacks: ReadonlyArray<() => void>): void {
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        this.logger?.warn('an after-commit callback failed', { error: String(error) });
      }
    }
  }

  private connectionPool(): Pool {
    if (this.closing) throw new Error('the database has been closed');
    // Created on first use so that commands that never touch MySQL (token, help) open nothing.
    this.pool ??= mysql.createPool(this.poolOptions(this.config.db.poolSize));
    return this.pool;
  }

  /**
   * A pool of its own, so that multi-statement connections serve only the bulk path, whose statements are
   * built from numbers (and whose other queries use placeholders): every other query keeps one statement per
   * round trip, which also limits what an injection could ever do.
   */
  private bulkConnectionPool(): Pool {
    if (this.closing) throw new Error('the database has been closed');
    this.bulkPool ??= mysql.createPool({
      ...this.poolOptions(this.config.ingest.concurrency + 1),
      multipleStatements: true,
      // mysql2 scans every statement for placeholders even without values: 150 KB per bulk INSERT.
      queryFormat: (sql: string, values?: unknown) =>
        values === undefined || (Array.isArray(values) && values.length === 0) ? sql : mysql.format(sql, values as Parameters<typeof mysql.format>[1], false, 'Z'),
    });
    return this.bulkPool;
  }

  private poolOptions(connectionLimit: number): mysql.PoolOptions {
    return {
      host: this.config.db.host,
      port: this.config.db.port,
      user: this.config.db.user,
      password: this.config.db.password,
      database: this.config.db.database,
      connectionLimit,
      waitForConnections: true,
      enableKeepAlive: true,
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
      charset: 'utf8mb4',
    };
  }
}
