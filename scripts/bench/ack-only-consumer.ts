import * as amqp from 'amqplib';

/**
 * The ceiling for single-measure messages: a consumer that only acks, no parsing and no storage, with the
 * same prefetch as MyMONIT and the same ack-multiple every half prefetch. Consumes `count` messages, then
 * prints when the first arrived and when the last was acked (epoch ms) as one JSON line, and exits.
 *
 * usage: node ack-only-consumer.js <amqp-url> <queue> <prefetch> <count>
 */
async function main(): Promise<void> {
  const [url, queue, prefetchText, countText] = process.argv.slice(2);
  if (url === undefined || queue === undefined) throw new Error('usage: node ack-only-consumer.js <amqp-url> <queue> <prefetch> <count>');
  const prefetch = Number(prefetchText);
  const count = Number(countText);
  const ackEvery = Math.max(1, Math.floor(prefetch / 2));
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  let received = 0;
  let firstAt = 0;
  await new Promise<void>((resolve) => {
    void channel.consume(queue, (message) => {
      if (!message) return;
      if (received === 0) firstAt = Date.now();
      received++;
      if (received % ackEvery === 0 || received === count) channel.ack(message, true);
      if (received === count) resolve();
    });
  });
  const doneAt = Date.now();
  await channel.close();
  await connection.close();
  process.stdout.write(`${JSON.stringify({ firstAt, doneAt, received })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
