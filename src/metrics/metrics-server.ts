import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { LogMetrics } from './log-metrics';
import { MetricsRegistry } from './metrics-registry';

/**
 * MetricsServer serves GET /metrics on METRICS_PORT for a process that runs no REST listener (`mymonit
 * consume`): each process has its own registry, so a consumer's ingest figures are only visible from it.
 */
@injectable()
export class MetricsServer {
  private server?: http.Server;
  private readonly logger: Logger;

  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(MetricsRegistry) private readonly metrics: MetricsRegistry,
    @inject(TYPES.Logger) logger: Logger,
    // Resolved for its side effect: it registers the log shipping series, as the REST listener does.
    @inject(LogMetrics) _logMetrics: LogMetrics,
  ) {
    this.logger = logger.child({ component: 'metrics' });
  }

  /** Listens when METRICS_PORT is set; does nothing otherwise. */
  async start(): Promise<AddressInfo | undefined> {
    const port = this.config.metricsPort;
    if (port === undefined) return undefined;
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      this.metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': this.metrics.contentType }).end(text),
        () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.rest.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.logger.info('metrics listening', { host: address.address, port: address.port });
    return address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }
}
