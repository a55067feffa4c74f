import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { healthResource } from '../rest/resources/health';
import type { HealthCheck } from '../services/contracts';
import { LogMetrics } from './log-metrics';
import { MetricsRegistry } from './metrics-registry';

/**
 * MetricsServer serves GET /metrics, /health/live and /health/ready on METRICS_PORT for a process that runs
 * no REST listener (`mymonit consume`): each process has its own registry, so a consumer's ingest figures
 * are only visible from it, and its probes are plain HTTP like the REST instances'.
 */
@injectable()
export class MetricsServer {
  private server?: http.Server;
  private readonly logger: Logger;
  private readonly app: Express;

  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(MetricsRegistry) private readonly metrics: MetricsRegistry,
    @inject(TYPES.Logger) logger: Logger,
    // Resolved for its side effect: it registers the log shipping series, as the REST listener does.
    @inject(LogMetrics) _logMetrics: LogMetrics,
    @inject(TYPES.HealthChecks) checks: HealthCheck[],
  ) {
    this.logger = logger.child({ component: 'metrics' });
    const app = express();
    app.disable('x-powered-by');
    app.use(healthResource(checks));
    app.get('/metrics', (_req, res) => {
      this.metrics.text().then(
        (text) => res.type(this.metrics.contentType).send(text),
        () => res.status(500).type('text/plain').send('metrics unavailable\n'),
      );
    });
    app.use((_req, res) => res.status(404).type('text/plain').send('not found\n'));
    this.app = app;
  }

  /** Listens when METRICS_PORT is set; does nothing otherwise. */
  async start(): Promise<AddressInfo | undefined> {
    const port = this.config.metricsPort;
    if (port === undefined) return undefined;
    const server = http.createServer(this.app);
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
