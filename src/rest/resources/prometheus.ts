import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { PromqlError } from '../../alerting/promql/engine-api';
import type { CatalogWindow } from '../../storage/alerting-stores';
import { StorageUnavailableError } from '../../domain/errors';
import type { Logger } from '../../logging/logger';
import type { BuildInfo } from '../../metrics/build-info';
import type { PrometheusApiService } from '../../services/prometheus-api-service';
import { ERROR_STATUS, errorJson, jsonString, labelsJson, queryDataJson, successJson } from '../prometheus/envelope';
import { durationParam, FormParams, invalidParam, parseTime, timeParam } from '../prometheus/params';

/** Prometheus's points-per-series bound of range queries (api.go). */
const MAX_POINTS = 11_000;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FORM = 'application/x-www-form-urlencoded';

type Handler = (form: FormParams, req: Request, res: Response) => Promise<string>;

function queryStringOf(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at < 0 ? '' : req.originalUrl.slice(at + 1);
}

/** The form of a request: a urlencoded body (POST) before the query string, as Go's r.Form. */
function formOf(req: Request): FormParams {
  const body = req.method === 'POST' && req.is(FORM) && typeof req.body === 'string' ? req.body : undefined;
  return new FormParams(queryStringOf(req), body);
}

/** `name`'s time for a query: finite (Prometheus's min/max time texts name no instant a query can run at). */
function instantParam(form: FormParams, name: string, fallback: number): number {
  const ms = timeParam(form, name, fallback);
  if (!Number.isFinite(ms)) {
    throw invalidParam(name, `Invalid time value for '${name}': cannot parse ${JSON.stringify(form.get(name))} to a valid timestamp`);
  }
  return ms;
}

/** start/end of query_range: parseTime without parseTimeParam's wording, required. */
function rangeBound(form: FormParams, name: string): number {
  const text = form.get(name);
  let ms: number;
  try {
    ms = parseTime(text);
  } catch (error) {
    throw invalidParam(name, (error as Error).message);
  }
  if (!Number.isFinite(ms)) throw invalidParam(name, `cannot parse ${JSON.stringify(text)} to a valid timestamp`);
  return ms;
}

/** The optional `timeout`, in milliseconds. */
function timeoutParam(form: FormParams): number | undefined {
  if (form.get('timeout') === '') return undefined;
  const ms = durationParam(form, 'timeout');
  // Prometheus answers a timeout that is not positive with a 503 that no retry can cure: the client's fault.
  if (!(ms > 0)) throw invalidParam('timeout', 'timeout must be positive');
  return ms;
}

/** start/end of the listing endpoints: unbounded when absent. */
function catalogWindow(form: FormParams): CatalogWindow {
  const start = timeParam(form, 'start', -Infinity);
  const end = timeParam(form, 'end', Infinity);
  return { startMs: Number.isFinite(start) ? start : undefined, endMs: Number.isFinite(end) ? end : undefined };
}

/**
 * Prometheus's HTTP API under /prometheus/api/v1 (stage 'self-validating'): Prometheus's parameters,
 * envelope and error format, so that Grafana's Prometheus data source, promtool and Prometheus API
 * clients work unchanged. Authenticated like every route; what a user sees is PrometheusApiService's.
 */
/** The Prometheus release whose query semantics MyMONIT matches (docs/promql.md). */
export const PROMETHEUS_COMPATIBLE_VERSION = '2.42.0';

