import type { ErrorRequestHandler, Request } from 'express';
import { IdentityProviderUnavailableError } from '../auth/identity-provider-unavailable';
import { DomainError, StorageUnavailableError } from '../domain/errors';
import type { Logger } from '../logging/logger';

export const PROBLEM_BASE = 'https://mymonit.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: Array<{ path: string; message: string }>;
}

const STATUS_OF_DOMAIN: Record<string, number> = {
  'not-found': 404,
  conflict: 409,
  validation: 400,
  forbidden: 403,
  unauthenticated: 401,
};

const INTERNAL: [string, string] = ['internal', 'Internal error'];

const TITLES: Record<number, [string, string]> = {
  400: ['validation', 'The request is not valid'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Not allowed'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  431: ['header-too-large', 'Request header fields too large'],
  500: INTERNAL,
  502: ['bad-gateway', 'Upstream unavailable'],
  503: ['unavailable', 'Service unavailable'],
};

export function problem(status: number, detail?: string, type?: string): Problem {
  const [slug, title] = TITLES[status] ?? INTERNAL;
  return { type: PROBLEM_BASE + (type ?? slug), title, status, detail };
}

interface HttpLikeError {
  status?: number;
  type?: string;
  message?: string;
  errors?: Array<{ path?: string; message?: string }>;
}

/** Translates anything thrown by a route or middleware into the problem it means for the client. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    const status = STATUS_OF_DOMAIN[error.type] ?? 400;
    const result = problem(status, error.message, error.type);
    // A refusal that lists several problems (a rule file) names each with its path.
    const listed = error.details?.errors;
    if (Array.isArray(listed)) {
      result.errors = listed.map((e: { path?: unknown; message?: unknown }) => ({ path: String(e.path ?? ''), message: String(e.message ?? '') }));
    }
    return result;
  }
  if (error instanceof StorageUnavailableError) {
    return problem(503, 'the database could not be reached; retry later', 'storage-unavailable');
  }
  if (error instanceof IdentityProviderUnavailableError) {
    return problem(503, 'the identity provider could not be reached; retry later', 'identity-provider-unavailable');
  }
  const http = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  if (http.type === 'entity.parse.failed') return problem(400, 'the body is not valid JSON', 'malformed-json');
  if (http.type === 'entity.too.large') return problem(413, 'the body exceeds the size limit');
  if (typeof http.status === 'number' && http.status >= 400 && http.status < 500) {
    const result = problem(http.status, http.message);
    if (Array.isArray(http.errors)) {
      result.errors = http.errors.map((e) => ({ path: String(e.path ?? ''), message: String(e.message ?? '') }));
    }
    return result;
  }
  return problem(500, 'the request could not be completed; the request id identifies it in the logs');
}

/**
 * The REST entry point's one error handler: every error becomes application/problem+json with a stable
 * `type`; a 5xx is logged with its stack, which never reaches the client.
 */
export function problemHandler(
  logger: Logger,
  onRefusal: (status: number, detail: string | undefined, req: Request) => void,
): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const body = toProblem(error);
    body.instance = req.originalUrl.split('?')[0];
    body.requestId = res.locals.requestId;
    if (body.status >= 500) logger.error('request failed', { error, method: req.method, path: body.instance });
    if (body.status === 401 || body.status === 403) onRefusal(body.status, body.detail, req);
    if (res.headersSent) return;
    const allow = (error as { headers?: { Allow?: unknown } } | null)?.headers?.Allow;
    if (body.status === 405 && typeof allow === 'string') res.setHeader('Allow', allow.toUpperCase());
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  };
}
