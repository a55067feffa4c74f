import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { PublisherOptions } from '../sdk';
import type { AdapterLogger, LogLevel } from './logger';

/**
 * Adapter configuration: a YAML or JSON file (`--config`), then the environment over it, then command-line
 * flags over both. Every adapter shares the `rabbit`, `publisher`, `experiment` and `logLevel` keys; the
 * rest is its own. Unknown keys are refused (a typo must not silently become a default).
 */

/** Thrown for a configuration that cannot work; the CLI prints its message, which names the key. */
export class AdapterConfigError extends Error {
  override readonly name = 'AdapterConfigError';
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

export const rabbitSchema = z.strictObject({
  /** A bare host (`localhost`, `rabbit:5672`, as the core's RABBIT_URL) or a full amqp(s):// URL. */
  url: z.string().min(1).default('localhost'),
  user: z.string().min(1).default('guest'),
  password: z.string().default('guest'),
  exchange: z.string().min(1).default('mymonit'),
  routingKey: z.string().min(1).default('measures'),
  /** Shown by the broker for this connection; default `mymonit-<adapter> <hostname> <pid>`. */
  connectionName: z.string().min(1).optional(),
});

export const publisherSchema = z.strictObject({
  maxMeasuresPerMessage: int(1, 10_000).default(500),
  maxMessageBytes: int(1024).default(1_048_576),
  lingerMs: int(0).default(50),
  bufferSize: int(1).default(100_000),
  whenFull: z.enum(['block', 'fail']).optional(),
  maxInFlightMessages: int(1).default(256),
  closeTimeoutMs: int(0).default(30_000),
});

export const logLevelSchema = z.enum(['error', 'warn', 'info', 'debug']).default('info');

/** What every adapter's schema extends. */
export const commonShape = {
  rabbit: rabbitSchema.prefault({}),
  publisher: publisherSchema.prefault({}),
  /** The experiment measures go to when the input does not name one. */
  experiment: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an experiment code (letters, digits, _ . -)').optional(),
  logLevel: logLevelSchema,
};

export type RabbitConfig = z.infer<typeof rabbitSchema>;
export type PublisherConfig = z.infer<typeof publisherSchema>;
export interface CommonConfig {
  rabbit: RabbitConfig;
  publisher: PublisherConfig;
  experiment?: string;
  logLevel: LogLevel;
}

/** An environment variable and the config key it sets (a dotted path). */
export type EnvBinding = readonly [variable: string, key: string];

/** The variables every adapter reads; the RABBIT_* names and defaults are the core's (src/config.ts). */
export const COMMON_ENV: readonly EnvBinding[] = [
  ['RABBIT_URL', 'rabbit.url'],
  ['RABBIT_USER', 'rabbit.user'],
  ['RABBIT_PASSWORD', 'rabbit.password'],
  ['RABBIT_EXCHANGE', 'rabbit.exchange'],
  ['RABBIT_ROUTING', 'rabbit.routingKey'],
  ['MYMONIT_EXPERIMENT', 'experiment'],
  ['LOG_LEVEL', 'logLevel'],
];

/** Reads a YAML or JSON file (JSON is YAML) into a plain object. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AdapterConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new AdapterConfigError(`config file ${file} is not valid YAML/JSON: ${(error as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new AdapterConfigError(`config file ${file}: the top level must be a mapping`);
  return value as Record<string, unknown>;
}

/** Sets a dotted key in a nested plain object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  const last = parts.pop() ?? key;
  let node = target;
  for (const part of parts) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[last] = value;
}

export interface ConfigSources {
  /** The --config file, when given. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra environment bindings of this adapter (beside COMMON_ENV). */
  envBindings?: readonly EnvBinding[];
  /** Command-line flags, as dotted keys; undefined values are ignored. */
  overrides?: Record<string, unknown>;
  /** The adapter's own section (`file`, `http`...): present, if empty, so that errors name its keys. */
  section?: string;
}

/** File, then environment, then flags, validated by `schema`; AdapterConfigError names the key at fault. */
export function loadAdapterConfig<S extends z.ZodType>(schema: S, sources: ConfigSources): z.infer<S> {
  const raw = sources.file ? readConfigFile(sources.file) : {};
  const env = sources.env ?? process.env;
  for (const [variable, key] of [...COMMON_ENV, ...(sources.envBindings ?? [])]) {
    const value = env[variable];
    if (value !== undefined && value !== '') setPath(raw, key, value);
  }
  for (const [key, value] of Object.entries(sources.overrides ?? {})) {
    if (value !== undefined) setPath(raw, key, value);
  }
  if (sources.section && (raw[sources.section] === undefined || raw[sources.section] === null)) raw[sources.section] = {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const where = sources.file ? ` (config file ${sources.file} and environment)` : '';
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new AdapterConfigError(`invalid configuration${where}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The AMQP URL: RABBIT_URL may be a bare host (the core's form) or a full amqp(s):// URL. */
export function rabbitUrl(rabbit: RabbitConfig): string {
  if (/^amqps?:\/\//.test(rabbit.url)) return rabbit.url;
  const host = rabbit.url.includes(':') ? rabbit.url : `${rabbit.url}:5672`;
  return `amqp://${encodeURIComponent(rabbit.user)}:${encodeURIComponent(rabbit.password)}@${host}`;
}

/** The SDK options an adapter's config describes. */
export function publisherOptions(
  config: CommonConfig,
  adapter: string,
  logger: AdapterLogger,
  defaults: { whenFull: 'block' | 'fail' } = { whenFull: 'block' },
): PublisherOptions {
  return {
    url: rabbitUrl(config.rabbit),
    exchange: config.rabbit.exchange,
    routingKey: config.rabbit.routingKey,
    connectionName: config.rabbit.connectionName ?? `mymonit-${adapter} ${process.pid}`,
    ...config.publisher,
    whenFull: config.publisher.whenFull ?? defaults.whenFull,
    logger,
  };
}

/** The config as --print-config shows it: secrets replaced by `***`. */
export function redactedConfig(config: unknown): unknown {
  return JSON.parse(
    JSON.stringify(config, (key, value: unknown) => {
      if (typeof value !== 'string' || value === '') return value;
      if (/password|token|secret/i.test(key)) return '***';
      // Credentials inside a URL (amqp://user:password@host).
      return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
    }),
  );
}
