import type { User } from '../../../src/domain/user';
import { startPlatform, type PlatformOptions, type TestPlatform } from '../../support/platform';
import { WEB_DIR, ensureWebBuilt } from './web-build';

export { call, eventually } from '../../support/platform';

/**
 * The real platform for a browser test: its own MariaDB database, RabbitMQ exchange and queue, the REST
 * listener on a free port serving the built console at /ui/, and the AMQP consumer; an ADMIN and their
 * token. (In-process, like the integration tests: the same REST and consumer code `mymonit all` runs.)
 */
export interface ConsolePlatform extends TestPlatform {
  adminToken: string;
  /** A user of the role and a token for them. */
  userWithToken(role: 'ADMIN' | 'SCIENTIST', label?: string): Promise<{ user: User; token: string }>;
}

export async function startConsolePlatform(options: PlatformOptions = {}): Promise<ConsolePlatform> {
  await ensureWebBuilt();
  const platform = await startPlatform({ consume: true, ...options, env: { WEB_DIR, ...options.env } });
  const adminToken = await platform.tokenFor(platform.admin);
  return Object.assign(platform, {
    adminToken,
    async userWithToken(role: 'ADMIN' | 'SCIENTIST', label?: string) {
      const user = await platform.createUser(role, label);
      return { user, token: await platform.tokenFor(user) };
    },
  });
}
