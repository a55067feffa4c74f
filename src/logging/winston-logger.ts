import winston from 'winston';
import type { Config } from '../config';
import { currentLogContext } from './log-context';
import type { Logger } from './logger';
import { redact } from './redaction';

/** Stamps every line with the unit of work's request id and actor, then redacts it, before any transport sees it. */
const contextAndRedaction = winston.format((info) => {
  const context = currentLogContext();
  if (context.requestId && info.requestId === undefined) info.requestId = context.requestId;
  if (context.actor && info.actor === undefined) info.actor = context.actor;
  for (const key of Object.keys(info)) {
    if (key !== 'level') info[key] = redact(info[key]);
  }
  return info;
});

/** Creates the process's root logger: JSON lines in production, a coloured human format in development. */
export function createWinstonLogger(config: Config): Logger {
  const console =
    config.log.format === 'json'
      ? winston.format.json()
      : winston.format.combine(
          winston.format.colorize(),
          winston.format.printf(({ level, message, timestamp, component, ...rest }) => {
            const scope = component ? ` [${String(component)}]` : '';
            const meta = Object.keys(rest).filter((k) => !['service', 'instance'].includes(k));
            const extra = meta.length ? ` ${JSON.stringify(Object.fromEntries(meta.map((k) => [k, rest[k]])))}` : '';
            return `${String(timestamp)} ${level}${scope} ${String(message)}${extra}`;
          }),
        );
  return winston.createLogger({
    level: config.log.level,
    defaultMeta: { service: 'mymonit', instance: config.instance },
    format: winston.format.combine(winston.format.timestamp(), contextAndRedaction()),
    transports: [new winston.transports.Console({ format: console, stderrLevels: ['error'] })],
  });
}
