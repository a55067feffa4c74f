import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger';

/**
 * Logs one line per request when the response is done: method, route template (never the raw URL, whose
 * query string may hold secrets), status, duration, bytes, request id and actor.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path.split('/').slice(0, 2).join('/');
      logger.info('http request', {
        http: true,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        bytes: Number(res.getHeader('content-length') ?? 0),
        requestId: res.locals.requestId,
        actor: res.locals.actor?.pseudonym,
      });
    });
    next();
  };
}
