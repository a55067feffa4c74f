import type { LabelSet } from '../notify/alert';
import type {
  Ticket,
  TicketAlert,
  TicketComment,
  TicketEventRecord,
  TicketLifecycle,
  TicketPriority,
  TicketState,
} from '../tickets/ticket';
import type { ExperimentScope } from './notify-stores';

/**
 * The tickets' storage contract (issue 13, point 5), implemented over MySQL in mysql-ticket-store.ts and
 * bound in src/container.ts. Every write joins the ambient transaction (Transactor.inTransaction).
 */

/** What a notification contributes to its group's ticket. */
export interface TicketSnapshot {
  readonly alerts: readonly TicketAlert[];
  /** Added to the ticket's experiments (the union over its notifications). */
  readonly experimentIds: readonly number[];
  /** Once a ticket held an alert of no experiment it stays ADMIN only. */
  readonly unscoped: boolean;
}

export interface NewTicket extends TicketSnapshot {
  readonly groupKey: string;
  readonly receiver: string;
  readonly groupLabels: LabelSet;
  readonly lifecycle: TicketLifecycle;
  readonly nowMs: number;
}

export interface TicketQuery {
  readonly scope: ExperimentScope;
  readonly state?: TicketState;
  readonly priority?: TicketPriority;
  readonly assigneeId?: number;
  readonly experimentId?: number;
  /** Newest first: ids below this one. */
  readonly beforeId?: number;
  readonly limit: number;
}

export interface TicketStore {
  /** The group's current ticket, locked (FOR UPDATE) until the ambient transaction ends. */
  currentForGroup(groupKey: string): Promise<Ticket | undefined>;
  /**
   * Stores a new ticket as its group's current one. ConflictError when the group has a current ticket
   * already (another instance opened it meanwhile): the caller retries and finds it.
   */
  insertCurrent(ticket: NewTicket): Promise<Ticket>;
  /** The ticket stops being its group's current one (a newer ticket replaces it). */
  supersede(id: number): Promise<void>;
  /** Writes the lifecycle and, when given, the snapshot of the last notification. */
  update(id: number, lifecycle: TicketLifecycle, snapshot: TicketSnapshot | undefined, nowMs: number): Promise<Ticket>;
  get(id: number): Promise<Ticket | undefined>;
  /** The ticket, locked (FOR UPDATE) until the ambient transaction ends. */
  getForUpdate(id: number): Promise<Ticket | undefined>;
  /** Newest first, in scope: a SCIENTIST's scope holds the tickets whose every experiment is theirs. */
  list(query: TicketQuery): Promise<Ticket[]>;
  addComment(comment: Omit<TicketComment, 'id'>): Promise<TicketComment>;
  /** Oldest first. */
  comments(ticketId: number): Promise<TicketComment[]>;
  addEvent(event: Omit<TicketEventRecord, 'id'>): Promise<TicketEventRecord>;
  /** Oldest first. */
  events(ticketId: number): Promise<TicketEventRecord[]>;
}
