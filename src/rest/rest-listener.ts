import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { inject, injectable, multiInject } from 'inversify';
import swaggerUi from 'swagger-ui-express';
import type { TokenVerifier } from '../auth/token-verifier';
import type { Config } from '../config';
import { closeServer } from '../../lib/http/close-server';
import { isTimestamp } from '../../lib/contract/timestamp';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { LogMetrics } from '../metrics/log-metrics';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { RestMetrics } from '../metrics/rest-metrics';
import { openApiDocument } from '../../lib/contract/openapi-document';
import { RefusalAudit } from '../services/audit-refusals';
import { AuditTrail } from '../services/audit-trail';
import type { HealthCheck } from '../services/contracts';
import type { UserService } from '../services/user-service';
import { accessLog } from './access-log';
import { authentication } from './authentication';
import { answerClientError } from './client-error';
import { strictIntegerParameters } from './integer-parameters';
import { problem, problemHandler } from './problem';
import { requestContext } from './request-context';
import { healthResource } from './resources/health';
import { POLICY_EVENTS_PATH, policyEventsBody } from './resources/policies';
import { webConsole } from './web-console';
import type { RestResource } from './rest-resource';

/** Paths anyone may call: probes, metrics, the API's own documentation and the web console (it signs in itself). */
const PUBLIC = /^\/(health\/|metrics$|docs(\/|$)|openapi\.(json|yaml)$|ui(\/|$)|ui-config$)/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * RestListener serves the REST API: request context, access log, public endpoints, then authentication,
 * the self-validating resources, OpenAPI validation and the contract resources (TYPES.RestResource, in
 * binding order), with one problem+json error handler at the end.
 */
@injectable()
export class RestListener {
  readonly app: Express;
  private server?: http.Server;
  private readonly logger: Logger;
  private readonly refusals: RefusalAudit;

  constructor(
    @inject(TYPES.Config) private readonly config: Config,
    @inject(TYPES.Logger) logger: Logger,
    @inject(TYPES.TokenVerifier) verifier: TokenVerifier,
    @inject(TYPES.UserService) users: UserService,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(TYPES.HealthChecks) checks: HealthCheck[],
    @inject(MetricsRegistry) metrics: MetricsRegistry,
    @inject(RestMetrics) restMetrics: RestMetrics,
    @multiInject(TYPES.RestResource) resources: readonly RestResource[],
    // Resolved for its side effect: it registers the log shipping series that /metrics serves.
    @inject(LogMetrics) _logMetrics: LogMetrics,
  ) {
    this.logger = logger.child({ component: 'rest' });
    this.refusals = new RefusalAudit((record) => this.audit.record(record), config.auth.failureAudit, (error: unknown) =>
      this.logger.warn('audit of a refusal failed', { error }),
    );
    const app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', config.rest.trustProxy);
    app.use(requestContext());
    // Which instance answered: lets operators (and the nginx e2e test) see the balancing.
    app.use((_req, res, next) => {
      res.setHeader('X-MyMONIT-Instance', config.instance);
      next();
    });
    app.use(accessLog(this.logger, restMetrics));
    app.use(healthResource(checks));
    // Express matches case-insensitively and ignores a trailing slash: /METRICS and /metrics/ would serve the
    // metrics past an edge that blocks only /metrics. Exactly /metrics here; any variant needs a token.
    // With METRICS_PORT set, /metrics is served there only (MetricsServer): the port a proxy or an Ingress
    // publishes cannot leak it, whatever the spelling of the path.
    if (config.metricsPort === undefined) {
      const exact = express.Router({ caseSensitive: true, strict: true });
      exact.get('/metrics', async (_req, res) => {
        res.type(metrics.contentType).send(await metrics.text());
      });
      app.use(exact);
    }
    app.get('/openapi.json', (_req, res) => {
      res.json(openApiDocument());
    });
    app.use('/docs', swaggerUi.serve, swaggerUi.setup(openApiDocument()));
    app.use(webConsole(config));
    const notFound = (req: express.Request, res: express.Response) => {
      res.status(404).type('application/problem+json').send(JSON.stringify(problem(404, `no route ${req.method} ${req.path}`)));
    };
    // A public path that matched nothing above is a 404 here: it must not fall into authentication.
    app.use((req, res, next) => (PUBLIC.test(req.path) ? notFound(req, res) : next()));
    app.use(authentication(verifier, users, config.auth.clockSkewSeconds));
    const json = express.json({ limit: config.rest.bodyLimit, type: ['application/json', 'application/*+json'] });
    // Only methods whose operations take a body read one: openapi.yaml declares 413 on exactly those.
    // A policy's events (a MonPoly log or its JSON form) have a limit and content types of their own.
    app.use((req, res, next) => {
      if (!BODY_METHODS.has(req.method)) return next();
      if (req.method === 'POST' && POLICY_EVENTS_PATH.test(req.path)) return policyEventsBody(req, res, next);
      return json(req, res, next);
    });
    for (const resource of resources) if (resource.stage === 'self-validating') app.use(resource.router);
    app.use(
      OpenApiValidator.middleware({
        apiSpec: openApiDocument() as unknown as Parameters<typeof OpenApiValidator.middleware>[0]['apiSpec'],
        validateRequests: { allowUnknownQueryParameters: false },
        validateResponses: config.rest.validateResponses,
        validateSecurity: false,
        validateFormats: true,
        // RFC 3339 as the platform reads it (lib/contract/timestamp.ts): ajv-formats' default "fast" date-time
        // lets month 13 and Feb 30 through, which Date.parse then shifted or turned into a 500.
        formats: { 'date-time': { type: 'string', validate: isTimestamp } },
      }),
    );
    app.use(strictIntegerParameters(openApiDocument()));
    for (const resource of resources) if (resource.stage === 'contract') app.use(resource.router);
    app.use(notFound);
    app.use(problemHandler(this.logger, (status, detail, req) => this.recordRefusal(status, detail, req)));
    this.app = app;
  }

  /**
   * Authentication and authorization failures are audited; a failing audit write must not turn a 401 into a
   * 500. Anonymous 401s go through RefusalAudit, which bounds the rows a flood of them can write.
   */
  private recordRefusal(status: number, detail: string | undefined, req: express.Request): void {
    if (status === 401) {
      this.refusals.refused(req.ip ?? 'unknown', detail, req.res?.locals.requestId ?? null);
      return;
    }
    this.audit
      .record({
        action: 'authz.deny',
        resourceType: 'api',
        resourceId: null,
        outcome: 'failure',
        detail: { reason: detail ?? null },
      })
      .catch((error: unknown) => this.logger.warn('audit of a refusal failed', { error }));
  }

  async start(): Promise<AddressInfo> {
    const server = http.createServer(this.app);
    server.on('clientError', answerClientError(this.config.instance));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.rest.port, this.config.rest.host, () => resolve());
    });
    this.refusals.start();
    const address = server.address() as AddressInfo;
    this.logger.info('REST listening', { host: address.address, port: address.port });
    return address;
  }

  /** Stops accepting connections and waits for in-flight requests, up to the shutdown timeout. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server, this.config.shutdownTimeoutMs);
    await this.refusals.stop();
    this.logger.info('REST stopped');
  }
}
