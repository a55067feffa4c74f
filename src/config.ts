import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { PROJECT_ROOT } from './project-root';

/**
 * Config is every setting MyMONIT reads from the environment (and the optional .env file under it), typed
 * and validated once at start-up. This is the only file that reads process.env.
 */
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SERVICE_INSTANCE: z.string().min(1).default(os.hostname()),

  DB_USER: z.string().min(1).default('root'),
  DB_PASSWORD: z.string().default(''),
  DB_HOST: z.string().min(1).default('localhost'),
  DB_PORT: port.default(3306),
  DB_DATABASE: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'letters, digits and _ only').default('my_monit'),
  DB_POOL_SIZE: positiveInt.default(10),
  MIGRATE_ON_START: bool.default(true),

  RABBIT_URL: z.string().min(1).default('localhost'),
  RABBIT_USER: z.string().min(1).default('guest'),
  RABBIT_PASSWORD: z.string().default('guest'),
  RABBIT_EXCHANGE: z.string().min(1).default('mymonit'),
  RABBIT_ROUTING: z.string().min(1).default('measures'),
  RABBIT_QUEUE: z.string().min(1).default('measures'),
  RABBIT_POLICY_ROUTING_KEY: z.string().min(1).default('policy.events'),
  RABBIT_POLICY_QUEUE: z.string().min(1).optional(),
  RABBIT_POLICY_PREFETCH: positiveInt.max(65535).default(64),
  RABBIT_QUEUE_TYPE: z.enum(['quorum', 'classic']).default('quorum'),
  RABBIT_DEAD_LETTER_EXCHANGE: z.string().min(1).optional(),
  RABBIT_DEAD_LETTER_QUEUE: z.string().min(1).optional(),
  RABBIT_PREFETCH: positiveInt.max(65535).default(10000),
  RABBIT_RECONNECT_MAX_MS: positiveInt.default(30000),
  MAX_MESSAGE_BYTES: positiveInt.default(1048576),
  REJECTED_BODY_PREFIX_BYTES: positiveInt.max(16777216).default(65536),
  INGEST_BATCH_SIZE: positiveInt.max(100000).default(5000),
  INGEST_LINGER_MS: z.coerce.number().int().min(0).max(60000).default(50),
  INGEST_CONCURRENCY: positiveInt.max(16).default(2),
  INGEST_BUFFER_BYTES: z.coerce.number().int().min(0).max(1073741824).default(16777216),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),

  REST_HOST: z.string().min(1).default('0.0.0.0'),
  REST_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  REST_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 1mb').default('1mb'),
  REST_TRUST_PROXY: z.string().default('loopback'),
  REST_VALIDATE_RESPONSES: bool.default(false),

  LOGSTASH_HOST: z.string().optional(),
  LOGSTASH_PORT: port.default(5959),

  AUTH_MODE: z.enum(['local', 'firebase', 'oidc']).default('local'),
  AUTH_LOCAL_KEY: z.string().min(32, 'at least 32 characters').optional(),
  AUTH_LOCAL_KEY_FILE: z.string().min(1).default('.mymonit/local-signing-key'),
  AUTH_LOCAL_ISSUER: z.string().min(1).default('mymonit-local'),
  AUTH_AUDIENCE: z.string().min(1).default('mymonit'),
  AUTH_TOKEN_TTL: z.string().regex(/^\d+[smhd]$/, 'a duration such as 12h').default('12h'),
  AUTH_MAX_TOKEN_LIFETIME: z.string().regex(/^\d+[smhd]$/, 'a duration such as 7d').default('7d'),
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  AUTH_FAILURE_AUDIT_WINDOW_SECONDS: positiveInt.max(86400).default(60),
  AUTH_FAILURE_AUDIT_BURST: z.coerce.number().int().min(0).max(100000).default(5),
  AUTH_FAILURE_AUDIT_SOURCES: positiveInt.max(100000).default(100),
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_JWKS_URL: z.url().optional(),
  OIDC_USERNAME_CLAIM: z.string().min(1).default('sub'),
  FIREBASE_PROJECT_ID: z.string().min(1).optional(),
  FIREBASE_AUTH_EMULATOR_HOST: z.string().min(1).optional(),
  // The web console's sign-in (GET /ui-config): public values only (a Firebase web API key is public).
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_SCOPE: z.string().min(1).default('openid profile email'),
  FIREBASE_API_KEY: z.string().min(1).optional(),
  FIREBASE_AUTH_DOMAIN: z.string().min(1).optional(),
  WEB_DIR: z.string().min(1).default('dist/web'),

  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10000),

  ROLLUP_INTERVAL_MS: positiveInt.max(3600000).default(1000),
  RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
  ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
  RETENTION_INTERVAL_MS: positiveInt.max(86400000).default(600000),
  RETENTION_CHUNK_ROWS: positiveInt.max(100000).default(5000),

  PROMQL_MAX_SAMPLES: positiveInt.max(1000000000).default(5000000),
  PROMQL_MAX_SERIES: positiveInt.max(10000000).default(50000),
  PROMQL_QUERY_TIMEOUT_MS: positiveInt.max(3600000).default(120000),
  ALERTMANAGER_CONFIG_FILE: z.string().min(1).optional(),
  ALERTMANAGER_CONFIG_POLL_MS: z.coerce.number().int().min(100).max(60000).default(1000),
  CHECK_SCHEDULER_POLL_MS: z.coerce.number().int().min(10).max(60000).default(250),
  CHECK_SCHEDULER_LEASE_MS: z.coerce.number().int().min(100).max(600000).default(1500),
  CHECK_SCHEDULER_CONCURRENCY: positiveInt.max(10000).default(64),
  CHECK_SCHEDULER_MAX_MISSED_SLOTS: z.coerce.number().int().min(0).max(10000).default(10),
});

