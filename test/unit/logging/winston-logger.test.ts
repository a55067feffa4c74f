import { runWithLogContext, setContextActor } from '../../../src/logging/log-context';
import { createWinstonLogger, shippingOf } from '../../../src/logging/winston-logger';
import { testConfig } from '../../support/real-services';
import { LineCapture } from '../../integration/logging/line-capture';
import { personalUser } from './people';

/** The root logger: what every line carries, and that redaction applies whatever the format. */
describe('the winston logger', () => {
  const user = personalUser({ id: 1, pseudonym: 'p-1', role: 'ADMIN' });

  function jsonLogger() {
    const console = new LineCapture();
    const logger = createWinstonLogger(testConfig({ LOG_LEVEL: 'debug', SERVICE_INSTANCE: 'rest-1' }), { consoleStream: console });
    return { console, logger };
  }

  it('stamps every line with timestamp, level, service, instance, and the request id and actor of its context', () => {
    const { console, logger } = jsonLogger();
    logger.info('outside');
    runWithLogContext({ requestId: 'req-1' }, () => {
      logger.child({ component: 'rest' }).debug('before authentication');
      setContextActor('p-1');
      logger.warn('after authentication', { extra: 1 });
    });
    const [outside, before, after] = console.parsed();
    expect(outside).toMatchObject({ level: 'info', message: 'outside', service: 'mymonit', instance: 'rest-1' });
    expect(outside!.requestId).toBeUndefined();
    expect(Date.parse(String(outside!.timestamp))).not.toBeNaN();
    expect(before).toMatchObject({ level: 'debug', component: 'rest', requestId: 'req-1' });
    expect(before!.actor).toBeUndefined();
    expect(after).toMatchObject({ level: 'warn', requestId: 'req-1', actor: 'p-1', extra: 1 });
  });

  it('redacts top-level keys, nested models, errors and the message itself', () => {
    const { console, logger } = jsonLogger();
    const error = new Error('failed for jim@foobar.com', { cause: new Error('Bearer abcdefghijkl refused') });
    logger.error('user jim@foobar.com: Authorization: Bearer abcdefghijkl', { password: 'hunter2', user, error });
    const [line] = console.lines;
    for (const secret of ['hunter2', 'Jim Apple', 'jim-uid', 'jim@foobar.com', 'abcdefghijkl']) expect(line).not.toContain(secret);
    const parsed = console.parsed()[0] as { password: string; user: Record<string, unknown>; error: { cause: { message: string } } };
    expect(parsed.password).toBe('***');
    expect(parsed.user).toMatchObject({ pseudonym: 'p-1', name: '***', role: 'ADMIN' });
    expect(parsed.error.cause.message).toBe('Bearer *** refused');
  });

  it('logs `error` as an object whether the caller passed an Error or its message', () => {
    const { console, logger } = jsonLogger();
    logger.warn('as text', { error: 'connect ECONNREFUSED' });
    logger.warn('as error', { error: new Error('connect ECONNREFUSED') });
    const [text, error] = console.parsed();
    expect(text!.error).toEqual({ message: 'connect ECONNREFUSED' });
    expect(error!.error).toMatchObject({ name: 'Error', message: 'connect ECONNREFUSED' });
  });

  it('redacts the human development format as well', () => {
    const console = new LineCapture();
    const logger = createWinstonLogger(testConfig({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'info', SERVICE_INSTANCE: 'dev-1' }), { consoleStream: console });
    runWithLogContext({ requestId: 'req-9', actor: 'p-1' }, () => logger.child({ component: 'amqp' }).info('hello jim@foobar.com', { user }));
    const [line] = console.lines;
    expect(line).toContain('mymonit/dev-1');
    expect(line).toContain('[amqp]');
    expect(line).toContain('"requestId":"req-9"');
    expect(line).not.toMatch(/jim@foobar\.com|Jim Apple|jim-uid/);
  });

  it.each([
    ['a pipe or file: plain, no ANSI escape codes', false],
    ['a terminal: coloured levels', true],
  ])('writes the development format to %s', (_case, terminal) => {
    const console = Object.assign(new LineCapture(), terminal ? { isTTY: true } : {});
    const logger = createWinstonLogger(testConfig({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' }), { consoleStream: console });
    logger.warn('careful');
    const [line] = console.lines;
    expect(line).toContain('careful');
    // eslint-disable-next-line no-control-regex
    expect(/\u001b\[/.test(line!)).toBe(terminal);
  });

  it('ships nothing and reports nothing dropped without LOGSTASH_HOST', () => {
    const { logger } = jsonLogger();
    expect(shippingOf(logger).stats()).toEqual({ enabled: false, capacity: 0, queued: 0, sent: 0, dropped: { app: 0, audit: 0 } });
  });
});
