import { Router } from 'express';
import { isAggregateFn, parseStep } from '../../domain/aggregate';
import { ValidationError } from '../../domain/errors';
import type { MeasureQueryService } from '../../services/measure-query-service';
import { integerParameter } from '../integer-parameters';
import { measurePageJson } from '../measure-page-json';
import { aggregateJson, seriesJson } from '../representations';
import { queryString, queryTimeUs } from './query';

/**
 * Measures and series of one experiment, read-only: measures arrive over AMQP. With `validateResponses`
 * (tests), a page goes through res.json so that the validator checks the very text the fast path writes.
 */
export function measuresResource(measures: MeasureQueryService, options: { validateResponses?: boolean } = {}): Router {
  const router = Router();
  router.get('/experiments/:code/measures', async (req, res) => {
    const page = await measures.list(res.locals.actor, {
      experiment: req.params.code,
      metric: queryString(req, 'metric'),
      source: queryString(req, 'source'),
      fromUs: queryTimeUs(req, 'from'),
      toUs: queryTimeUs(req, 'to'),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    const body = measurePageJson(page);
    if (options.validateResponses) {
      res.json(JSON.parse(body.toString('utf8')));
      return;
    }
    // end(), not send(): send() would hash the whole page for an ETag no client of a live series revalidates with.
    res.type('application/json').setHeader('Content-Length', body.length);
    res.end(body);
  });
  router.get('/experiments/:code/measures/aggregate', async (req, res) => {
    // openapi.yaml requires these and checks their form; the domain checks what a pattern cannot.
    const step = queryString(req, 'step') ?? '';
    const fn = queryString(req, 'fn') ?? 'avg';
    if (!isAggregateFn(fn)) throw new ValidationError(`fn must be one of avg, min, max, sum, count, last`);
    const series = await measures.aggregate(res.locals.actor, {
      experiment: req.params.code,
      metric: queryString(req, 'metric'),
      source: queryString(req, 'source'),
      fromUs: queryTimeUs(req, 'from') as bigint,
      toUs: queryTimeUs(req, 'to') as bigint,
      stepUs: parseStep(step),
      fn,
    });
    res.json(aggregateJson(step, fn, series));
  });
  router.get('/experiments/:code/series', async (req, res) => {
    const series = await measures.listSeries(res.locals.actor, req.params.code);
    res.json({ items: series.map(seriesJson) });
  });
  return router;
}