export function prometheusResource(api: PrometheusApiService, build: BuildInfo, logger: Logger, bodyLimit: string): Router {
  const router = Router({ caseSensitive: true, strict: true });
  const formParser = express.text({ type: FORM, limit: bodyLimit });
  // A body the parser refuses (too large, unknown charset or encoding) is answered in Prometheus's envelope
  // (Prometheus: `error parsing form values`), not the contract endpoints' problem+json.
  const form: RequestHandler = (req, res, next) =>
    formParser(req, res, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const given = (error as { status?: unknown }).status;
      const status = typeof given === 'number' && given >= 400 && given < 500 ? given : 400;
      const body = errorJson('bad_data', `error parsing form values: ${status === 413 ? `the body exceeds ${bodyLimit}` : 'the body cannot be read'}`);
      res.status(status).setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.end(body);
    });

  const answer = (handler: Handler) => async (req: Request, res: Response) => {
    let status = 200;
    let body: string;
    try {
      body = successJson(await handler(formOf(req), req, res));
    } catch (error) {
      if (error instanceof PromqlError) {
        status = ERROR_STATUS[error.errorType];
        body = errorJson(error.errorType, error.message);
      } else if (error instanceof StorageUnavailableError) {
        status = ERROR_STATUS.unavailable;
        body = errorJson('unavailable', 'the database could not be reached; retry later');
      } else {
        logger.error('prometheus API request failed', { error, path: req.path });
        status = ERROR_STATUS.internal;
        body = errorJson('internal', 'internal error');
      }
    }
    // end(), not send(): Prometheus's Content-Type has no charset parameter, and send() would add one.
    res.status(status).setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  };
  const route = (path: string, handler: Handler, post = true) => {
    const full = `/prometheus/api/v1${path}`;
    router.get(full, answer(handler));
    if (post) router.post(full, form, answer(handler));
  };

  route('/query', async (params, _req, res) => {
    const time = instantParam(params, 'time', Date.now());
    const timeout = timeoutParam(params);
    const query = params.get('query');
    const invalid = api.check(query);
    if (invalid) throw invalid.errorType === 'bad_data' ? invalidParam('query', invalid.message) : invalid;
    return queryDataJson(await api.instant(res.locals.actor, query, time, timeout));
  });

  route('/query_range', async (params, _req, res) => {
    const start = rangeBound(params, 'start');
    const end = rangeBound(params, 'end');
    if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
    const step = durationParam(params, 'step');
    // A step under a millisecond is none to PromQL, which counts in milliseconds.
    if (!(step > 0) || Math.trunc(step) <= 0) {
      throw invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
    }
    if (Math.floor((end - start) / step) > MAX_POINTS) {
      throw new PromqlError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const timeout = timeoutParam(params);
    const query = params.get('query');
    const invalid = api.check(query);
    if (invalid) throw invalid;
    return queryDataJson(await api.range(res.locals.actor, query, start, end, Math.trunc(step), timeout));
  });

  route('/series', async (params, _req, res) => {
    const texts = params.all('match[]');
    if (texts.length === 0) throw new PromqlError('bad_data', 'no match[] parameter provided');
    const window = catalogWindow(params);
    let sets;
    try {
      sets = api.parseMatchSets(texts);
    } catch (error) {
      throw error instanceof PromqlError && error.errorType === 'bad_data' ? invalidParam('match[]', error.message) : error;
    }
    const series = await api.series(res.locals.actor, sets, window);
    return `[${series.map(labelsJson).join(',')}]`;
  });

  route('/labels', async (params, _req, res) => {
    const window = catalogWindow(params);
    const sets = api.parseMatchSets(params.all('match[]'));
    const names = await api.labelNames(res.locals.actor, sets, window);
    return `[${names.map(jsonString).join(',')}]`;
  });

  // GET only, as in Prometheus 2.42.
  route(
    '/label/:name/values',
    async (params, req, res) => {
      const name = String(req.params.name);
      if (!LABEL_NAME.test(name)) throw new PromqlError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
      const window = catalogWindow(params);
      const sets = api.parseMatchSets(params.all('match[]'));
      const values = await api.labelValues(res.locals.actor, name, sets, window);
      return `[${values.map(jsonString).join(',')}]`;
    },
    false,
  );

  // Prometheus's field set. `version` is the Prometheus version whose API and PromQL MyMONIT follows:
  // Grafana reads it to decide which features to use (a "0.1.0" would switch them off). MyMONIT's own
  // version and revision are in `branch` and `revision`.
  route(
    '/status/buildinfo',
    async () =>
      JSON.stringify({
        version: PROMETHEUS_COMPATIBLE_VERSION,
        revision: build.revision,
        branch: `mymonit-${build.version}`,
        buildUser: 'mymonit',
        buildDate: '',
        goVersion: `mymonit (node ${build.nodeVersion})`,
      }),
    false,
  );
  return router;
}
