import { inject, injectable, optional } from 'inversify';
import { ConflictError, NotFoundError, StorageUnavailableError, ValidationError } from '../domain/errors';
import type { Page } from '../domain/page';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { Logger } from '../logging/logger';
import { TicketMetrics } from '../metrics/ticket-metrics';
import type { TicketConfig } from '../notify/config/model';
import type { Notification, TicketSink } from '../notify/receivers/receiver';
import type { ExperimentScope } from '../storage/notify-stores';
import type { ExperimentStore, Transactor, UserStore } from '../storage/stores';
import type { TicketSnapshot, TicketStore } from '../storage/ticket-stores';
import { NO_TICKET_EVENTS, type TicketEvent, type TicketEventListener } from '../tickets/events';
import { apply, opened, TicketTransitionError, type TicketAction, type Transition } from '../tickets/lifecycle';
import { decide, snapshotOf } from '../tickets/notification';
import type { Ticket, TicketActor, TicketComment, TicketEventRecord, TicketPriority, TicketState } from '../tickets/ticket';
import { AuditTrail, type CommitHooks } from './audit-trail';
import { ExperimentVisibility, requireAdmin } from './authorization';
import { afterIdFromCursor, pageById } from './pagination';
import { experimentScopeOf } from './experiment-scope';

export interface TicketListQuery {
  readonly state?: TicketState;
  readonly priority?: TicketPriority;
  readonly assignee?: number;
  /** Experiment code. */
  readonly experiment?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface TicketDetail {
  readonly ticket: Ticket;
  readonly comments: readonly TicketComment[];
  readonly events: readonly TicketEventRecord[];
}

/** What fromNotification did, in TicketSink's `event` (stored with the delivery attempt). `ignored`: ticket id 0, no ticket. */
export type NotificationOutcome = 'opened' | 'reopened' | 'resolved' | 'escalated' | 'updated' | 'ignored';

/** A comment's length limit (characters): TEXT holds 65,535 bytes, 4 per utf8mb4 character at worst. */
export const MAX_COMMENT_CHARS = 10_000;
/** Attempts of a notification's transaction that lost a race (another instance opened the group's ticket, a deadlock). */
const NOTIFICATION_ATTEMPTS = 5;

const AUDIT_ACTIONS: Readonly<Record<TicketEvent['kind'], string>> = {
  opened: 'ticket.open',
  acknowledged: 'ticket.acknowledge',
  assigned: 'ticket.assign',
  commented: 'ticket.comment',
  escalated: 'ticket.escalate',
  resolved: 'ticket.resolve',
  reopened: 'ticket.reopen',
  closed: 'ticket.close',
};

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`${field}: ${message}`, { field, errors: [{ path: field, message }] });
}

/** Whether `scope` holds the ticket: ADMIN everything; otherwise a ticket with experiments, all of them in scope, and no alert outside any. */
export function ticketInScope(ticket: Pick<Ticket, 'unscoped' | 'experimentIds'>, scope: ExperimentScope): boolean {
  if (scope.kind === 'all') return true;
  const mine = new Set(scope.experimentIds);
  return !ticket.unscoped && ticket.experimentIds.length > 0 && ticket.experimentIds.every((id) => mine.has(id));
}

/**
 * TicketService: the ticket integration's port (TicketSink: a notification opens, updates, escalates,
 * auto-resolves or reopens its group's ticket) and the operators' actions.
 *
 * Who may do what (docs/notifications.md, "Tickets"): an ADMIN everything. A SCIENTIST sees the tickets
 * whose every experiment is associated with them (any other, and any ticket holding an alert of no
 * experiment, answers 404), and may acknowledge, comment on and resolve those; assigning and closing are
 * ADMIN's (403, before any lookup). Every change is audited in its transaction (`ticket.<action>`; the
 * system's changes with no actor), recorded as a ticket event, and handed to TicketEventListener after
 * the commit.
 */
@injectable()
export class TicketService implements TicketSink {
  private readonly logger?: Logger;

