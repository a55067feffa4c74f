import { Router } from 'express';
import type { NotificationQueryService } from '../../services/notify/notification-query-service';
import type { AttemptStatus, NotificationAttempt } from '../../storage/notify-stores';
import { integerParameter } from '../integer-parameters';
import { queryDate, queryString } from './query';

/** One delivery attempt as openapi.yaml's NotificationAttempt describes it (snake_case). */
export function notificationAttemptJson(attempt: NotificationAttempt) {
  return {
    id: attempt.id,
    receiver: attempt.receiver,
    integration: attempt.integration,
    integration_index: attempt.integrationIndex,
    group_key: attempt.groupKey,
    attempt: attempt.attempt,
    status: attempt.status,
    detail: attempt.detail,
    firing: attempt.firing,
    resolved: attempt.resolved,
    at: new Date(attempt.atMs).toISOString(),
    duration_ms: attempt.durationMs,
    experiment_ids: attempt.experimentIds,
  };
}

/** /notifications: every delivery attempt of every notification, newest first. openapi.yaml checks the parameters. */
export function notificationsResource(notifications: NotificationQueryService): Router {
  const router = Router();
  router.get('/notifications', async (req, res) => {
    const page = await notifications.list(res.locals.actor, {
      receiver: queryString(req, 'receiver'),
      status: queryString(req, 'status') as AttemptStatus | undefined,
      fromMs: queryDate(req, 'from')?.getTime(),
      toMs: queryDate(req, 'to')?.getTime(),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(notificationAttemptJson), next: page.next });
  });
  return router;
}
