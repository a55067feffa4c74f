import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import type { RestMetrics } from '../metrics/rest-metrics';

/**
 * Logs one line per request, and observes it in the request histogram, when the response is done: method, route template (never the raw URL, whose
 * query string may hold secrets), status, duration, bytes, request id and actor.
 */
export function accessLog(logger: Logger, metrics: RestMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path.split('/').slice(0, 2).join('/');
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.requestSeconds.observe({ method: req.method, route, status: String(res.statusCode) }, durationMs / 1000);
      logger.info('http request', {
        http: true,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs,
        bytes: Number(res.getHeader('content-length') ?? 0),
        requestId: res.locals.requestId,
        actor: res.locals.actor?.pseudonym,
      });
    });
    next();
  };
}
