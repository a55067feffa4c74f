import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../lib/http/close-server';
import type { MeasurePublisher } from '../sdk';
import type { AdapterJob } from '../common/cli';
import type { AdapterLogger } from '../common/logger';
import { createHttpApp } from './app';
import type { HttpAdapterConfig } from './config';

/** HttpAdapter serves the HTTP app until stopped; requests in progress finish (they wait for confirms). */
export class HttpAdapter implements AdapterJob {
  private server?: Server;
  private readonly http: ReturnType<typeof createHttpApp>;

  constructor(
    private readonly config: HttpAdapterConfig,
    publisher: MeasurePublisher,
    private readonly logger: AdapterLogger,
  ) {
    this.http = createHttpApp(config, publisher, logger);
  }

  async start(): Promise<void> {
    const server = this.http.app.listen(this.config.http.port, this.config.http.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.server = server;
    this.logger.info('listening', { address: this.address() });
  }

  address(): AddressInfo {
    return this.server?.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server, this.config.http.confirmTimeoutMs + 1000);
  }

  summary(): Record<string, unknown> {
    return { ...this.http.counters, badInputReported: this.http.badInput.count };
  }
}
