import type { Router } from 'express';
import type { Owned } from '../../storage/checks-stores';
import type { ModelResource } from '../../services/checks/checks-model-service';
import { integerParameter } from '../integer-parameters';
import { queryString } from './query';

/**
 * POST /<path>, GET /<path> (keyset pages, optionally one experiment's), GET, PUT and DELETE /<path>/{id}:
 * the routes each resource of the checks model has (openapi.yaml validated the body before they run).
 */
export function modelRoutes<T extends { readonly id: number }, I>(
  router: Router,
  path: string,
  idParameter: string,
  resource: ModelResource<T, I>,
  json: (row: Owned<T>) => Record<string, unknown>,
): Router {
  router.post(`/${path}`, async (req, res) => {
    const created = await resource.create(res.locals.actor, req.body as I);
    res.status(201).location(`/${path}/${created.id}`).json(json(created));
  });
  router.get(`/${path}`, async (req, res) => {
    const page = await resource.list(res.locals.actor, {
      experiment: queryString(req, 'experiment'),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(json), next: page.next });
  });
  router.get(`/${path}/:${idParameter}`, async (_req, res) => {
    res.json(json(await resource.get(res.locals.actor, integerParameter(res, idParameter))));
  });
  router.put(`/${path}/:${idParameter}`, async (req, res) => {
    res.json(json(await resource.update(res.locals.actor, integerParameter(res, idParameter), req.body as I)));
  });
  router.delete(`/${path}/:${idParameter}`, async (_req, res) => {
    await resource.delete(res.locals.actor, integerParameter(res, idParameter));
    res.status(204).end();
  });
  return router;
}
