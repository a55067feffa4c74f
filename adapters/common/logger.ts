import winston from 'winston';
import type { PublisherLogger } from '../sdk';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** What adapters log with: one JSON object per line on stderr, so stdout stays free for --help and --print-config. */
export interface AdapterLogger extends PublisherLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
}

export function createLogger(adapter: string, level: LogLevel = 'info'): AdapterLogger {
  const logger = winston.createLogger({
    level,
    defaultMeta: { adapter },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
  return {
    error: (message, meta) => void logger.error(message, meta),
    warn: (message, meta) => void logger.warn(message, meta),
    info: (message, meta) => void logger.info(message, meta),
    debug: (message, meta) => void logger.debug(message, meta),
  };
}

/** A logger that keeps what it is told, for tests and for embedding an adapter in another program. */
export interface MemoryLogger extends AdapterLogger {
  entries: Array<{ level: LogLevel; message: string; meta?: Record<string, unknown> }>;
}

export function memoryLogger(): MemoryLogger {
  const entries: MemoryLogger['entries'] = [];
  const at = (level: LogLevel) => (message: string, meta?: Record<string, unknown>) => void entries.push({ level, message, meta });
  return { entries, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
