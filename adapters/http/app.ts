import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { BufferFullError, PublisherClosedError, type Measure, type MeasurePublisher } from '../sdk';
import { BadInputReporter } from '../common/bad-input';
import { PRECISIONS, parseLineProtocol, type Precision } from '../common/line-protocol';
import type { AdapterLogger } from '../common/logger';
import { DEFAULT_POINT_MAPPING, pointToMeasures } from '../common/point-measures';
import { mymonitVersion } from '../common/version';
import type { HttpAdapterConfig } from './config';
import { presentedToken } from './credentials';
import { INFLUX_API_VERSION, influxError, isInfluxRoute, ping, query } from './influx';
import { readRawBody, sizeInBytes } from './raw-body';
import { REMOTE_WRITE_PATH, RemoteWriteError, decodeWriteRequest, remoteWriteToMeasures } from './remote-write';

/** One refused item of a request: a line (line protocol) or an index (JSON), and why. */
interface ItemError {
  line?: number;
  index?: number;
  error: string;
}

export interface HttpCounters {
  requests: number;
  unauthorized: number;
  measures: number;
  badInput: number;
  confirmTimeouts: number;
  bufferFull: number;
  /** Line-protocol points whose fields were all strings: nothing to measure, skipped (not an error). */
  skippedStringPoints: number;
  /** Remote write: Prometheus staleness markers, dropped (they end a series, they are not values). */
  staleMarkers: number;
  /** Remote write: other NaN and ±Inf samples, dropped (the contract holds finite numbers). */
  nonFiniteSamples: number;
  /** Remote write: native histogram samples, not taken. */
  histogramSamples: number;
}

/** Why `/measures` answers 202 and not "stored": the adapter cannot see the experiments. */
const ACCEPTED_DETAIL =
  'confirmed by the broker, not yet stored: the consumer checks each measure (e.g. that its experiment exists) ' +
  'and keeps a refused one as a rejection with its index and reason, listed by GET /exceptions of the MyMONIT API';

/**
 * The HTTP adapter's routes:
 *   POST /measures          JSON: a measure, an array, or {"measures": [...]} (the AMQP contract); 202
 *   POST /write             InfluxDB 1.x line protocol (?db= or ?experiment=, ?precision=n|u|ms|s|m|h); 204
 *   POST /api/v2/write      InfluxDB 2.x line protocol (?bucket= or ?experiment=, ?precision=ns|us|ms|s); 204
 *   POST /api/v1/write      Prometheus remote write 1.0 (snappy protobuf WriteRequest, ?experiment=); 204
 *   GET|POST /query         CREATE DATABASE only (Telegraf sends it at start): a no-op that succeeds
 *   GET|HEAD /ping          204 with X-Influxdb-Version, no token
 *   GET  /health            publisher state and counters, no token
 * The token comes as Bearer, Token, Basic (password) or the `p` parameter (see credentials.ts). Writes are
 * answered only after the broker confirmed every accepted measure; 400 lists refused lines or items (the
 * others were still published, as InfluxDB's partial writes); 503 when the broker is not confirming.
 * InfluxDB routes answer errors as InfluxDB does (`{"error": "..."}`), the others with problem+json.
 */
