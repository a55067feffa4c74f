import { createWinstonLogger, type WinstonLogger } from '../../../src/logging/winston-logger';
import { testConfig } from '../../support/real-services';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';
import { JsonLinesReceiver } from './json-lines-receiver';
import { LineCapture } from './line-capture';

/**
 * The Logstash transport against a real TCP server speaking json_lines: delivery, Logstash down from the
 * start, down and back mid-run, and too slow to read. The application must never wait for it.
 */
describe('the bounded Logstash transport', () => {
  const loggers: WinstonLogger[] = [];
  const receivers: JsonLinesReceiver[] = [];

  function logger(port: number, capacity: number, console = new LineCapture()): WinstonLogger {
    const config = testConfig({ LOGSTASH_HOST: '127.0.0.1', LOGSTASH_PORT: String(port), LOG_LEVEL: 'info' });
    const created = createWinstonLogger(config, { consoleStream: console, logstash: { capacity, maxRetryDelayMs: 200 } });
    loggers.push(created);
    return created;
  }

  async function receiver(): Promise<JsonLinesReceiver> {
    const created = new JsonLinesReceiver();
    receivers.push(created);
    await created.start();
    return created;
  }

  afterEach(async () => {
    for (const created of loggers.splice(0)) await created.close(0);
    for (const created of receivers.splice(0)) await created.stop();
  });

  it('ships each line as one JSON object with the standard fields', async () => {
    const logstash = await receiver();
    const log = logger(logstash.port, 100);
    log.child({ component: 'test' }).info('hello', { answer: 42, password: 'hunter2' });
    // The write callback and the receiver's read race: wait for both.
    await logstash.waitFor((events) => events.length === 1 && log.shipping.stats().sent === 1);
    expect(logstash.events[0]).toMatchObject({
      message: 'hello',
      level: 'info',
      service: 'mymonit',
      component: 'test',
      answer: 42,
      password: '***',
    });
    expect(typeof logstash.events[0].timestamp).toBe('string');
    expect(typeof logstash.events[0].instance).toBe('string');
    expect(log.shipping.stats()).toMatchObject({ sent: 1, queued: 0, dropped: { app: 0, audit: 0 } });
  });

  it('never holds the application back while Logstash is down, keeps `capacity` events and counts the rest', async () => {
    const port = await freePort();
    const console = new LineCapture();
    const log = logger(port, 500, console);
    // Synchronous logging cannot wait; the bounded queue and the counted drops show that it does not buffer.
    for (let i = 0; i < 5000; i++) log.info('while down', { i, audit: i % 10 === 0 });
    await new Promise((resolve) => setImmediate(resolve));

    // winston-logstash alone stops the whole pipe after 16 events; the console must see every one.
    expect(console.lines).toHaveLength(5000);
    const stats = log.shipping.stats();
    expect(stats.queued).toBe(500);
    expect(stats.dropped.app + stats.dropped.audit).toBe(4500);
    expect(stats.dropped.audit).toBe(450);

    // Logstash comes up on that port: the held events arrive, in order, and new ones follow.
    const logstash = new JsonLinesReceiver();
    receivers.push(logstash);
    await logstash.start(port);
    await logstash.waitFor((events) => events.length === 500);
    expect(logstash.events.map((e) => e.i)).toEqual([...Array(500).keys()]);
    log.info('after recovery');
    await logstash.waitFor((events) => events.some((e) => e.message === 'after recovery') && log.shipping.stats().queued === 0);
    expect(log.shipping.stats()).toMatchObject({ queued: 0, sent: 501 });
  });

  it('reconnects when Logstash stops and starts again mid-run', async () => {
    const logstash = await receiver();
    const log = logger(logstash.port, 1000);
    for (let i = 0; i < 50; i++) log.info('before', { i });
    await logstash.waitFor((events) => events.length === 50);

    await logstash.stop();
    for (let i = 0; i < 50; i++) log.info('during', { i });
    await eventually(() => log.shipping.stats(), (stats) => stats.queued >= 45, { what: 'the lines logged while down held in the queue' });
    await logstash.start();
    for (let i = 0; i < 50; i++) log.info('after', { i });

    await logstash.waitFor((events) => events.filter((e) => e.message === 'after').length === 50);
    // The first line written into the dying connection may be lost (json_lines has no acknowledgement);
    // everything queued while the port was closed arrives.
    const during = logstash.events.filter((e) => e.message === 'during').length;
    expect(during).toBeGreaterThanOrEqual(45);
    expect(log.shipping.stats().dropped).toEqual({ app: 0, audit: 0 });
  });

  it('drops and counts, without waiting, when Logstash accepts the connection but does not read', async () => {
    const logstash = await receiver();
    const log = logger(logstash.port, 200);
    log.info('connected');
    await logstash.waitFor((events) => events.length === 1);
    logstash.pause();

    const padding = 'x'.repeat(4096);
    // Logging is synchronous: the loop cannot wait for Logstash. What shows that nothing waits is the bounded
    // queue and the drops below, not a wall-clock bound (which a busy machine breaks).
    for (let i = 0; i < 4000; i++) log.info('while slow', { i, padding });
    // Loopback socket buffers take a few MB; the rest must be dropped rather than waited for.
    await eventually(() => log.shipping.stats(), (stats) => stats.dropped.app > 0, { what: 'lines dropped while Logstash does not read' });
    for (let i = 0; i < 1000; i++) log.info('still slow', { i, padding });
    const stats = log.shipping.stats();
    expect(stats.queued).toBeLessThanOrEqual(200);
    expect(stats.dropped.app).toBeGreaterThan(0);

    // Logstash catches up: whatever was not dropped arrives, and nothing is lost silently.
    logstash.resume();
    await logstash.waitFor((events) => log.shipping.stats().queued === 0 && events.length === log.shipping.stats().sent);
    const final = log.shipping.stats();
    expect(final.sent + final.dropped.app).toBe(1 + 4000 + 1000);
  });
});
