import { Router, type Request, type Response } from 'express';
import type { TicketService } from '../../services/ticket-service';
import type { Ticket, TicketComment, TicketEventRecord, TicketPriority, TicketState } from '../../tickets/ticket';
import { labelsJson } from '../alert-json';
import { integerParameter } from '../integer-parameters';
import { queryString } from './query';

/** An instant as RFC 3339, or nothing for an absent one or one no Date can hold (an alert's far end). */
function iso(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}

export function ticketJson(ticket: Ticket): Record<string, unknown> {
  return {
    id: ticket.id,
    state: ticket.state,
    priority: ticket.priority,
    assignee: ticket.assigneeId ?? null,
    receiver: ticket.receiver,
    group_key: ticket.groupKey,
    group_labels: labelsJson(ticket.groupLabels),
    experiments: ticket.experiments,
    current: ticket.current,
    reopen_count: ticket.reopenCount,
    auto_resolved: ticket.autoResolved,
    opened_at: iso(ticket.openedAtMs),
    reopened_at: iso(ticket.reopenedAtMs),
    acknowledged_at: iso(ticket.acknowledgedAtMs),
    resolved_at: iso(ticket.resolvedAtMs),
    closed_at: iso(ticket.closedAtMs),
    updated_at: iso(ticket.updatedAtMs),
    time_to_acknowledge_ms: ticket.timeToAcknowledgeMs,
    time_to_resolve_ms: ticket.timeToResolveMs,
    alerts: ticket.alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      status: alert.status,
      labels: labelsJson(alert.labels),
      starts_at: iso(alert.startsAtMs),
      ends_at: iso(alert.endsAtMs),
    })),
  };
}

function commentJson(comment: TicketComment): Record<string, unknown> {
  return { id: comment.id, author: comment.authorId, body: comment.body, at: iso(comment.atMs) };
}

function eventJson(event: TicketEventRecord): Record<string, unknown> {
  return { id: event.id, kind: event.kind, actor: event.actorId ?? null, at: iso(event.atMs), detail: event.detail };
}

/** The optional `comment` of an action's body (the OpenAPI validator checked its type). */
function optionalComment(req: Request): string | undefined {
  const body = req.body as { comment?: unknown } | undefined;
  return typeof body?.comment === 'string' ? body.comment : undefined;
}

const ticketId = (res: Response): number => integerParameter(res, 'ticketId');

/**
 * /tickets: the tickets alert groups open (docs/notifications.md, "Tickets"). Operator actions are POSTs
 * on the ticket (acknowledge, assign, comments, resolve, close), each one transition of the state machine,
 * rather than a PATCH of the state: each has its own rule of who may do it and its own audit action.
 */
export function ticketsResource(tickets: TicketService): Router {
  const router = Router();
  router.get('/tickets', async (req, res) => {
    const assignee = (res.locals.integers as Map<string, number> | undefined)?.get('assignee');
    const page = await tickets.list(res.locals.actor, {
      state: queryString(req, 'state') as TicketState | undefined,
      priority: queryString(req, 'priority') as TicketPriority | undefined,
      ...(assignee === undefined ? {} : { assignee }),
      experiment: queryString(req, 'experiment'),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(ticketJson), next: page.next });
  });
  router.get('/tickets/:ticketId', async (_req, res) => {
    const detail = await tickets.get(res.locals.actor, ticketId(res));
    res.json({ ...ticketJson(detail.ticket), comments: detail.comments.map(commentJson), events: detail.events.map(eventJson) });
  });
  router.post('/tickets/:ticketId/acknowledge', async (req, res) => {
    res.json(ticketJson(await tickets.acknowledge(res.locals.actor, ticketId(res), optionalComment(req))));
  });
  router.post('/tickets/:ticketId/resolve', async (req, res) => {
    res.json(ticketJson(await tickets.resolve(res.locals.actor, ticketId(res), optionalComment(req))));
  });
  router.post('/tickets/:ticketId/close', async (req, res) => {
    res.json(ticketJson(await tickets.close(res.locals.actor, ticketId(res), optionalComment(req))));
  });
  router.post('/tickets/:ticketId/assign', async (req, res) => {
    const assignee = (req.body as { assignee: number | null }).assignee;
    res.json(ticketJson(await tickets.assign(res.locals.actor, ticketId(res), assignee)));
  });
  router.post('/tickets/:ticketId/comments', async (req, res) => {
    const comment = await tickets.comment(res.locals.actor, ticketId(res), (req.body as { body: string }).body);
    res.status(201).json(commentJson(comment));
  });
  return router;
}
