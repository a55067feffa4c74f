import type { Container } from 'inversify';
import { buildContainer } from '../../src/container';
import { TYPES } from '../../src/identifiers';
import type { RestListener } from '../../src/rest/rest-listener';
import type { Database } from '../../src/storage/stores';
import { startNginx, type NginxOptions, type RunningNginx } from './nginx';
import { startPlatform, type TestPlatform } from './platform';
import { testConfig } from './real-services';

/**
 * The production topology on loopback: the real nginx with the project's config in front of two MyMONIT
 * REST instances ("a" and "b") over one database. Instance "a" is a whole test platform (its own
 * database, users, AMQP consumer when asked); "b" is a second process image over the same database, as
 * a second `mymonit serve` container would be.
 */
export interface ProxiedPlatform {
  a: TestPlatform;
  b: { container: Container; rest: RestListener; port: number };
  nginx: RunningNginx;
  /** Stops both REST instances (nginx keeps running): what an outage of the app looks like to nginx. */
  stopInstances(): Promise<void>;
  stop(): Promise<void>;
}

export interface ProxiedPlatformOptions {
  consume?: boolean;
  nginx?: Omit<NginxOptions, 'upstreams'>;
}

export async function startProxiedPlatform(options: ProxiedPlatformOptions = {}): Promise<ProxiedPlatform> {
  const a = await startPlatform({ consume: options.consume, env: { SERVICE_INSTANCE: 'a' } });
  let b: ProxiedPlatform['b'] | undefined;
  let nginx: RunningNginx | undefined;
  try {
    const container = buildContainer(
      testConfig({ DB_DATABASE: a.database.name, REST_HOST: '127.0.0.1', REST_PORT: '0', SERVICE_INSTANCE: 'b' }),
    );
    const rest = container.get<RestListener>(TYPES.RestListener);
    b = { container, rest, port: (await rest.start()).port };
    const aPort = Number(new URL(a.baseUrl).port);
    nginx = await startNginx({ ...options.nginx, upstreams: [`127.0.0.1:${aPort}`, `127.0.0.1:${b.port}`] });
  } catch (error) {
    await b?.rest.stop();
    await b?.container.get<Database>(TYPES.Database).close();
    await a.stop();
    throw error;
  }
  const second = b;
  const proxy = nginx;
  const stopInstances = async () => {
    await a.container.get<RestListener>(TYPES.RestListener).stop();
    await second.rest.stop();
  };
  return {
    a,
    b: second,
    nginx: proxy,
    stopInstances,
    async stop() {
      await proxy.stop();
      await stopInstances();
      await second.container.get<Database>(TYPES.Database).close();
      await a.stop();
    },
  };
}
