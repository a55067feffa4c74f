import * as amqp from 'amqplib';
import mysql from 'mysql2/promise';

/**
 * The seed's design, for comparison: prefetch 1, each message parsed, one INSERT (autocommit, so one
 * transaction and one log flush) per measure, then the ack. Generous to the seed: the series ids are known
 * up front (the seed had no series), and it writes to the same measures table MyMONIT uses.
 * Prints when the first message arrived and when the last was acked (epoch ms) as one JSON line.
 *
 * usage: node seed-consumer.js <amqp-url> <queue> <count> <mysql-json> <series-json>
 */
interface Published {
  source: string;
  value: number;
  timestamp: number;
}

async function main(): Promise<void> {
  const [url, queue, countText, mysqlJson, seriesJson] = process.argv.slice(2);
  if (url === undefined || queue === undefined || mysqlJson === undefined || seriesJson === undefined) {
    throw new Error('usage: node seed-consumer.js <amqp-url> <queue> <count> <mysql-json> <series-json>');
  }
  const count = Number(countText);
  const seriesBySource = new Map(Object.entries(JSON.parse(seriesJson) as Record<string, number>));
  const db = await mysql.createConnection(JSON.parse(mysqlJson) as mysql.ConnectionOptions);
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.prefetch(1);
  let received = 0;
  let firstAt = 0;
  await new Promise<void>((resolve, reject) => {
    void channel.consume(queue, (message) => {
      if (!message) return;
      if (received === 0) firstAt = Date.now();
      const measure = JSON.parse(message.content.toString('utf8')) as Published;
      db.execute('INSERT INTO measures (series_id, ts_us, value) VALUES (?, ?, ?)', [
        seriesBySource.get(measure.source) as number,
        measure.timestamp * 1000,
        measure.value,
      ]).then(() => {
        channel.ack(message);
        if (++received === count) resolve();
      }, reject);
    });
  });
  const doneAt = Date.now();
  await channel.close();
  await connection.close();
  await db.end();
  process.stdout.write(`${JSON.stringify({ firstAt, doneAt, received })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
