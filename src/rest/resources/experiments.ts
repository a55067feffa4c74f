import { Router } from 'express';
import type { ExperimentChanges, NewExperiment } from '../../domain/experiment';
import type { ExperimentService } from '../../services/experiment-service';
import { integerParameter } from '../integer-parameters';
import { experimentJson, userJson } from '../representations';
import { queryString } from './query';

/** /experiments and their associations with users. */
export function experimentsResource(experiments: ExperimentService): Router {
  const router = Router();
  router.post('/experiments', async (req, res) => {
    const created = await experiments.create(res.locals.actor, req.body as NewExperiment);
    res.status(201).location(`/experiments/${encodeURIComponent(created.code)}`).json(experimentJson(created));
  });
  router.get('/experiments', async (req, res) => {
    const page = await experiments.list(res.locals.actor, integerParameter(res, 'limit'), queryString(req, 'cursor'));
    res.json({ items: page.items.map(experimentJson), next: page.next });
  });
  router.get('/experiments/:code', async (req, res) => {
    res.json(experimentJson(await experiments.get(res.locals.actor, req.params.code)));
  });
  router.patch('/experiments/:code', async (req, res) => {
    const updated = await experiments.update(res.locals.actor, req.params.code, req.body as ExperimentChanges);
    res.json(experimentJson(updated));
  });
  router.delete('/experiments/:code', async (req, res) => {
    await experiments.delete(res.locals.actor, req.params.code);
    res.status(204).end();
  });
  router.get('/experiments/:code/users', async (req, res) => {
    const users = await experiments.listAssociatedUsers(res.locals.actor, req.params.code);
    res.json({ items: users.map(userJson) });
  });
  router.put('/experiments/:code/users/:userId', async (req, res) => {
    await experiments.associate(res.locals.actor, req.params.code, integerParameter(res, 'userId'));
    res.status(204).end();
  });
  router.delete('/experiments/:code/users/:userId', async (req, res) => {
    await experiments.dissociate(res.locals.actor, req.params.code, integerParameter(res, 'userId'));
    res.status(204).end();
  });
  return router;
}
