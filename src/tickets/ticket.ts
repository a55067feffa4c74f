/**
 * Tickets (issue 13, point 5): a firing alert group opens one; people acknowledge, assign, comment,
 * resolve and close it; a re-fire within the configured window reopens it. The types here and the rules in
 * lifecycle.ts, priority.ts and notification.ts are pure: the store is src/storage/mysql-ticket-store.ts,
 * the service src/services/ticket-service.ts, the routes src/rest/resources/tickets.ts.
 * Times are milliseconds since the epoch.
 */

export const TICKET_STATES = ['open', 'acknowledged', 'resolved', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** Priorities are MyMONIT's alert severities (ok excluded), most severe first: see priority.ts. */
export const TICKET_PRIORITIES = ['critical', 'major', 'minor', 'unknown'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** What happened to a ticket: the rows of ticket_events and what TicketEventListener hears. */
export const TICKET_EVENT_KINDS = ['opened', 'acknowledged', 'assigned', 'commented', 'escalated', 'resolved', 'reopened', 'closed'] as const;
export type TicketEventKind = (typeof TICKET_EVENT_KINDS)[number];

/** Who did it: a MyMONIT user (by id), or the system (the notification pipeline: open, reopen, auto-resolve, escalate). */
export type TicketActor = { readonly kind: 'user'; readonly userId: number } | { readonly kind: 'system' };

/** One alert of the group as the last notification gave it (a snapshot shown with the ticket). */
export interface TicketAlert {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: ReadonlyMap<string, string>;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
}

/** The lifecycle part of a ticket: what the pure rules read and write. */
export interface TicketLifecycle {
  readonly state: TicketState;
  readonly priority: TicketPriority;
  /** User id, or undefined when unassigned. */
  readonly assigneeId?: number;
  /** First opening. */
  readonly openedAtMs: number;
  /** Last reopening, if any: the current cycle starts here (time to acknowledge / resolve count from it). */
  readonly reopenedAtMs?: number;
  readonly reopenCount: number;
  readonly acknowledgedAtMs?: number;
  readonly resolvedAtMs?: number;
  /** Resolved by the system because every alert of the group resolved (as opposed to a person). */
  readonly autoResolved: boolean;
  readonly closedAtMs?: number;
  /** Milliseconds from the start of the current cycle to its acknowledgement. */
  readonly timeToAcknowledgeMs?: number;
  /** Milliseconds from the start of the current cycle to its resolution. */
  readonly timeToResolveMs?: number;
}

/** A ticket as stored and served. */
export interface Ticket extends TicketLifecycle {
  readonly id: number;
  readonly groupKey: string;
  readonly receiver: string;
  readonly groupLabels: ReadonlyMap<string, string>;
  /** The experiments of the group's alerts (ids), ascending: a SCIENTIST sees the ticket only when associated with every one. */
  readonly experimentIds: readonly number[];
  /** Codes of `experimentIds`, same order. */
  readonly experiments: readonly string[];
  /** Some alert of the group belonged to no experiment: ADMIN only. */
  readonly unscoped: boolean;
  /** The group's alerts as its last notification gave them. */
  readonly alerts: readonly TicketAlert[];
  /** Whether this is the group's current ticket (a re-fire after the window opens a new one and supersedes this). */
  readonly current: boolean;
  readonly updatedAtMs: number;
}

export interface TicketComment {
  readonly id: number;
  readonly ticketId: number;
  readonly authorId: number;
  readonly body: string;
  readonly atMs: number;
}

export interface TicketEventRecord {
  readonly id: number;
  readonly ticketId: number;
  readonly kind: TicketEventKind;
  /** User id, or undefined for the system. */
  readonly actorId?: number;
  readonly atMs: number;
  /** Small facts: from/to states, priority, assignee, comment id. Names are ours (a Map would be overkill). */
  readonly detail: Readonly<Record<string, string | number | boolean | null>>;
}
