import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { BufferFullError, PublisherClosedError, type Measure, type MeasurePublisher } from '../sdk';
import { BadInputReporter } from '../common/bad-input';
import { DEFAULT_POINT_MAPPING, PRECISIONS, parseLineProtocol, pointToMeasures, type Precision } from '../common/line-protocol';
import type { AdapterLogger } from '../common/logger';
import type { HttpAdapterConfig } from './config';

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
}

/**
 * The HTTP adapter's routes:
 *   POST /measures          JSON: a measure, an array, or {"measures": [...]} (the AMQP contract)
 *   POST /write             InfluxDB 1.x line protocol (?db= or ?experiment=, ?precision=n|u|ms|s|m|h)
 *   POST /api/v2/write      InfluxDB 2.x line protocol (?bucket= or ?experiment=, ?precision=ns|us|ms|s)
 *   GET  /health            publisher state and counters, no token
 * Writes need `Authorization: Bearer <token>` (or `Token <token>`, as InfluxDB 2 clients send). They are
 * answered 202 only after the broker confirmed every accepted measure; 400 lists refused lines or items
 * (the others were still published, as InfluxDB's partial writes); 503 when the broker is not confirming.
 */
export function createHttpApp(config: HttpAdapterConfig, publisher: MeasurePublisher, logger: AdapterLogger) {
  const http = config.http;
  const bad = new BadInputReporter(logger);
  const counters: HttpCounters = { requests: 0, unauthorized: 0, measures: 0, badInput: 0, confirmTimeouts: 0, bufferFull: 0 };
  const expected = digest(http.token);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/health', (_req, res) => {
    const stats = publisher.stats();
    res.status(stats.connected ? 200 : 503).json({ status: stats.connected ? 'ok' : 'broker-disconnected', publisher: stats, http: counters });
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    counters.requests += 1;
    const id = randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      counters.unauthorized += 1;
      logger.warn('refused a request without a valid token', { path: req.path, ip: req.ip, requestId: id });
      res.setHeader('www-authenticate', 'Bearer realm="mymonit-http-adapter"');
      problem(res, 401, 'Unauthorized', 'a valid bearer token is required');
      return;
    }
    next();
  });

  const jsonBody = express.json({ limit: http.bodyLimit, strict: false, type: ['application/json', 'application/*+json'] });
  const textBody = express.text({ limit: http.bodyLimit, type: () => true });

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
    await publishAndAnswer(req, res, measures, list.map((_, index) => ({ index })), []);
  });

  const write = (version: 1 | 2) => async (req: Request, res: Response) => {
    const precisionParam = stringParam(req.query.precision) ?? 'ns';
    if (!(PRECISIONS as readonly string[]).includes(precisionParam)) {
      problem(res, 400, 'Bad Request', `precision must be one of ${PRECISIONS.join(', ')}`);
      return;
    }
    const experiment = stringParam(req.query.experiment) ?? stringParam(version === 1 ? req.query.db : req.query.bucket) ?? config.experiment;
    const text = typeof req.body === 'string' ? req.body : '';
    const parsed = parseLineProtocol(text);
    const errors: ItemError[] = parsed.errors.map((e) => ({ line: e.line, error: e.message }));
    const measures: Measure[] = [];
    const origin: Array<{ line: number }> = [];
    const mapping = { ...DEFAULT_POINT_MAPPING, experiment, precision: precisionParam as Precision, sourceTags: http.sourceTags, separator: http.separator };
    for (const { line, point } of parsed.points) {
      try {
        for (const measure of pointToMeasures(point, mapping)) {
          measures.push(measure);
          origin.push({ line });
        }
      } catch (error) {
        errors.push({ line, error: (error as Error).message });
      }
    }
    if (measures.length === 0 && errors.length === 0) {
      problem(res, 400, 'Bad Request', 'the body has no line-protocol lines');
      return;
    }
    await publishAndAnswer(req, res, measures, origin, errors);
  };
  app.post('/write', textBody, write(1));
  app.post('/api/v2/write', textBody, write(2));

  async function publishAndAnswer(req: Request, res: Response, measures: Measure[], origin: Array<{ line?: number; index?: number }>, errors: ItemError[]) {
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
          problem(res, 503, 'Service Unavailable', `the broker did not confirm within ${http.confirmTimeoutMs} ms; retrying is safe (a measure is stored once)`);
          return;
        }
        accepted = outcome.accepted;
        for (const invalid of outcome.invalid) errors.push({ ...origin[invalid.index], error: invalid.errors.join('; ') });
      } catch (error) {
        if (error instanceof BufferFullError || error instanceof PublisherClosedError) {
          counters.bufferFull += error instanceof BufferFullError ? 1 : 0;
          res.setHeader('retry-after', '5');
          problem(res, 503, 'Service Unavailable', error.message);
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
      problem(res, 400, 'Bad Request', `${errors.length} item(s) refused, ${accepted} measure(s) accepted and confirmed`, { accepted, errors: errors.slice(0, 100) });
      return;
    }
    res.status(202).json({ accepted });
  }

  // Body-parser and unexpected errors as problem+json; never the stack.
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    void next;
    if (res.headersSent) return;
    if (error.type === 'entity.too.large') problem(res, 413, 'Payload Too Large', `the body is larger than ${http.bodyLimit}`);
    else if (error.type === 'entity.parse.failed') problem(res, 400, 'Bad Request', 'the body is not valid JSON');
    else if (error.status && error.status < 500) problem(res, error.status, 'Bad Request', error.message);
    else {
      logger.error('request failed', { error: error.message });
      problem(res, 500, 'Internal Server Error', 'unexpected error');
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
