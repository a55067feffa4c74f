import { session } from '../session';

/**
 * The one way pages talk to the API: `api.get('/tickets', { state: 'open' })`. The bearer token comes from
 * the session; a problem+json answer (or a network failure) becomes an ApiError that ErrorMessage shows
 * with its request id; a 401 signs the user out (the token expired or was revoked).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly requestId: string | undefined,
    readonly type: string | undefined = undefined,
    readonly errors: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
  }
}

/** Query values: undefined and null are left out; arrays repeat the parameter. */
export type Query = Record<string, string | number | boolean | undefined | null | ReadonlyArray<string | number>>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra headers, e.g. If-Match. */
  headers?: Record<string, string>;
  /** No bearer token (public endpoints such as /ui-config). */
  anonymous?: boolean;
}

export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

interface ProblemBody {
  title?: unknown;
  detail?: unknown;
  requestId?: unknown;
  type?: unknown;
  errors?: unknown;
  error?: unknown;
}

async function toApiError(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let body: ProblemBody = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null) body = parsed as ProblemBody;
  } catch {
    // not JSON (a proxy's HTML page): the status says enough
  }
  const title = typeof body.title === 'string' ? body.title : response.statusText || `HTTP ${response.status}`;
  // Prometheus-format endpoints answer {"status":"error","error":"..."}.
  const detail = typeof body.detail === 'string' ? body.detail : typeof body.error === 'string' ? body.error : undefined;
  const errors = Array.isArray(body.errors)
    ? body.errors.map((e: { path?: unknown; message?: unknown }) => ({ path: String(e.path ?? ''), message: String(e.message ?? '') }))
    : [];
  return new ApiError(
    response.status,
    title,
    detail,
    typeof body.requestId === 'string' ? body.requestId : requestId,
    typeof body.type === 'string' ? body.type : undefined,
    errors,
  );
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  const token = session.token();
  if (token && !options.anonymous) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { method, headers, body, signal: options.signal, credentials: 'omit' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server could not be reached', 'check the network connection and retry', undefined);
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401 && !options.anonymous) session.expired(error);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, options: Omit<RequestOptions, 'query'> = {}) => request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>('PATCH', path, { ...options, body }),
  delete: <T = void>(path: string, options: RequestOptions = {}) => request<T>('DELETE', path, options),
};

/** A page of a cursor-paginated list: `next` is the cursor of the following page, absent on the last. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** One page of a list: pass the same query again with the previous page's `next` as `cursor`. */
export function getPage<T>(path: string, query: Query = {}, cursor?: string, signal?: AbortSignal): Promise<Page<T>> {
  return request<Page<T>>('GET', path, { query: { ...query, cursor }, signal });
}

/** Every item of a list, page after page, up to `max` items (a guard against unbounded lists). */
export async function getAll<T>(path: string, query: Query = {}, max = 10_000, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await getPage<T>(path, query, cursor, signal);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined && items.length < max);
  return items.slice(0, max);
}

/**
 * A fetch that adds the session's bearer token, for libraries that make their own requests (the PromQL
 * editor's completion client). Pages use `api` instead.
 */
export function authorizedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = session.token();
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers, credentials: 'omit' });
}
