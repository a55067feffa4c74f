import winston from 'winston';
import type TransportStream from 'winston-transport';
import type { Config } from '../config';
import { BoundedLogstashTransport, SHIPPING_DEFAULTS, type LogstashShippingOptions } from './bounded-logstash-transport';
import { currentLogContext } from './log-context';
import type { Logger } from './logger';
import { NO_SHIPPING, type LogShipping } from './log-shipping';
import { redactFields, redactText } from './redaction';

const SPLAT = Symbol.for('splat');

/** Fields every line carries as they are: stamped by this process, never user data. */
const OWN_FIELDS = new Set(['level', 'timestamp', 'service', 'instance']);

/**
 * Stamps every line with the unit of work's request id and actor, then redacts it, before any transport
 * sees it: one format for every transport, so no transport can forget it.
 */
const contextAndRedaction = winston.format((info) => {
  const context = currentLogContext();
  if (context.requestId && info.requestId === undefined) info.requestId = context.requestId;
  if (context.actor && info.actor === undefined) info.actor = context.actor;
  // The raw arguments of the call: no serialiser prints them, but a custom transport could.
  delete (info as Record<symbol, unknown>)[SPLAT];
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(info)) if (!OWN_FIELDS.has(key) && key !== 'message') fields[key] = info[key];
  Object.assign(info, redactFields(fields));
  info.message = redactText(String(info.message));
  // Some callers log `error: error.message`, others the error itself: one shape keeps Elasticsearch from
  // rejecting whichever comes second in a day's index (a field is either text or an object).
  if (typeof info.error === 'string') info.error = { message: info.error };
  return info;
});

/** The human format of development: `time level service/instance [component] message {meta}`. */
const human = winston.format.printf(({ level, message, timestamp, service, instance, component, ...rest }) => {
  const scope = component ? ` [${String(component)}]` : '';
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  return `${String(timestamp)} ${level} ${String(service)}/${String(instance)}${scope} ${String(message)}${extra}`;
});

/** Colours only for a terminal: piped into a file, `less` or a log collector, escape codes are noise. */
function pretty(colours: boolean): winston.Logform.Format {
  return colours ? winston.format.combine(winston.format.colorize(), human) : human;
}

function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WritableStream & { isTTY?: boolean }).isTTY === true;
}

export interface WinstonLoggerOptions {
  /** Where the console transport writes instead of stdout/stderr (tests capture it). */
  consoleStream?: NodeJS.WritableStream;
  /** Overrides of the Logstash transport's bounds (tests use small ones). */
  logstash?: Partial<Omit<LogstashShippingOptions, 'host' | 'port'>>;
}

/**
 * WinstonLogger is the process's Logger: a winston logger whose every line passes the context and
 * redaction format, written to the console and, when LOGSTASH_HOST is set, shipped to Logstash.
 */
export class WinstonLogger implements Logger {
  constructor(
    private readonly winston: winston.Logger,
    readonly shipping: LogShipping & Partial<Pick<BoundedLogstashTransport, 'drain' | 'close'>>,
  ) {}

  error(message: string, meta?: Record<string, unknown>): void {
    this.winston.log('error', message, meta ?? {});
  }

  warn(message: string, meta?: Record<string, unknown>): void {
    this.winston.log('warn', message, meta ?? {});
  }

  info(message: string, meta?: Record<string, unknown>): void {
    this.winston.log('info', message, meta ?? {});
  }

  debug(message: string, meta?: Record<string, unknown>): void {
    this.winston.log('debug', message, meta ?? {});
  }

  child(meta: Record<string, unknown>): Logger {
    return new WinstonLogger(this.winston.child(meta), this.shipping);
  }

  /** Gives queued events up to `timeoutMs` to reach Logstash, then closes the connection. */
  async close(timeoutMs = 2000): Promise<void> {
    await this.shipping.drain?.(timeoutMs);
    this.shipping.close?.();
  }
}

/** Creates the process's root logger: JSON lines in production, a human format in development (coloured on a terminal). */
export function createWinstonLogger(config: Config, options: WinstonLoggerOptions = {}): WinstonLogger {
  const consoleFormat =
    config.log.format === 'json' ? winston.format.json() : pretty(isTerminal(options.consoleStream ?? process.stdout));
  const transports: TransportStream[] = [
    options.consoleStream
      ? new winston.transports.Stream({ stream: options.consoleStream, format: consoleFormat })
      : new winston.transports.Console({ format: consoleFormat, stderrLevels: ['error'] }),
  ];
  let shipping: WinstonLogger['shipping'] = NO_SHIPPING;
  if (config.log.logstash) {
    const logstash = new BoundedLogstashTransport({ ...SHIPPING_DEFAULTS, ...options.logstash, ...config.log.logstash });
    transports.push(logstash);
    shipping = logstash;
  }
  const logger = winston.createLogger({
    level: config.log.level,
    defaultMeta: { service: 'mymonit', instance: config.instance },
    format: winston.format.combine(winston.format.timestamp(), contextAndRedaction()),
    transports,
  });
  return new WinstonLogger(logger, shipping);
}

/** The shipping figures of a logger made here; a logger from elsewhere (a test's) ships nothing. */
export function shippingOf(logger: Logger): LogShipping {
  return logger instanceof WinstonLogger ? logger.shipping : NO_SHIPPING;
}
