import * as amqp from 'amqplib';
import type { Container } from 'inversify';
import type { RabbitListener } from '../../src/amqp/rabbit-listener';
import type { TokenIssuer } from '../../src/auth/token-verifier';
import type { Component } from '../../src/component';
import type { Config } from '../../src/config';
import { buildContainer } from '../../src/container';
import type { User } from '../../src/domain/user';
import { TYPES } from '../../src/identifiers';
import type { Logger } from '../../src/logging/logger';
import type { RestListener } from '../../src/rest/rest-listener';
import type { UserService } from '../../src/services/user-service';
import type { Database, Migrator } from '../../src/storage/stores';
import { createTestDatabase, testConfig, uniqueName, type TestDatabase } from './real-services';

export { eventually } from './eventually';

/**
 * A whole MyMONIT process for a test: real MariaDB (its own database), real RabbitMQ (its own exchange
 * and queues), the real REST listener on an ephemeral port and, when asked, the real AMQP consumer.
 */
export interface TestPlatform {
  config: Config;
  container: Container;
  baseUrl: string;
  database: TestDatabase;
  admin: User;
  tokenFor(user: User): Promise<string>;
  createUser(role: 'ADMIN' | 'SCIENTIST', label?: string): Promise<User>;
  /** To the measures routing key unless another is given (the policy events': config.rabbit.policy.routingKey). */
  publish(body: Buffer | string | object, options?: amqp.Options.Publish, routingKey?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  consume?: boolean;
  /** Other components (TYPES.Component) to start by name, after the REST listener: e.g. the rule evaluator. */
  components?: readonly string[];
  env?: Record<string, string>;
  logger?: Logger;
  /** Extra bindings (fakes of ports another stage provides) before anything is resolved. */
  configure?: (container: Container) => void;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const database = await createTestDatabase();
  const config = testConfig({
    DB_DATABASE: database.name,
    RABBIT_EXCHANGE: uniqueName('mymonit_ex'),
    RABBIT_QUEUE: uniqueName('measures'),
    RABBIT_POLICY_QUEUE: uniqueName('policy_events'),
    REST_HOST: '127.0.0.1',
    REST_PORT: '0',
    ...options.env,
  });
  const container = buildContainer(config, options.logger);
  options.configure?.(container);
  await container.get<Migrator>(TYPES.Migrator).migrate();
  const listener = options.consume ? container.get<RabbitListener>(TYPES.RabbitListener) : undefined;
  await listener?.start();
  const rest = container.get<RestListener>(TYPES.RestListener);
  const address = await rest.start();
  const wanted = new Set(options.components ?? []);
  const extra = container.getAll<Component>(TYPES.Component).filter((component) => wanted.has(component.name));
  const unknown = [...wanted].filter((name) => !extra.some((component) => component.name === name));
  if (unknown.length > 0) throw new Error(`startPlatform: no component named ${unknown.join(', ')}`);
  for (const component of extra) await component.start();
  const users = container.get<UserService>(TYPES.UserService);
  const issuer = container.get<TokenIssuer>(TYPES.TokenIssuer);

  let counter = 0;
  const createUser = (role: 'ADMIN' | 'SCIENTIST', label = role.toLowerCase()) => {
    counter += 1;
    const tag = `${label}${counter}`;
    return users.createFromCli({
      userId: `U${counter}`,
      name: `Person ${tag}`,
      username: `${tag}-uid`,
      email: `${tag}@example.org`,
      role,
    });
  };
  const admin = await createUser('ADMIN', 'admin');

  const connection = await amqp.connect(config.rabbit.url);
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(config.rabbit.exchange, 'topic', { durable: true });

  return {
    config,
    container,
    baseUrl: `http://127.0.0.1:${address.port}`,
    database,
    admin,
    tokenFor: (user) => issuer.issue(user.username ?? 'erased', undefined, user.pseudonym),
    createUser,
    async publish(body, publishOptions = {}, routingKey = config.rabbit.routingKey) {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      channel.publish(config.rabbit.exchange, routingKey, bytes, {
        contentType: 'application/json',
        persistent: true,
        messageId: uniqueName('msg'),
        ...publishOptions,
      });
      await channel.waitForConfirms();
    },
    async stop() {
      for (const component of [...extra].reverse()) await component.stop();
      await rest.stop();
      await listener?.stop();
      await channel.deleteQueue(config.rabbit.queue).catch(() => undefined);
      await channel.deleteQueue(config.rabbit.policy.queue).catch(() => undefined);
      await channel.deleteQueue(config.rabbit.deadLetterQueue).catch(() => undefined);
      await channel.deleteExchange(config.rabbit.exchange).catch(() => undefined);
      await channel.deleteExchange(config.rabbit.deadLetterExchange).catch(() => undefined);
      await connection.close();
      await container.get<Database>(TYPES.Database).close();
      await database.drop();
    },
  };
}

/** A small HTTP client over fetch: JSON in, status + parsed body + headers out. */
export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  headers: Headers;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

