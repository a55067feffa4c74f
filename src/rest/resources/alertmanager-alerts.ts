import { Router, type Request, type Response } from 'express';
import { StorageUnavailableError } from '../../domain/errors';
import type { Logger } from '../../logging/logger';
import type { BuildInfo } from '../../metrics/build-info';
import type { AlertmanagerApiService, AmAnswer } from '../../services/notify/alertmanager-api-service';

const PREFIX = '/alertmanager/api/v2';

function queryOf(req: Request): URLSearchParams {
  const at = req.originalUrl.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : req.originalUrl.slice(at + 1));
}

/**
 * Alertmanager's API v2 alerts, groups, status and receivers under /alertmanager (as Grafana Mimir serves
 * it), stage 'self-validating': Alertmanager 0.25's parameters, JSON and errors (a JSON string for a
 * refused parameter or invalid alerts, go-swagger's `{code, message}` for a body it cannot read), so that
 * Prometheus, amtool and Alertmanager clients work unchanged. Authenticated like every route.
 */
export function alertmanagerAlertsResource(api: AlertmanagerApiService, build: BuildInfo, logger: Logger): Router {
  const router = Router({ caseSensitive: true, strict: true });
  const send = (res: Response, answer: AmAnswer) => {
    res.status(answer.status);
    if (answer.body === '') {
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(answer.body));
    res.end(answer.body);
  };
  const answer = (handler: (req: Request, res: Response) => Promise<AmAnswer> | AmAnswer) => async (req: Request, res: Response) => {
    try {
      send(res, await handler(req, res));
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        send(res, { status: 503, body: JSON.stringify('the database could not be reached; retry later') });
        return;
      }
      logger.error('Alertmanager API request failed', { error, path: req.path });
      send(res, { status: 500, body: JSON.stringify('internal error') });
    }
  };

  router.post(
    `${PREFIX}/alerts`,
    answer(async (req, res) => {
      if (!req.is('application/json')) {
        const type = req.headers['content-type'] ?? '';
        return { status: 415, body: JSON.stringify({ code: 415, message: `unsupported media type ${JSON.stringify(type)}, only [application/json] are allowed` }) };
      }
      return api.post(res.locals.actor, req.body);
    }),
  );
  router.get(`${PREFIX}/alerts`, answer((req, res) => api.list(res.locals.actor, queryOf(req))));
  router.get(`${PREFIX}/alerts/groups`, answer((req, res) => api.groups(res.locals.actor, queryOf(req))));
  router.get(`${PREFIX}/status`, answer((_req, res) => api.status(res.locals.actor, { version: build.version, revision: build.revision, nodeVersion: build.nodeVersion })));
  router.get(`${PREFIX}/receivers`, answer(() => api.receivers()));
  return router;
}
