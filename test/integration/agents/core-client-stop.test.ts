import { AgentClient } from '../../../lib/agent/core-client';
import { testConfig, uniqueName } from '../../support/real-services';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * `mymonit all` stopped by SIGTERM right after start-up hung: stop() ran while the client's first connection
 * was being set up, found no session to close, and the connection it then completed kept the loop waiting.
 */
describe('AgentClient against RabbitMQ', () => {
  it('stops when stop() comes while the first connection is being set up', async () => {
    for (const delayMs of [0, 1, 5, 20, 50]) {
      const client = new AgentClient({ url: testConfig().rabbit.url, exchange: uniqueName('stop_ex'), connectionName: 'stop test', logger: quiet });
      void client.start();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await client.stop();
      expect(client.isConnected).toBe(false);
    }
  });

  it('stops after it has connected', async () => {
    const client = new AgentClient({ url: testConfig().rabbit.url, exchange: uniqueName('stop_ex'), connectionName: 'stop test', logger: quiet });
    await client.start();
    expect(client.isConnected).toBe(true);
    await client.stop();
    expect(client.isConnected).toBe(false);
  });
});
