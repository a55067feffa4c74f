import { Router, type Response } from 'express';
import type { HealthExplanation } from '../../health/health';
import type { HealthService, SubjectHealth } from '../../services/health/health-service';
import { integerParameter } from '../integer-parameters';
import { queryString } from './query';

function explanationJson(node: HealthExplanation): Record<string, unknown> {
  return {
    kind: node.subject.kind,
    id: node.subject.id,
    name: node.subject.name,
    state: node.state,
    reason: node.reason,
    children: node.children.map(explanationJson),
  };
}

function summaryJson(health: SubjectHealth): Record<string, unknown> {
  return {
    kind: health.kind,
    id: health.id,
    name: health.name,
    experiment: health.experiment,
    state: health.state,
    reason: health.explanation.reason,
    ...(health.sinceMs === undefined ? {} : { since: new Date(health.sinceMs).toISOString() }),
  };
}

const healthJson = (health: SubjectHealth): Record<string, unknown> => ({ ...summaryJson(health), explanation: explanationJson(health.explanation) });

const id = (res: Response, name: string): number => integerParameter(res, name);

/** The health of hosts and services (Prophasis's, docs/checks.md "## Health"): state, why, and the report. */
export function healthReportResource(health: HealthService): Router {
  const router = Router();
  router.get('/hosts/:hostId/health', async (_req, res) => {
    res.json(healthJson(await health.host(res.locals.actor, id(res, 'hostId'))));
  });
  router.get('/services/:serviceId/health', async (_req, res) => {
    res.json(healthJson(await health.service(res.locals.actor, id(res, 'serviceId'))));
  });
  router.get('/health-report', async (req, res) => {
    const report = await health.report(res.locals.actor, { experiment: queryString(req, 'experiment') });
    res.json({ services: report.services.map(summaryJson), hosts: report.hosts.map(summaryJson) });
  });
  return router;
}
