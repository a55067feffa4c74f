import { Router } from 'express';
import type { MeasureService } from '../../services/contracts';
import { measureJson, seriesJson } from '../representations';
import { queryInt, queryString, queryTimeUs } from './query';

/** Measures and series of one experiment, read-only: measures arrive over AMQP. */
export function measuresResource(measures: MeasureService): Router {
  const router = Router();
  router.get('/experiments/:code/measures', async (req, res) => {
    const page = await measures.list(res.locals.actor, {
      experiment: req.params.code,
      metric: queryString(req, 'metric'),
      source: queryString(req, 'source'),
      fromUs: queryTimeUs(req, 'from'),
      toUs: queryTimeUs(req, 'to'),
      limit: queryInt(req, 'limit', 1000),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(measureJson), next: page.next });
  });
  router.get('/experiments/:code/series', async (req, res) => {
    const series = await measures.listSeries(res.locals.actor, req.params.code);
    res.json({ items: series.map(seriesJson) });
  });
  return router;
}
