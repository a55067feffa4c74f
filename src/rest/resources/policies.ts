import express, { Router, type RequestHandler } from 'express';
import type { PolicyInput, PolicyService, PolicyView } from '../../services/policies/policy-service';
import { integerParameter } from '../integer-parameters';
import { PROBLEM_BASE } from '../problem';
import { queryString } from './query';

/**
 * The body limit of POST /policies/{id}/events: a log is many time points in one request (the platform's
 * REST_BODY_LIMIT is sized for JSON documents). docs/policies.md, "REST".
 */
export const POLICY_EVENTS_BODY_LIMIT = '16mb';
/** The path whose body the listener reads with policyEventsBody instead of its default JSON parser. */
export const POLICY_EVENTS_PATH = /^\/policies\/[^/]+\/events$/;

/** Verdict rows read per query when writing MonPoly's text. */
const TEXT_PAGE = 1000;

const eventsJson = express.json({ limit: POLICY_EVENTS_BODY_LIMIT, type: ['application/json'] });
const eventsText = express.text({ limit: POLICY_EVENTS_BODY_LIMIT, type: ['text/plain'] });

/** Reads a policy events body: JSON or MonPoly's log as text/plain, up to POLICY_EVENTS_BODY_LIMIT. */
export const policyEventsBody: RequestHandler = (req, res, next) => {
  eventsJson(req, res, (error?: unknown) => (error === undefined ? eventsText(req, res, next) : next(error)));
};

export function policyJson(view: PolicyView): Record<string, unknown> {
  const { policy, monitor } = view;
  return {
    id: policy.id,
    experiment: policy.experiment,
    name: policy.name,
    signature: policy.signature,
    formula: policy.formula,
    negate: policy.negate,
    generation: policy.generation,
    variables: view.variables,
    monitor: {
      first_tp: monitor.firstTp,
      next_tp: monitor.nextTp,
      last_ts: monitor.lastTs,
      ended: monitor.ended,
      replayed_events: monitor.replayedEvents,
      stored_events: monitor.storedEvents,
    },
    created_at: policy.createdAt.toISOString(),
    updated_at: policy.updatedAt.toISOString(),
  };
}

/** /policies: temporal policies (MFOTL), their events, verdicts and rejections (docs/policies.md, "REST"). */
export function policiesResource(policies: PolicyService): Router {
  const router = Router();
  router.post('/policies', async (req, res) => {
    const created = await policies.create(res.locals.actor, req.body as PolicyInput);
    res.status(201).location(`/policies/${created.policy.id}`).json(policyJson(created));
  });
  router.get('/policies', async (req, res) => {
    const page = await policies.list(res.locals.actor, {
      experiment: queryString(req, 'experiment'),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(policyJson), ...(page.next === undefined ? {} : { next: page.next }) });
  });
  router.get('/policies/:policyId', async (_req, res) => {
    res.json(policyJson(await policies.get(res.locals.actor, integerParameter(res, 'policyId'))));
  });
  router.put('/policies/:policyId', async (req, res) => {
    res.json(policyJson(await policies.update(res.locals.actor, integerParameter(res, 'policyId'), req.body as PolicyInput)));
  });
  router.delete('/policies/:policyId', async (_req, res) => {
    await policies.delete(res.locals.actor, integerParameter(res, 'policyId'));
    res.status(204).end();
  });
  router.post('/policies/:policyId/events', async (req, res) => {
    const id = integerParameter(res, 'policyId');
    const body = req.is('text/plain') ? { kind: 'log' as const, text: typeof req.body === 'string' ? req.body : '' } : { kind: 'json' as const, value: req.body as unknown };
    const result = await policies.ingest(res.locals.actor, id, body, queryString(req, 'final') === 'true');
    const progress = { accepted: result.accepted, verdicts: result.verdicts, next_tp: result.nextTp, ended: result.ended };
    if (result.rejected.length === 0) {
      res.json(progress);
      return;
    }
    const refused = result.rejected.length;
    res
      .status(422)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: `${PROBLEM_BASE}rejected-time-points`,
          title: 'Some time points were refused',
          status: 422,
          detail: `${refused} time point(s) refused and stored as rejections; the ${result.accepted} other(s) were accepted and committed`,
          instance: req.originalUrl.split('?')[0],
          requestId: res.locals.requestId as string,
          ...progress,
          rejected: result.rejected.map((r) => ({
            ...(r.index === undefined ? {} : { index: r.index }),
            ...(r.ts === undefined ? {} : { ts: r.ts }),
            reason: r.reason,
            rejection_id: r.rejectionId,
          })),
        }),
      );
  });
  router.get('/policies/:policyId/verdicts', async (req, res) => {
    const id = integerParameter(res, 'policyId');
    // Not queryString: the OpenAPI validator has coerced req.query.generation to a number (a string test would drop it).
    const generation = (res.locals.integers as Map<string, number> | undefined)?.get('generation');
    const representation = req.accepts(['application/json', 'text/plain']);
    if (representation === false) {
      throw Object.assign(new Error(`verdicts are application/json or text/plain (MonPoly's lines); the Accept header allows neither`), { status: 406 });
    }
    if (representation === 'text/plain') {
      // MonPoly's lines, each followed by "\n": every verdict after the cursor, read and written page by page
      // (the first page is read before the status is sent, so a refusal is still a problem+json).
      let cursor = queryString(req, 'cursor');
      const page = (after: string | undefined) =>
        policies.verdicts(res.locals.actor, id, { ...(generation === undefined ? {} : { generation }), ...(after === undefined ? {} : { cursor: after }), limit: TEXT_PAGE });
      let current = await page(cursor);
      res.type('text/plain; charset=utf-8');
      for (;;) {
        res.write(current.items.map((item) => `${item.line}\n`).join(''));
        if (current.next === undefined) break;
        cursor = current.next;
        current = await page(cursor);
      }
      res.end();
      return;
    }
    const page = await policies.verdicts(res.locals.actor, id, {
      ...(generation === undefined ? {} : { generation }),
      limit: integerParameter(res, 'limit'),
      ...(queryString(req, 'cursor') === undefined ? {} : { cursor: queryString(req, 'cursor') }),
    });
    res.json({
      generation: page.generation,
      variables: page.variables,
      items: page.items.map((v) => ({ tp: v.tp, ts: v.ts, tuples: v.tuples, variables: page.variables })),
      ...(page.next === undefined ? {} : { next: page.next }),
    });
  });
  router.get('/policies/:policyId/rejections', async (req, res) => {
    const page = await policies.rejections(res.locals.actor, integerParameter(res, 'policyId'), {
      limit: integerParameter(res, 'limit'),
      ...(queryString(req, 'cursor') === undefined ? {} : { cursor: queryString(req, 'cursor') }),
    });
    res.json({
      items: page.items.map((r) => ({ id: r.id, received_at: r.receivedAt.toISOString(), source: r.source, reason: r.reason, body: r.body })),
      ...(page.next === undefined ? {} : { next: page.next }),
    });
  });
  return router;
}