type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  instance: string;
  log: { level: Env['LOG_LEVEL']; format: 'json' | 'pretty'; logstash?: { host: string; port: number } };
  db: {
    user: string;
    password: string;
    host: string;
    port: number;
    database: string;
    poolSize: number;
    migrateOnStart: boolean;
  };
  rabbit: {
    url: string;
    exchange: string;
    routingKey: string;
    queue: string;
    queueType: 'quorum' | 'classic';
    deadLetterExchange: string;
    deadLetterQueue: string;
    prefetch: number;
    reconnectMaxMs: number;
    maxMessageBytes: number;
    /** What is kept of an oversize message's body (beyond maxMessageBytes): this many first bytes, and its SHA-256. */
    rejectedBodyPrefixBytes: number;
    /** The policy events (issue 15): their own queue, bound to the exchange with their own routing key. */
    policy: { routingKey: string; queue: string; prefetch: number };
  };
  /** How the consumer groups deliveries into transactions. */
  ingest: {
    /** Measures per batch (one transaction); a message is never split, so a bigger one is a batch alone. */
    batchSize: number;
    /** How long the first delivery of a partial batch waits for more before the batch is committed. */
    lingerMs: number;
    /** Batches committing at once (each on its own connection); acks still go out in delivery order. */
    concurrency: number;
    /** Bytes of unacked message bodies the consumer aims to hold: the prefetch follows the messages' size (0: fixed RABBIT_PREFETCH). */
    bufferBytes: number;
  };
  rest: {
    host: string;
    port: number;
    bodyLimit: string;
    trustProxy: string;
    validateResponses: boolean;
    /** The built web console served at /ui/ (WEB_DIR, against the project root). */
    webDir: string;
  };
  auth: {
    mode: Env['AUTH_MODE'];
    audience: string;
    local: { key?: string; keyFile: string; issuer: string; tokenTtl: string };
    /** Tokens whose exp - iat exceeds this are refused, in every mode; iat is required. */
    maxTokenLifetimeSeconds: number;
    /** How far a token's iat may lie ahead of this host's clock (and exp/nbf behind or ahead). */
    clockSkewSeconds: number;
    /** 401s audited one row each up to `burst` per source and window, then one summary row per source. */
    failureAudit: { windowMs: number; burst: number; maxSources: number };
    oidc: { issuer?: string; audience?: string; jwksUrl?: string; usernameClaim: string; clientId?: string; scope: string };
    firebase: { projectId?: string; emulatorHost?: string; apiKey?: string; authDomain?: string };
  };
  shutdownTimeoutMs: number;
  /**
   * Where /metrics, /health/live and /health/ready are served for every role; when set, the REST port no
   * longer serves /metrics. Unset: `serve`/`all` serve /metrics on the REST port, `consume` serves nothing.
   */
  metricsPort?: number;
  /** The consumer's rollup job: how often it recomputes the minutes that ingest marked. */
  rollups: { intervalMs: number };
  /** Age limits, in days (0 keeps forever), enforced by the consumer in bounded deletes. */
  retention: { rawDays: number; rollupDays: number; intervalMs: number; chunkRows: number };
  /**
   * Bounds of one PromQL query (the HTTP API's and a rule's): samples and series it may read (Prometheus's
   * query.max-samples), and how long it may run when the request asks for no shorter timeout.
   */
  promql: { maxSamples: number; maxSeries: number; queryTimeoutMs: number };
  /**
   * The notification stage's Alertmanager configuration: the file applied at start and on SIGHUP (when it
   * differs from the newest stored version), and how often every instance polls for a newer version.
   */
  alertmanager: { configFile?: string; pollMs: number };
  /** The check scheduler (issue 14): poll period, claim lease (a dead holder's slots are taken over within lease + poll), jobs at once, superseded slots recorded as missed. */
  checkScheduler: { pollMs: number; leaseMs: number; concurrency: number; maxMissedSlots: number };
}

