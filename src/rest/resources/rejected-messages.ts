import { Router } from 'express';
import type { RejectionReason } from '../../domain/rejected-message';
import type { MeasureService } from '../../services/measure-service';
import { integerParameter } from '../integer-parameters';
import { rejectedJson } from '../representations';
import { queryDate, queryString } from './query';

/**
 * Rejected messages (the consumer could not store them; kept with their reason for an ADMIN to inspect
 * and replay), served under the seed's route /exceptions: docs/adr/0004-rejected-messages.md.
 */
export function rejectedMessagesResource(measures: MeasureService): Router {
  const router = Router();
  router.get('/exceptions', async (req, res) => {
    const page = await measures.listRejected(res.locals.actor, {
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
      reason: queryString(req, 'reason') as RejectionReason | undefined,
      from: queryDate(req, 'from'),
      to: queryDate(req, 'to'),
    });
    res.json({ items: page.items.map((m) => rejectedJson(m, false)), next: page.next });
  });
  router.get('/exceptions/:exceptionId', async (_req, res) => {
    res.json(rejectedJson(await measures.getRejected(res.locals.actor, integerParameter(res, 'exceptionId')), true));
  });
  router.delete('/exceptions/:exceptionId', async (_req, res) => {
    await measures.discardRejected(res.locals.actor, integerParameter(res, 'exceptionId'));
    res.status(204).end();
  });
  // 202: the broker has the message; whether it is stored now is the consumer's verdict (or a new rejection).
  router.post('/exceptions/:exceptionId/replay', async (_req, res) => {
    const replayed = await measures.replayRejected(res.locals.actor, integerParameter(res, 'exceptionId'));
    res.status(202).json({ id: replayed.id, message_id: replayed.messageId });
  });
  return router;
}