export function createHttpApp(config: HttpAdapterConfig, publisher: MeasurePublisher, logger: AdapterLogger) {
  const http = config.http;
  const bad = new BadInputReporter(logger);
  const counters: HttpCounters = { requests: 0, unauthorized: 0, measures: 0, badInput: 0, confirmTimeouts: 0, bufferFull: 0, skippedStringPoints: 0, staleMarkers: 0, nonFiniteSamples: 0, histogramSamples: 0 };
  const expected = digest(http.token);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.setHeader('x-influxdb-version', INFLUX_API_VERSION);
    res.setHeader('x-mymonit-adapter', `http ${mymonitVersion()}`);
    next();
  });
  const fail = (req: Request, res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) =>
    isInfluxRoute(req.path) ? influxError(res, status, detail, extra) : problem(res, status, title, detail, extra);

  app.get('/ping', ping);
  app.head('/ping', ping);
  app.get('/health', (_req, res) => {
    const stats = publisher.stats();
    res.status(stats.connected ? 200 : 503).json({ status: stats.connected ? 'ok' : 'broker-disconnected', publisher: stats, http: counters });
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    counters.requests += 1;
    const id = randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    const token = presentedToken(req);
    if (token === undefined || !timingSafeEqual(digest(token), expected)) {
      counters.unauthorized += 1;
      logger.warn('refused a request without a valid token', { path: req.path, ip: req.ip, requestId: id });
      res.setHeader('www-authenticate', 'Bearer realm="mymonit-http-adapter", Basic realm="mymonit-http-adapter"');
      fail(req, res, 401, 'Unauthorized', 'authorization failed: send the token as Bearer, Token, Basic password or the p parameter');
      return;
    }
    next();
  });

  const jsonBody = express.json({ limit: http.bodyLimit, strict: false, type: ['application/json', 'application/*+json'] });
  const textBody = express.text({ limit: http.bodyLimit, type: () => true });
  const formBody = express.urlencoded({ limit: http.bodyLimit, extended: false });

  app.get('/query', query);
  app.post('/query', formBody, query);

  app.post('/measures', jsonBody, async (req: Request, res: Response) => {
    if (!req.is('application/json') && !req.is('application/*+json')) {
      problem(res, 415, 'Unsupported Media Type', 'send Content-Type: application/json');
      return;
    }
    const body: unknown = req.body;
    const list: unknown[] | undefined = Array.isArray(body)
      ? body
      : isObject(body) && Array.isArray(body.measures)
        ? (body.measures as unknown[])
        : isObject(body)
          ? [body]
          : undefined;
    if (!list || list.length === 0) {
      problem(res, 400, 'Bad Request', 'the body must be a measure, a non-empty array of measures, or {"measures": [...]}');
      return;
    }
    const experiment = stringParam(req.query.experiment) ?? config.experiment;
    const measures = list.map((item) => (experiment && isObject(item) && !('experiment' in item) ? { experiment, ...item } : item)) as Measure[];
    await publishAndAnswer(req, res, measures, list.map((_, index) => ({ index })), [], 0);
  });

  const write = (version: 1 | 2) => async (req: Request, res: Response) => {
    const precisionParam = stringParam(req.query.precision) ?? 'ns';
    if (!(PRECISIONS as readonly string[]).includes(precisionParam)) {
      influxError(res, 400, `invalid precision ${JSON.stringify(precisionParam)}: one of ${PRECISIONS.join(', ')}`);
      return;
    }
    const precision = precisionParam as Precision;
    const experiment = stringParam(req.query.experiment) ?? stringParam(version === 1 ? req.query.db : req.query.bucket) ?? config.experiment;
    const text = typeof req.body === 'string' ? req.body : '';
    const parsed = parseLineProtocol(text, precision);
    const errors: ItemError[] = parsed.errors.map((e) => ({ line: e.line, error: e.message }));
    const measures: Measure[] = [];
    const origin: Array<{ line: number }> = [];
    const mapping = { ...DEFAULT_POINT_MAPPING, experiment, precision, sourceTags: http.sourceTags, separator: http.separator };
    let skipped = 0;
    for (const { line, point } of parsed.points) {
      try {
        const mapped = pointToMeasures(point, mapping);
        if (mapped.length === 0) skipped += 1;
        for (const measure of mapped) {
          measures.push(measure);
          origin.push({ line });
        }
      } catch (error) {
        errors.push({ line, error: (error as Error).message });
      }
    }
    if (parsed.points.length === 0 && errors.length === 0) {
      influxError(res, 400, 'the body has no line-protocol lines');
      return;
    }
    counters.skippedStringPoints += skipped;
    await publishAndAnswer(req, res, measures, origin, errors, skipped);
  };
  app.post('/write', textBody, write(1));
  app.post('/api/v2/write', textBody, write(2));

  app.post(REMOTE_WRITE_PATH, async (req: Request, res: Response) => {
    const encoding = (req.get('content-encoding') ?? '').toLowerCase();
    if (encoding !== 'snappy' || !req.is('application/x-protobuf')) {
      problem(res, 415, 'Unsupported Media Type', 'remote write takes Content-Encoding: snappy and Content-Type: application/x-protobuf (remote-write 1.0)');
      return;
    }
    const body = await readRawBody(req, sizeInBytes(http.bodyLimit));
    if (body === 'too-large') {
      problem(res, 413, 'Payload Too Large', `the body is larger than ${http.bodyLimit}`);
      return;
    }
    let series;
    try {
      series = decodeWriteRequest(body);
    } catch (error) {
      if (!(error instanceof RemoteWriteError)) throw error;
      // A 4xx: Prometheus drops the batch instead of retrying it forever.
      counters.badInput += 1;
      bad.report({ file: `${req.method} ${req.path} request ${String(res.locals.requestId)}` }, error.message, { ip: req.ip });
      problem(res, 400, 'Bad Request', error.message);
      return;
    }
    const experiment = stringParam(req.query.experiment) ?? config.experiment;
    const mapped = remoteWriteToMeasures(series, experiment === undefined ? {} : { experiment });
    counters.staleMarkers += mapped.staleMarkers;
    counters.nonFiniteSamples += mapped.nonFinite;
    counters.histogramSamples += mapped.histograms;
    const dropped = mapped.nonFinite + mapped.histograms;
    if (dropped > 0) res.setHeader('x-mymonit-skipped-samples', String(dropped));
    if (mapped.staleMarkers > 0) res.setHeader('x-mymonit-stale-markers', String(mapped.staleMarkers));
    await publishAndAnswer(req, res, mapped.measures, mapped.origin, [...mapped.errors], 0);
  });

  async function publishAndAnswer(req: Request, res: Response, measures: Measure[], origin: Array<{ line?: number; index?: number }>, errors: ItemError[], skipped: number) {
    const influx = isInfluxRoute(req.path);
    const requestId = String(res.locals.requestId);
    let accepted = 0;
    if (measures.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), http.confirmTimeoutMs)));
        const published = publisher.publishAndConfirm(measures);
        const outcome = await Promise.race([published, timeout]);
        if (outcome === 'timeout') {
          counters.confirmTimeouts += 1;
          published.catch(() => undefined);
          res.setHeader('retry-after', '5');
          fail(req, res, 503, 'Service Unavailable', `the broker did not confirm within ${http.confirmTimeoutMs} ms; retrying is safe (a measure is stored once)`);
          return;
        }
        accepted = outcome.accepted;
        for (const invalid of outcome.invalid) errors.push({ ...origin[invalid.index], error: invalid.errors.join('; ') });
      } catch (error) {
        if (error instanceof BufferFullError || error instanceof PublisherClosedError) {
          counters.bufferFull += error instanceof BufferFullError ? 1 : 0;
          res.setHeader('retry-after', '5');
          fail(req, res, 503, 'Service Unavailable', error.message);
          return;
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }
    counters.measures += accepted;
    if (errors.length > 0) {
      errors.sort((a, b) => (a.line ?? a.index ?? 0) - (b.line ?? b.index ?? 0));
      for (const e of errors) {
        counters.badInput += 1;
        bad.report({ file: `${req.method} ${req.path} request ${requestId}`, line: e.line ?? (e.index === undefined ? undefined : e.index + 1) }, e.error, { ip: req.ip });
      }
      const listed = errors.slice(0, 100);
      if (influx) {
        // Telegraf drops a batch whose error says "partial write" or "unable to parse" instead of retrying it forever.
        const lines = listed.slice(0, 5).map((e) => `line ${e.line}: ${e.error}`).join('; ');
        const prefix = accepted > 0 ? 'partial write: unable to parse' : 'unable to parse';
        influxError(res, 400, `${prefix} ${lines}${errors.length > 5 ? '; ...' : ''} dropped=${errors.length}`, { accepted, errors: listed });
      } else problem(res, 400, 'Bad Request', `${errors.length} item(s) refused, ${accepted} measure(s) accepted and confirmed`, { accepted, errors: listed });
      return;
    }
    if (influx || req.path === REMOTE_WRITE_PATH) {
      if (skipped > 0) res.setHeader('x-mymonit-skipped-points', String(skipped));
      res.status(204).end();
    } else res.status(202).json({ accepted, detail: ACCEPTED_DETAIL });
  }

  // Body-parser and unexpected errors as problem+json; never the stack.
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
    void next;
    if (res.headersSent) return;
    if (error.type === 'entity.too.large') fail(req, res, 413, 'Payload Too Large', `the body is larger than ${http.bodyLimit}`);
    else if (error.type === 'entity.parse.failed') fail(req, res, 400, 'Bad Request', 'the body is not valid JSON');
    else if (error.status && error.status < 500) fail(req, res, error.status, 'Bad Request', error.message);
    else {
      logger.error('request failed', { error: error.message });
      fail(req, res, 500, 'Internal Server Error', 'unexpected error');
    }
  });

  return { app, counters, badInput: bad };
}

function problem(res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  res.status(status).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
