import { Router, type Response } from 'express';
import type { Severity } from '../../alerting/rules/rule';
import type { TransitionTarget } from '../../alerting/state/alert-state';
import type { AlertQueryService } from '../../services/alert-query-service';
import { alertJson, transitionJson } from '../alert-json';
import { integerParameter } from '../integer-parameters';
import { queryString, queryTimeUs } from './query';

/** Milliseconds at or after `us`: a transition at millisecond m is at or after b µs exactly when m >= ceil(b / 1000). */
function ceilMs(us: bigint | undefined): number | undefined {
  if (us === undefined) return undefined;
  const quotient = us / 1000n;
  return Number(us % 1000n > 0n ? quotient + 1n : quotient);
}

/** An optional integer query parameter, as the strict integer layer parsed it. */
function optionalInteger(res: Response, name: string): number | undefined {
  return (res.locals.integers as Map<string, number> | undefined)?.get(name);
}

/** Current alerts and their history (every transition, newest first). openapi.yaml checks the parameters. */
export function alertsResource(alerts: AlertQueryService): Router {
  const router = Router();
  router.get('/alerts', async (req, res) => {
    const rule = optionalInteger(res, 'rule');
    const items = await alerts.active(res.locals.actor, {
      experiment: queryString(req, 'experiment'),
      ...(rule === undefined ? {} : { rule }),
      severity: queryString(req, 'severity') as Severity | undefined,
      state: queryString(req, 'state') as 'pending' | 'firing' | undefined,
    });
    res.json({ items: items.map(alertJson) });
  });
  router.get('/alerts/history', async (req, res) => {
    const rule = optionalInteger(res, 'rule');
    const fromUs = queryTimeUs(req, 'from');
    const toUs = queryTimeUs(req, 'to');
    const page = await alerts.history(res.locals.actor, {
      experiment: queryString(req, 'experiment'),
      ...(rule === undefined ? {} : { rule }),
      severity: queryString(req, 'severity') as Severity | undefined,
      state: queryString(req, 'state') as TransitionTarget | undefined,
      fromMs: ceilMs(fromUs),
      toMs: ceilMs(toUs),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(transitionJson), next: page.next });
  });
  return router;
}
