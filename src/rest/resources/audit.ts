import { Router } from 'express';
import type { AuditOutcome, StoredAuditEvent } from '../../domain/audit-event';
import type { AuditService } from '../../services/audit-service';
import { integerParameter } from '../integer-parameters';
import { queryDate, queryString } from './query';

/** The JSON shape of an audit event (snake_case, as openapi.yaml describes it). */
export function auditEventJson(event: StoredAuditEvent) {
  return {
    id: event.id,
    at: event.at.toISOString(),
    actor: event.actor,
    action: event.action,
    resource_type: event.resourceType,
    resource_id: event.resourceId,
    outcome: event.outcome,
    request_id: event.requestId,
    detail: event.detail ?? null,
  };
}

/** /audit: who did what to which resource, by pseudonymous id (ADMIN). */
export function auditResource(audit: AuditService): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const page = await audit.list(res.locals.actor, {
      actor: queryString(req, 'actor'),
      action: queryString(req, 'action'),
      resourceType: queryString(req, 'resource'),
      outcome: queryString(req, 'outcome') as AuditOutcome | undefined,
      from: queryDate(req, 'from'),
      to: queryDate(req, 'to'),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(auditEventJson), next: page.next });
  });
  return router;
}