  constructor(
    @inject(TYPES.TicketStore) private readonly tickets: TicketStore,
    @inject(TYPES.UserStore) private readonly users: UserStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.CommitHooks) private readonly hooks: CommitHooks,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
    @inject(TYPES.TicketEventListener) @optional() private readonly listener: TicketEventListener = NO_TICKET_EVENTS,
    @inject(TYPES.Logger) @optional() logger?: Logger,
    /** The clock of the operators' actions (tests move it). */
    @inject(TYPES.TicketClock) @optional() private readonly now: () => number = Date.now,
    @inject(TicketMetrics) @optional() private readonly metrics?: TicketMetrics,
  ) {
    this.logger = logger?.child({ component: 'tickets' });
  }

  /**
   * TicketSink: the group's ticket after this notification (notification.ts `decide`). Runs in one
   * transaction holding the group's current ticket locked; two instances opening one group's ticket at
   * once store one (unique key): the loser's transaction is retried and finds the winner's ticket.
   */
  async fromNotification(config: TicketConfig, notification: Notification): Promise<{ ticketId: number; event: NotificationOutcome }> {
    const snapshot = snapshotOf(notification);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx.inTransaction(() => this.applyNotification(config, notification, snapshot));
      } catch (error) {
        const raced = error instanceof ConflictError || error instanceof StorageUnavailableError;
        if (!raced || attempt >= NOTIFICATION_ATTEMPTS) throw error;
        this.logger?.debug('ticket transaction lost a race; retrying', { groupKey: notification.groupKey, attempt });
      }
    }
  }

  private async applyNotification(
    config: TicketConfig,
    notification: Notification,
    snapshot: ReturnType<typeof snapshotOf>,
  ): Promise<{ ticketId: number; event: NotificationOutcome }> {
    const nowMs = notification.nowMs;
    const current = await this.tickets.currentForGroup(notification.groupKey);
    const decision = decide(current, snapshot, config, nowMs);
    const stored: TicketSnapshot = { alerts: snapshot.alerts, experimentIds: snapshot.experimentIds, unscoped: snapshot.unscoped };
    const system: TicketActor = { kind: 'system' };
    switch (decision.kind) {
      case 'ignore':
        return { ticketId: 0, event: 'ignored' };
      case 'open': {
        if (current) await this.tickets.supersede(current.id);
        const ticket = await this.tickets.insertCurrent({
          ...stored,
          groupKey: notification.groupKey,
          receiver: notification.receiver,
          groupLabels: notification.groupLabels,
          lifecycle: opened(snapshot.priority, nowMs),
          nowMs,
        });
        const detail = { to: 'open', priority: ticket.priority, ...(current ? { supersedes: current.id } : {}) };
        await this.record(ticket, { kind: 'opened', detail }, system, nowMs);
        return { ticketId: ticket.id, event: 'opened' };
      }
      case 'update': {
        if (!current) throw new Error('an update without a ticket');
        await this.tickets.update(current.id, current, stored, nowMs);
        return { ticketId: current.id, event: 'updated' };
      }
      case 'reopen':
      case 'auto-resolve':
      case 'escalate': {
        if (!current) throw new Error(`${decision.kind} without a ticket`);
        const action: TicketAction =
          decision.kind === 'auto-resolve' ? { kind: 'auto-resolve' } : { kind: decision.kind, priority: snapshot.priority };
        const transition = apply(current, action, system, nowMs);
        const ticket = await this.tickets.update(current.id, transition.ticket, stored, nowMs);
        await this.record(ticket, transition.event, system, nowMs);
        return { ticketId: ticket.id, event: transition.event.kind as NotificationOutcome };
      }
    }
  }

  async list(actor: User, query: TicketListQuery): Promise<Page<Ticket>> {
    const beforeId = afterIdFromCursor(query.cursor);
    const experimentId = query.experiment === undefined ? undefined : (await this.visibility.visible(actor, query.experiment)).id;
    const rows = await this.tickets.list({
      scope: await experimentScopeOf(this.experiments, actor),
      ...(query.state ? { state: query.state } : {}),
      ...(query.priority ? { priority: query.priority } : {}),
      ...(query.assignee === undefined ? {} : { assigneeId: query.assignee }),
      ...(experimentId === undefined ? {} : { experimentId }),
      ...(beforeId === undefined ? {} : { beforeId }),
      limit: query.limit + 1,
    });
    return pageById(rows, query.limit);
  }

  async get(actor: User, id: number): Promise<TicketDetail> {
    const ticket = await this.visibleTicket(actor, await this.tickets.get(id), id);
    const [comments, events] = await Promise.all([this.tickets.comments(id), this.tickets.events(id)]);
    return { ticket, comments, events };
  }

  acknowledge(actor: User, id: number, comment?: string): Promise<Ticket> {
    return this.transition(actor, id, { kind: 'acknowledge' }, comment);
  }

  resolve(actor: User, id: number, comment?: string): Promise<Ticket> {
    return this.transition(actor, id, { kind: 'resolve' }, comment);
  }

  async close(actor: User, id: number, comment?: string): Promise<Ticket> {
    requireAdmin(actor, 'close tickets');
    return this.transition(actor, id, { kind: 'close' }, comment);
  }

  /** `assigneeId` null: unassign. The assignee must be a user (not erased) who can see the ticket. */
  async assign(actor: User, id: number, assigneeId: number | null): Promise<Ticket> {
    requireAdmin(actor, 'assign tickets');
    return this.transition(actor, id, { kind: 'assign', assigneeId: assigneeId ?? undefined }, undefined, async (ticket) => {
      if (assigneeId === null) return;
      const assignee = await this.users.findById(assigneeId);
      if (!assignee || assignee.erasedAt !== null) throw invalid('assignee', `user ${assigneeId} not found`);
      if (!ticketInScope(ticket, await experimentScopeOf(this.experiments, assignee))) throw invalid('assignee', `user ${assigneeId} cannot see ticket ${id}`);
    });
  }

  async comment(actor: User, id: number, body: string): Promise<TicketComment> {
    const text = checkedComment(body, 'body');
    return this.tx.inTransaction(async () => {
      const ticket = await this.visibleTicket(actor, await this.tickets.getForUpdate(id), id);
      return this.addComment(actor, ticket, text, this.now());
    });
  }

  private async transition(actor: User, id: number, action: TicketAction, comment?: string, check?: (ticket: Ticket) => Promise<void>): Promise<Ticket> {
    const text = comment === undefined ? undefined : checkedComment(comment, 'comment');
    return this.tx.inTransaction(async () => {
      const current = await this.visibleTicket(actor, await this.tickets.getForUpdate(id), id);
      await check?.(current);
      const nowMs = this.now();
      let transition: Transition;
      try {
        transition = apply(current, action, { kind: 'user', userId: actor.id }, nowMs);
      } catch (error) {
        if (error instanceof TicketTransitionError) throw new ConflictError(`ticket ${id}: ${error.message}`, { state: current.state });
        throw error;
      }
      const ticket = await this.tickets.update(id, transition.ticket, undefined, nowMs);
      await this.record(ticket, transition.event, { kind: 'user', userId: actor.id }, nowMs);
      if (text !== undefined) await this.addComment(actor, ticket, text, nowMs);
      return ticket;
    });
  }

  private async addComment(actor: User, ticket: Ticket, body: string, nowMs: number): Promise<TicketComment> {
    const comment = await this.tickets.addComment({ ticketId: ticket.id, authorId: actor.id, body, atMs: nowMs });
    await this.record(ticket, { kind: 'commented', detail: { comment: comment.id } }, { kind: 'user', userId: actor.id }, nowMs);
    return comment;
  }

  /** The event row, the audit event (same transaction) and, after the commit, the listener. */
  private async record(ticket: Ticket, event: Transition['event'], actor: TicketActor, nowMs: number): Promise<void> {
    const actorId = actor.kind === 'user' ? actor.userId : undefined;
    await this.tickets.addEvent({ ticketId: ticket.id, kind: event.kind, ...(actorId === undefined ? {} : { actorId }), atMs: nowMs, detail: event.detail });
    await this.audit.record({
      // The system's changes have no actor; a person's is taken from the request's context (their pseudonym).
      ...(actor.kind === 'system' ? { actor: null } : {}),
      action: AUDIT_ACTIONS[event.kind],
      resourceType: 'ticket',
      resourceId: String(ticket.id),
      outcome: 'success',
      detail: { ...event.detail, state: ticket.state, priority: ticket.priority },
    });
    const published: TicketEvent = { kind: event.kind, ticket, ...(actorId === undefined ? {} : { actorId }), atMs: nowMs, detail: event.detail };
    this.hooks.afterCommit(() => {
      this.count(event.kind, ticket);
      try {
        this.listener.ticketEvent(published);
      } catch (error) {
        this.logger?.warn('a ticket event listener failed', { error, ticket: ticket.id, kind: event.kind });
      }
    });
  }

  /** The committed change in /metrics: its kind, and the cycle's durations when it acknowledged or resolved. */
  private count(kind: TicketEvent['kind'], ticket: Ticket): void {
    if (!this.metrics) return;
    this.metrics.events.inc({ kind });
    if (kind === 'acknowledged' && ticket.timeToAcknowledgeMs !== undefined) {
      this.metrics.timeToAcknowledge.observe({ priority: ticket.priority }, ticket.timeToAcknowledgeMs / 1000);
    }
    if (kind === 'resolved' && ticket.timeToResolveMs !== undefined) {
      this.metrics.timeToResolve.observe({ priority: ticket.priority }, ticket.timeToResolveMs / 1000);
    }
  }

  private async visibleTicket(actor: User, ticket: Ticket | undefined, id: number): Promise<Ticket> {
    if (!ticket || !ticketInScope(ticket, await experimentScopeOf(this.experiments, actor))) throw new NotFoundError(`ticket ${id} not found`);
    return ticket;
  }

}

function checkedComment(text: string, field: string): string {
  if (text.trim() === '') throw invalid(field, 'must not be blank');
  if ([...text].length > MAX_COMMENT_CHARS) throw invalid(field, `must be at most ${MAX_COMMENT_CHARS} characters`);
  return text;
}
