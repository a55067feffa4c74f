import * as amqp from 'amqplib';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { declareTopology } from '../../../src/amqp/topology';
import type { Config } from '../../../src/config';
import { PostgratorMigrator } from '../../../src/storage/postgrator-migrator';
import { createTestDatabase, testConfig, uniqueName, type TestDatabase } from '../../support/real-services';

/**
 * What the ingest tests share: a database of their own (migrated, with experiments), an exchange and queues
 * of their own, a confirming publisher, and the counts they assert on.
 */
export interface IngestFixture {
  config: Config;
  /** The environment a `mymonit consume` child needs to work on this fixture's database and queue. */
  env: Record<string, string>;
  /** A query on the fixture's database; the connection is opened again after the server went away. */
  query(sql: string, values?: unknown[]): Promise<RowDataPacket[]>;
  channel: amqp.ConfirmChannel;
  publish(count: number, body: (index: number) => string | Buffer, messageId?: (index: number) => string): Promise<void>;
  measures(): Promise<number>;
  rejected(): Promise<Array<{ reason: string; n: number }>>;
  /** Ready messages of the queue and of the dead-letter queue, and the consumers attached. */
  queues(): Promise<{ ready: number; consumers: number; dead: number }>;
  close(): Promise<void>;
}

export const BASE_MS = Date.UTC(2026, 0, 1);

/** Measure i of a workload: 100 series (sources) at 1 Hz, in time order. */
export function measureJson(i: number, experiment = 'INGEST'): string {
  return (
    `{"experiment":"${experiment}","metric":"temperature","source":"probe-${i % 100}",` +
    `"value":${20 + (i % 1000) / 100},"unit":"C","timestamp":${BASE_MS + Math.floor(i / 100) * 1000}}`
  );
}

/** Message m of a workload of `size`-measure messages: measures m*size .. m*size+size-1. */
export function batchJson(message: number, size = 100, experiment = 'INGEST'): string {
  const parts: string[] = [];
  for (let j = 0; j < size; j++) parts.push(measureJson(message * size + j, experiment));
  return `[${parts.join(',')}]`;
}

export async function ingestFixture(
  options: { experiments?: string[]; env?: Record<string, string>; db?: { host: string; port: number } } = {},
): Promise<IngestFixture> {
  const database: TestDatabase | undefined = options.db ? undefined : await createTestDatabase('mymonit_ingest');
  const name = database?.name ?? uniqueName('mymonit_ingest');
  const env: Record<string, string> = {
    DB_DATABASE: name,
    RABBIT_EXCHANGE: uniqueName('mymonit_ingest_x'),
    RABBIT_QUEUE: uniqueName('mymonit_ingest_q'),
    MIGRATE_ON_START: 'false',
    RABBIT_RECONNECT_MAX_MS: '1000',
    ...(options.db ? { DB_HOST: options.db.host, DB_PORT: String(options.db.port) } : {}),
    ...options.env,
  };
  const config = testConfig(env);
  env.DB_HOST = config.db.host;
  env.DB_PORT = String(config.db.port);
  env.DB_USER = config.db.user;
  env.DB_PASSWORD = config.db.password;
  env.RABBIT_URL = config.rabbit.url;
  await new PostgratorMigrator(config).migrate();
  let open: mysql.Connection | undefined;
  const query = async (text: string, values: unknown[] = []): Promise<RowDataPacket[]> => {
    if (!open) {
      open = await mysql.createConnection({
        host: config.db.host,
        port: config.db.port,
        user: config.db.user,
        password: config.db.password,
        database: name,
      });
      // A server that goes away closes it; the next query opens another.
      open.on('error', () => undefined);
    }
    const connection = open;
    try {
      const [rows] = await connection.query<RowDataPacket[]>(text, values);
      return rows;
    } catch (error) {
      if (open === connection) open = undefined;
      connection.destroy();
      throw error;
    }
  };
  const now = new Date();
  for (const code of options.experiments ?? ['INGEST']) {
    await query('INSERT INTO experiments (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)', [code, code, now, now]);
  }
  const connection = await amqp.connect(config.rabbit.url);
  connection.on('error', () => undefined);
  const channel = await connection.createConfirmChannel();
  await declareTopology(channel, config.rabbit);

  const count = async (text: string) => {
    const [row] = await query(text);
    return Number(row!.n);
  };
  return {
    config,
    env,
    query,
    channel,
    async publish(total, body, messageId = (index) => `msg-${index}`) {
      for (let index = 0; index < total; index++) {
        const content = body(index);
        const accepted = channel.publish(config.rabbit.exchange, config.rabbit.routingKey, Buffer.isBuffer(content) ? content : Buffer.from(content), {
          persistent: true,
          contentType: 'application/json',
          messageId: messageId(index),
        });
        if (!accepted) await new Promise((resolve) => channel.once('drain', resolve));
        if (index % 1000 === 999) await channel.waitForConfirms();
      }
      await channel.waitForConfirms();
    },
    measures: () => count('SELECT COUNT(*) AS n FROM measures'),
    async rejected() {
      const rows = await query('SELECT reason, COUNT(*) AS n FROM rejected_messages GROUP BY reason ORDER BY reason');
      return rows.map((row) => ({ reason: String(row.reason), n: Number(row.n) }));
    },
    async queues() {
      const check = await connection.createChannel();
      try {
        const main = await check.checkQueue(config.rabbit.queue);
        const dead = await check.checkQueue(config.rabbit.deadLetterQueue);
        return { ready: main.messageCount, consumers: main.consumerCount, dead: dead.messageCount };
      } finally {
        await check.close().catch(() => undefined);
      }
    },
    async close() {
      const admin = await connection.createChannel();
      await admin.deleteQueue(config.rabbit.queue).catch(() => undefined);
      await admin.deleteQueue(config.rabbit.deadLetterQueue).catch(() => undefined);
      await admin.deleteExchange(config.rabbit.exchange).catch(() => undefined);
      await admin.deleteExchange(config.rabbit.deadLetterExchange).catch(() => undefined);
      await connection.close().catch(() => undefined);
      if (database) await database.drop();
      else await query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
      await open?.end().catch(() => undefined);
    },
  };
}
