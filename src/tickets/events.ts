import type { Ticket, TicketEventKind } from './ticket';

/** A ticket event as it leaves MyMONIT (the AMQP stream publishes it as `ticket.<kind>`). */
export interface TicketEvent {
  readonly kind: TicketEventKind;
  /** The ticket after the change. */
  readonly ticket: Ticket;
  /** User id, or undefined when the system did it (the notification pipeline). */
  readonly actorId?: number;
  readonly atMs: number;
  readonly detail: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * The port ticket events go out through (issue 13: "ticket events go to the receivers too"). The ticket
 * service calls it once the change has committed, never inside the transaction, in commit order per
 * process. It must return at once (queue the work) and never throw: a listener's failure must not undo a
 * change that is already stored. Bound to NO_TICKET_EVENTS unless a receiver (the AMQP stream) binds one.
 */
export interface TicketEventListener {
  ticketEvent(event: TicketEvent): void;
}

export const NO_TICKET_EVENTS: TicketEventListener = { ticketEvent: () => undefined };
