import { comparePriority } from './priority';
import type { TicketActor, TicketEventKind, TicketLifecycle, TicketPriority, TicketState } from './ticket';

/**
 * The ticket state machine. States: open -> acknowledged -> resolved -> closed.
 *
 * | action        | by     | from                   | to           |
 * |---------------|--------|------------------------|--------------|
 * | acknowledge   | person | open                   | acknowledged |
 * | resolve       | person | open, acknowledged     | resolved     |
 * | auto-resolve  | system | open, acknowledged     | resolved     |
 * | close         | person | resolved               | closed       |
 * | reopen        | system | resolved, closed       | open         |
 * | assign        | person | any but closed         | (unchanged)  |
 * | escalate      | system | open, acknowledged     | (unchanged)  |
 *
 * A person never reopens (the group firing again does, within the window) and the system never
 * acknowledges, closes or assigns. Comments are not transitions: they are allowed in every state.
 * Which people may act (ADMIN, SCIENTIST) is the service's business (src/services/ticket-service.ts).
 */
export type TicketAction =
  | { readonly kind: 'acknowledge' }
  | { readonly kind: 'resolve' }
  | { readonly kind: 'auto-resolve' }
  | { readonly kind: 'close' }
  | { readonly kind: 'reopen'; readonly priority: TicketPriority }
  | { readonly kind: 'assign'; readonly assigneeId: number | undefined }
  | { readonly kind: 'escalate'; readonly priority: TicketPriority };

const RULES: Readonly<Record<TicketAction['kind'], { readonly by: TicketActor['kind']; readonly from: readonly TicketState[] }>> = {
  acknowledge: { by: 'user', from: ['open'] },
  resolve: { by: 'user', from: ['open', 'acknowledged'] },
  'auto-resolve': { by: 'system', from: ['open', 'acknowledged'] },
  close: { by: 'user', from: ['resolved'] },
  reopen: { by: 'system', from: ['resolved', 'closed'] },
  assign: { by: 'user', from: ['open', 'acknowledged', 'resolved'] },
  escalate: { by: 'system', from: ['open', 'acknowledged'] },
};

/** An action the state machine refuses: the state does not allow it (a conflict), or the actor may not do it. */
export class TicketTransitionError extends Error {
  override readonly name = 'TicketTransitionError';
  constructor(
    message: string,
    readonly reason: 'state' | 'actor',
  ) {
    super(message);
  }
}

/** What a transition did: the new lifecycle and the event to record. */
export interface Transition {
  readonly ticket: TicketLifecycle;
  readonly event: { readonly kind: TicketEventKind; readonly detail: Readonly<Record<string, string | number | boolean | null>> };
}

/** Whether `action` is allowed from `state` by `actor` (without applying it). */
export function allowed(state: TicketState, action: TicketAction['kind'], actor: TicketActor['kind']): boolean {
  const rule = RULES[action];
  return rule.by === actor && rule.from.includes(state);
}

/** Where the current cycle started: the last reopening, else the opening. */
export function cycleStartMs(ticket: TicketLifecycle): number {
  return ticket.reopenedAtMs ?? ticket.openedAtMs;
}

/** A duration that clocks of different instances cannot make negative. */
function since(startMs: number, nowMs: number): number {
  return Math.max(0, nowMs - startMs);
}

/** Drops the optional fields whose value is undefined, so that an omitted field stays omitted. */
function lifecycle(fields: { [K in keyof TicketLifecycle]: TicketLifecycle[K] | undefined }): TicketLifecycle {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as TicketLifecycle;
}

/** A new ticket's lifecycle: open since `nowMs`. */
export function opened(priority: TicketPriority, nowMs: number): TicketLifecycle {
  return { state: 'open', priority, openedAtMs: nowMs, reopenCount: 0, autoResolved: false };
}

/**
 * Applies `action` by `actor` at `nowMs`; throws TicketTransitionError when the state machine refuses it.
 * Idempotence is not assumed: acknowledging an acknowledged ticket is refused (the caller answers 409).
 */
export function apply(ticket: TicketLifecycle, action: TicketAction, actor: TicketActor, nowMs: number): Transition {
  const rule = RULES[action.kind];
  if (rule.by !== actor.kind) {
    throw new TicketTransitionError(`${action.kind} is done by ${rule.by === 'user' ? 'a person' : 'the system'} only`, 'actor');
  }
  if (!rule.from.includes(ticket.state)) {
    throw new TicketTransitionError(`a ticket that is ${ticket.state} cannot be ${pastTense(action.kind)}`, 'state');
  }
  const from = ticket.state;
  switch (action.kind) {
    case 'acknowledge':
      return {
        ticket: { ...ticket, state: 'acknowledged', acknowledgedAtMs: nowMs, timeToAcknowledgeMs: since(cycleStartMs(ticket), nowMs) },
        event: { kind: 'acknowledged', detail: { from, to: 'acknowledged' } },
      };
    case 'resolve':
    case 'auto-resolve': {
      const automatic = action.kind === 'auto-resolve';
      return {
        ticket: { ...ticket, state: 'resolved', resolvedAtMs: nowMs, autoResolved: automatic, timeToResolveMs: since(cycleStartMs(ticket), nowMs) },
        event: { kind: 'resolved', detail: { from, to: 'resolved', automatic } },
      };
    }
    case 'close':
      return { ticket: { ...ticket, state: 'closed', closedAtMs: nowMs }, event: { kind: 'closed', detail: { from, to: 'closed' } } };
    case 'reopen':
      return {
        ticket: lifecycle({
          ...ticket,
          state: 'open',
          priority: action.priority,
          reopenedAtMs: nowMs,
          reopenCount: ticket.reopenCount + 1,
          acknowledgedAtMs: undefined,
          resolvedAtMs: undefined,
          autoResolved: false,
          closedAtMs: undefined,
          timeToAcknowledgeMs: undefined,
          timeToResolveMs: undefined,
        }),
        event: { kind: 'reopened', detail: { from, to: 'open', priority: action.priority, reopen_count: ticket.reopenCount + 1 } },
      };
    case 'assign':
      return {
        ticket: lifecycle({ ...ticket, assigneeId: action.assigneeId }),
        event: { kind: 'assigned', detail: { from_assignee: ticket.assigneeId ?? null, to_assignee: action.assigneeId ?? null } },
      };
    case 'escalate':
      if (comparePriority(action.priority, ticket.priority) <= 0) {
        throw new TicketTransitionError(`priority ${action.priority} is not above ${ticket.priority}`, 'state');
      }
      return {
        ticket: { ...ticket, priority: action.priority },
        event: { kind: 'escalated', detail: { from_priority: ticket.priority, to_priority: action.priority } },
      };
  }
}

function pastTense(action: TicketAction['kind']): string {
  switch (action) {
    case 'acknowledge':
      return 'acknowledged';
    case 'resolve':
    case 'auto-resolve':
      return 'resolved';
    case 'close':
      return 'closed';
    case 'reopen':
      return 'reopened';
    case 'assign':
      return 'assigned';
    case 'escalate':
      return 'escalated';
  }
}
