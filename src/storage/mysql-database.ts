import { AsyncLocalStorage } from 'node:async_hooks';
import { inject, injectable, optional } from 'inversify';
import mysql, { type Connection, type Pool, type PoolConnection } from 'mysql2/promise';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import type { Database, Transactor } from './stores';

/** What stores run queries on: the pool, or the connection of the ambient transaction. */
export type Executor = Pick<Connection, 'query'>;

interface TransactionScope {
  connection: PoolConnection;
  /** False once COMMIT or ROLLBACK ran: late continuations of the work must not reuse a released connection. */
  open: boolean;
  /** Set when a nested unit failed: its partial writes share the outer transaction, so committing would keep them. */
  rollbackOnly: boolean;
  afterCommit: Array<() => void>;
}

/**
 * MysqlDatabase owns the one mysql2 connection pool of the process and the ambient transactions that
 * stores join through `executor()`.
 */
@injectable()
export class MysqlDatabase implements Database, Transactor {
  private pool?: Pool;
  private closing?: Promise<void>;
  private readonly scopes = new AsyncLocalStorage<TransactionScope>();

  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) @optional() private readonly logger?: Logger,
  ) {}

  /** The connection of the ambient transaction when there is one, else the pool (one connection per query). */
  executor(): Executor {
    const scope = this.scopes.getStore();
    if (!scope) return this.connectionPool();
    if (!scope.open) {
      throw new Error('a query was issued after its transaction had finished; await it inside inTransaction()');
    }
    return scope.connection;
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
  async inTransaction<T>(work: () => Promise<T>, options: { readCommitted?: boolean } = {}): Promise<T> {
    const outer = this.scopes.getStore();
    if (outer?.open) return this.joinTransaction(outer, work);

    const connection = await this.connectionPool().getConnection();
    const scope: TransactionScope = { connection, open: true, rollbackOnly: false, afterCommit: [] };
    // Stays false when BEGIN, COMMIT or ROLLBACK failed: the session is then in an unknown state.
    let reusable = false;
    try {
      // Without SESSION, this sets the level of the next transaction only: the pooled session keeps its default.
      if (options.readCommitted) await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await connection.beginTransaction();
      let result: T;
      try {
        result = await this.scopes.run(scope, work);
        if (scope.rollbackOnly) {
          throw new Error('transaction rolled back: a nested unit of work failed and its error was swallowed');
        }
      } catch (error) {
        scope.open = false;
        reusable = await this.rollback(connection);
        throw error;
      }
      scope.open = false;
      await connection.commit();
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
    await this.connectionPool().query('SELECT 1');
  }

  async close(): Promise<void> {
    this.closing ??= this.pool ? this.pool.end() : Promise.resolve();
    await this.closing;
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
    this.pool ??= mysql.createPool({
      host: this.config.db.host,
      port: this.config.db.port,
      user: this.config.db.user,
      password: this.config.db.password,
      database: this.config.db.database,
      connectionLimit: this.config.db.poolSize,
      waitForConnections: true,
      enableKeepAlive: true,
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
      charset: 'utf8mb4',
    });
    return this.pool;
  }
}
