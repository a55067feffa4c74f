import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import type { RestMetrics } from '../metrics/rest-metrics';
import { openApiDocument } from '../../lib/contract/openapi-document';

/** Label of requests that matched no known path: the raw path could carry anything, even a token. */
const UNMATCHED = '(unmatched)';

let knownPrefixes: Set<string> | undefined;

/** First path segments the API knows (`/users`, `/health`...), from openapi.yaml plus the undocumented public ones. */
function isKnownPrefix(segment: string): boolean {
  knownPrefixes ??= new Set([
    ...Object.keys((openApiDocument().paths ?? {}) as Record<string, unknown>).map((p) => p.split('/')[1]),
    'metrics',
    'docs',
    'openapi.json',
  ]);
  return knownPrefixes.has(segment);
}

/**
 * The route template of a request, never its raw URL: Express's matched route, else the OpenAPI path the
 * validator matched (a 400 never reaches a route), else the known first segment, else `(unmatched)`. Also
 * keeps the label set of the request histogram small.
 */
export function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  const openApiRoute = (req as Request & { openapi?: { openApiRoute?: string } }).openapi?.openApiRoute;
  if (openApiRoute) return openApiRoute.replace(/\{([^}]+)\}/g, ':$1');
  const segment = req.path.split('/')[1] ?? '';
  return isKnownPrefix(segment) ? `/${segment}` : UNMATCHED;
}

/** Bytes of the response body: Content-Length when set, else what was actually written (chunked responses). */
function countBodyBytes(res: Parameters<RequestHandler>[1]): () => number {
  let written = 0;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => unknown;
  const count = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string') written += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) written += chunk.byteLength;
  };
  res.write = ((...args: unknown[]) => {
    count(args[0], args[1]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') count(args[0], args[1]);
    return end(...args);
  }) as typeof res.end;
  return () => {
    const declared = Number(res.getHeader('content-length'));
    return Number.isFinite(declared) && declared >= 0 ? declared : written;
  };
}

/**
 * Logs one line per request when its response is done, and observes it in the request histogram: method,
 * route template (never the raw URL, whose path and query may hold secrets), status, duration, bytes,
 * request id and the actor's pseudonymous id.
 */
export function accessLog(logger: Logger, metrics: RestMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const bytes = countBodyBytes(res);
    res.on('finish', () => {
      const route = routeLabel(req);
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.requestSeconds.observe({ method: req.method, route, status: String(res.statusCode) }, durationMs / 1000);
      logger.info('http request', {
        http: true,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 1000) / 1000,
        bytes: req.method === 'HEAD' ? 0 : bytes(),
        requestId: res.locals.requestId,
        actor: res.locals.actor?.pseudonym,
      });
    });
    next();
  };
}
