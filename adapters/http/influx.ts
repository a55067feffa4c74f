import type { Request, Response } from 'express';

/** What /ping answers in X-Influxdb-Version: the 1.x API these routes implement (clients test for 1.x). */
export const INFLUX_API_VERSION = '1.8.10';

/** Routes answered the InfluxDB way (`{"error": "..."}` bodies) rather than with problem+json. */
export function isInfluxRoute(path: string): boolean {
  return path === '/write' || path === '/api/v2/write' || path === '/query' || path === '/ping';
}

/** An InfluxDB error body; 2.x clients read `code` and `message`, 1.x clients and Telegraf read `error`. */
export function influxError(res: Response, status: number, message: string, extra: Record<string, unknown> = {}): void {
  const code = status === 401 ? 'unauthorized' : status === 413 ? 'request too large' : status >= 500 ? 'unavailable' : 'invalid';
  res.status(status).json({ error: message, code, message, ...extra });
}

/** GET|HEAD /ping: 204 as InfluxDB answers it; `?verbose=true`: 200 with the version. */
export function ping(req: Request, res: Response): void {
  res.setHeader('x-influxdb-build', 'OSS');
  if (req.query.verbose === 'true' && req.method === 'GET') res.status(200).json({ version: INFLUX_API_VERSION });
  else res.status(204).end();
}

const CREATE_DATABASE = /^\s*CREATE\s+DATABASE\s+("(?:[^"\\]|\\.)+"|[A-Za-z_][A-Za-z0-9_]*)(\s+WITH\s[^;]*)?\s*$/i;

/**
 * /query: the only statement answered is CREATE DATABASE (Telegraf sends it at start; a database is an
 * experiment here, created through the MyMONIT API, so it is a no-op that succeeds). Anything else is
 * refused: this adapter writes, the MyMONIT API reads.
 */
export function query(req: Request, res: Response): void {
  const body: unknown = req.body;
  const fromBody = body !== null && typeof body === 'object' ? (body as { q?: unknown }).q : undefined;
  const q = typeof req.query.q === 'string' ? req.query.q : typeof fromBody === 'string' ? fromBody : undefined;
  if (q === undefined || q.trim() === '') {
    influxError(res, 400, 'missing required parameter "q"');
    return;
  }
  const statements = q.split(';').filter((s) => s.trim() !== '');
  const refused = statements.find((s) => !CREATE_DATABASE.test(s));
  if (refused !== undefined) {
    influxError(res, 400, `error parsing query: only CREATE DATABASE is answered here (a no-op: the experiment is created through the MyMONIT API); read measures from the MyMONIT API, not ${JSON.stringify(refused.trim().slice(0, 80))}`);
    return;
  }
  res.status(200).json({ results: statements.map((_, statement_id) => ({ statement_id })) });
}
