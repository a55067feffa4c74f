import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import type { Config } from '../../../src/config';
import { MysqlMeasureReader } from '../../../src/storage/mysql-measure-reader';

/**
 * The baseline: a bare Express route over a mysql2 pool of the same size, with no authentication, no
 * validation, no logging, that sends exactly the statement MyMONIT sends for a one-series page and
 * answers its rows as JSON.
 */
export async function startBareServer(config: Config): Promise<{ port: number; stop(): Promise<void> }> {
  const pool: Pool = mysql.createPool({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: config.db.database,
    connectionLimit: config.db.poolSize,
    supportBigNumbers: true,
    bigNumberStrings: false,
  });
  const app = express();
  app.get('/bare', async (req, res) => {
    const statement = MysqlMeasureReader.singleSeriesSql(Number(req.query.series), {
      fromUs: BigInt(String(req.query.from)),
      toUs: BigInt(String(req.query.to)),
      limit: Number(req.query.limit),
    });
    const [rows] = await pool.query<RowDataPacket[]>({ sql: statement.sql, rowsAsArray: true }, statement.values);
    res.json(rows);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
