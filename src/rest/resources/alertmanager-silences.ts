import { Router, type NextFunction, type Request, type Response } from 'express';
import { NotFoundError } from '../../domain/errors';
import type { CompiledMatcher } from '../../notify/matchers';
import { FilterError, parseFilterMatcher } from '../../notify/silence/matchers';
import { SilenceInvalidError } from '../../notify/silence/validate';
import type { SilenceService } from '../../services/notify/silence-service';
import { decodePostableSilence, gettableSilence, goJson } from '../alertmanager/silence-json';

/** strfmt's uuid format, which the path parameter must have (else 422 code 601). */
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A go-swagger producer's answer: JSON and a newline (json.Encoder). */
function send(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(`${goJson(body)}\n`);
}

/** go-openapi's error answer ({code, message}): JSON without the newline. */
function sendSwaggerError(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(goJson(body));
}

/** Alertmanager's answers to what it refuses; anything else (403, storage down, a bug) goes on to problem+json. */
function answered(res: Response, error: unknown): boolean {
  if (error instanceof SilenceInvalidError || error instanceof FilterError) {
    send(res, 400, error.message);
    return true;
  }
  if (error instanceof NotFoundError) {
    send(res, 404, error.message);
    return true;
  }
  return false;
}

function handler(work: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      await work(req, res);
    } catch (error) {
      if (!answered(res, error)) next(error);
    }
  };
}

function filters(req: Request): CompiledMatcher[] {
  const raw: unknown = req.query.filter;
  if (raw === undefined) return [];
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  return list.map((f) => {
    if (typeof f !== 'string') throw new FilterError('bad matcher format: filter');
    return parseFilterMatcher(f);
  });
}

function silenceId(req: Request, res: Response): string | undefined {
  const id = String(req.params.silenceID);
  if (UUID.test(id)) return id;
  sendSwaggerError(res, 422, { code: 601, message: `silenceID in path must be of type uuid: ${JSON.stringify(id)}` });
  return undefined;
}

/**
 * Alertmanager API v2's silences under /alertmanager (as Grafana Mimir serves them): what amtool and
 * Alertmanager's UI call. A 'self-validating' resource: Alertmanager's JSON shapes, status codes and error
 * bodies (a JSON string, or go-swagger's {code, message}); 401 and 403 stay problem+json. One difference:
 * expiring an unknown silence is a 404 (Alertmanager 0.25 answers 500). See docs/notifications.md.
 */
export function alertmanagerSilencesResource(silences: SilenceService): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router.get(
    '/alertmanager/api/v2/silences',
    handler(async (req, res) => {
      const { silences: list, nowMs } = await silences.list(res.locals.actor, filters(req));
      send(res, 200, list.map((s) => gettableSilence(s, nowMs)));
    }),
  );
  router.post(
    '/alertmanager/api/v2/silences',
    handler(async (req, res) => {
      const decoded = decodePostableSilence(req.body);
      if (!decoded.ok) {
        sendSwaggerError(res, decoded.refusal.status, decoded.refusal.body);
        return;
      }
      const id = await silences.post(res.locals.actor, decoded.input);
      send(res, 200, { silenceID: id });
    }),
  );
  router.get(
    '/alertmanager/api/v2/silence/:silenceID',
    handler(async (req, res) => {
      const id = silenceId(req, res);
      if (id === undefined) return;
      try {
        const { silence, nowMs } = await silences.get(res.locals.actor, id);
        send(res, 200, gettableSilence(silence, nowMs));
      } catch (error) {
        // Alertmanager answers an unknown silence with an empty 404.
        if (!(error instanceof NotFoundError)) throw error;
        res.status(404).end();
      }
    }),
  );
  router.delete(
    '/alertmanager/api/v2/silence/:silenceID',
    handler(async (req, res) => {
      const id = silenceId(req, res);
      if (id === undefined) return;
      await silences.expire(res.locals.actor, id);
      res.status(200).end();
    }),
  );
  return router;
}