/** ConfigError names the variable that stopped start-up; main prints its message as one line. */
export class ConfigError extends Error {}

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in a duration such as '12h' (the form of AUTH_TOKEN_TTL); NaN for anything else. */
export function durationSeconds(duration: string): number {
  const [, amount, unit] = /^(\d{1,9})([smhd])$/.exec(duration) ?? [];
  const perUnit = unit === undefined ? undefined : DURATION_UNITS[unit];
  return amount !== undefined && perUnit !== undefined ? Number(amount) * perUnit : Number.NaN;
}

/** Builds the AMQP URL from RABBIT_URL, which may be a bare host (the seed's form) or a full amqp(s):// URL. */
function rabbitUrl(env: Env): string {
  if (/^amqps?:\/\//.test(env.RABBIT_URL)) return env.RABBIT_URL;
  const user = encodeURIComponent(env.RABBIT_USER);
  const password = encodeURIComponent(env.RABBIT_PASSWORD);
  const host = env.RABBIT_URL.includes(':') ? env.RABBIT_URL : `${env.RABBIT_URL}:5672`;
  return `amqp://${user}:${password}@${host}`;
}

function crossCheck(env: Env): void {
  if (env.NODE_ENV === 'production' && env.FIREBASE_AUTH_EMULATOR_HOST) {
    throw new ConfigError(
      'FIREBASE_AUTH_EMULATOR_HOST: the auth emulator accepts unsigned tokens and is refused with NODE_ENV=production',
    );
  }
  // Aggregates read rollups wherever raw data also exists: rollups must outlive the raw rows they summarise.
  if (env.ROLLUP_RETENTION_DAYS > 0 && (env.RETENTION_DAYS === 0 || env.ROLLUP_RETENTION_DAYS < env.RETENTION_DAYS)) {
    throw new ConfigError('ROLLUP_RETENTION_DAYS: must be 0 (keep) or at least RETENTION_DAYS, which must then be set');
  }
  const maxLifetime = durationSeconds(env.AUTH_MAX_TOKEN_LIFETIME);
  if (!(maxLifetime > 0)) throw new ConfigError('AUTH_MAX_TOKEN_LIFETIME: a positive duration such as 7d');
  if (!(durationSeconds(env.AUTH_TOKEN_TTL) <= maxLifetime)) {
    throw new ConfigError('AUTH_TOKEN_TTL: must not exceed AUTH_MAX_TOKEN_LIFETIME');
  }
  if (env.CHECK_SCHEDULER_LEASE_MS <= env.CHECK_SCHEDULER_POLL_MS) {
    throw new ConfigError('CHECK_SCHEDULER_LEASE_MS: must exceed CHECK_SCHEDULER_POLL_MS');
  }
  if (env.AUTH_MODE === 'oidc') {
    for (const name of ['OIDC_ISSUER', 'OIDC_JWKS_URL'] as const) {
      if (!env[name]) throw new ConfigError(`${name}: required when AUTH_MODE=oidc`);
    }
  }
}

/**
 * The process's environment over the optional .env file: `.env` at the project root (found from the code,
 * not the current directory, so the CLI run from anywhere and the server read the same file), or the file
 * MYMONIT_ENV_FILE names. A variable present in the real environment wins over the file.
 */
export function withDotenv(source: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): NodeJS.ProcessEnv {
  const named = source.MYMONIT_ENV_FILE;
  const file = named ? path.resolve(named) : path.join(root, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return source;
    throw new ConfigError(`${named ? 'MYMONIT_ENV_FILE' : '.env'}: cannot read ${file} (${code ?? String(error)})`);
  }
  return { ...parseDotenv(text), ...source };
}

/** The configuration of this process: its environment over the .env file. */
export function loadProcessConfig(): Config {
  return loadConfig(withDotenv(process.env));
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set": compose and Kubernetes pass optional settings through as ''.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const name = String(issue?.path[0] ?? 'environment');
    const raw = source[name];
    const shown = raw === undefined || /PASSWORD|KEY|SECRET/.test(name) ? '' : ` (got "${raw}")`;
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}${shown}`);
  }
  const env = parsed.data;
  crossCheck(env);
  return {
    env: env.NODE_ENV,
    instance: env.SERVICE_INSTANCE,
    log: {
      level: env.LOG_LEVEL,
      format: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
      logstash: env.LOGSTASH_HOST ? { host: env.LOGSTASH_HOST, port: env.LOGSTASH_PORT } : undefined,
    },
    db: {
      user: env.DB_USER,
      password: env.DB_PASSWORD,
      host: env.DB_HOST,
      port: env.DB_PORT,
      database: env.DB_DATABASE,
      poolSize: env.DB_POOL_SIZE,
      migrateOnStart: env.MIGRATE_ON_START,
    },
    rabbit: {
      url: rabbitUrl(env),
      exchange: env.RABBIT_EXCHANGE,
      routingKey: env.RABBIT_ROUTING,
      queue: env.RABBIT_QUEUE,
      queueType: env.RABBIT_QUEUE_TYPE,
      deadLetterExchange: env.RABBIT_DEAD_LETTER_EXCHANGE ?? `${env.RABBIT_EXCHANGE}.dead`,
      deadLetterQueue: env.RABBIT_DEAD_LETTER_QUEUE ?? `${env.RABBIT_QUEUE}.dead`,
      prefetch: env.RABBIT_PREFETCH,
      reconnectMaxMs: env.RABBIT_RECONNECT_MAX_MS,
      maxMessageBytes: env.MAX_MESSAGE_BYTES,
      rejectedBodyPrefixBytes: env.REJECTED_BODY_PREFIX_BYTES,
      policy: { routingKey: env.RABBIT_POLICY_ROUTING_KEY, queue: env.RABBIT_POLICY_QUEUE ?? `${env.RABBIT_QUEUE}.policy-events`, prefetch: env.RABBIT_POLICY_PREFETCH },
    },
    ingest: {
      batchSize: env.INGEST_BATCH_SIZE,
      lingerMs: env.INGEST_LINGER_MS,
      concurrency: env.INGEST_CONCURRENCY,
      bufferBytes: env.INGEST_BUFFER_BYTES,
    },
    rest: {
      host: env.REST_HOST,
      port: env.REST_PORT,
      bodyLimit: env.REST_BODY_LIMIT,
      trustProxy: env.REST_TRUST_PROXY,
      validateResponses: env.REST_VALIDATE_RESPONSES,
      webDir: path.resolve(PROJECT_ROOT, env.WEB_DIR),
    },
    auth: {
      mode: env.AUTH_MODE,
      audience: env.AUTH_AUDIENCE,
      local: {
        key: env.AUTH_LOCAL_KEY,
        // Against the project root, not the current directory: `mymonit token` run anywhere signs with the server's key.
        keyFile: path.resolve(PROJECT_ROOT, env.AUTH_LOCAL_KEY_FILE),
        issuer: env.AUTH_LOCAL_ISSUER,
        tokenTtl: env.AUTH_TOKEN_TTL,
      },
      maxTokenLifetimeSeconds: durationSeconds(env.AUTH_MAX_TOKEN_LIFETIME),
      clockSkewSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
      failureAudit: {
        windowMs: env.AUTH_FAILURE_AUDIT_WINDOW_SECONDS * 1000,
        burst: env.AUTH_FAILURE_AUDIT_BURST,
        maxSources: env.AUTH_FAILURE_AUDIT_SOURCES,
      },
      oidc: {
        issuer: env.OIDC_ISSUER,
        audience: env.OIDC_AUDIENCE,
        jwksUrl: env.OIDC_JWKS_URL,
        usernameClaim: env.OIDC_USERNAME_CLAIM,
        // The console's client is usually the audience the API checks.
        clientId: env.OIDC_CLIENT_ID ?? env.OIDC_AUDIENCE,
        scope: env.OIDC_SCOPE,
      },
      firebase: {
        projectId: env.FIREBASE_PROJECT_ID,
        emulatorHost: env.FIREBASE_AUTH_EMULATOR_HOST,
        apiKey: env.FIREBASE_API_KEY,
        authDomain: env.FIREBASE_AUTH_DOMAIN ?? (env.FIREBASE_PROJECT_ID ? `${env.FIREBASE_PROJECT_ID}.firebaseapp.com` : undefined),
      },
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    metricsPort: env.METRICS_PORT,
    rollups: { intervalMs: env.ROLLUP_INTERVAL_MS },
    retention: {
      rawDays: env.RETENTION_DAYS,
      rollupDays: env.ROLLUP_RETENTION_DAYS,
      intervalMs: env.RETENTION_INTERVAL_MS,
      chunkRows: env.RETENTION_CHUNK_ROWS,
    },
    promql: {
      maxSamples: env.PROMQL_MAX_SAMPLES,
      maxSeries: env.PROMQL_MAX_SERIES,
      queryTimeoutMs: env.PROMQL_QUERY_TIMEOUT_MS,
    },
    alertmanager: {
      ...(env.ALERTMANAGER_CONFIG_FILE !== undefined ? { configFile: env.ALERTMANAGER_CONFIG_FILE } : {}),
      pollMs: env.ALERTMANAGER_CONFIG_POLL_MS,
    },
    checkScheduler: {
      pollMs: env.CHECK_SCHEDULER_POLL_MS,
      leaseMs: env.CHECK_SCHEDULER_LEASE_MS,
      concurrency: env.CHECK_SCHEDULER_CONCURRENCY,
      maxMissedSlots: env.CHECK_SCHEDULER_MAX_MISSED_SLOTS,
    },
  };
}
