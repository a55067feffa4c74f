import { inject, injectable } from 'inversify';
import { TYPES } from '../../identifiers';
import type { TicketEvent, TicketEventListener } from '../../tickets/events';
import type { NotifyConfigProvider } from './ports';
import { TicketEventStream } from './ticket-event-stream';

/**
 * The ticket service's event port, wired to the receivers: each ticket event goes to the AMQP streams
 * (`amqp_configs`) of the receiver that made the ticket, in the configuration in force, as `ticket.<kind>`.
 * Returns at once; the stream logs and counts its own failures (the ticket change already stands).
 */
@injectable()
export class TicketEventRelay implements TicketEventListener {
  constructor(
    @inject(TYPES.NotifyConfigProvider) private readonly config: NotifyConfigProvider,
    @inject(TicketEventStream) private readonly stream: TicketEventStream,
  ) {}

  ticketEvent(event: TicketEvent): void {
    const receiver = this.config.current().receivers.get(event.ticket.receiver);
    if (receiver === undefined || receiver.amqp.length === 0) return;
    void this.stream.publish(receiver, event.kind, ticketEventDocument(event)).catch(() => undefined);
  }
}

/** The event's JSON: label sets as objects built without a prototype (names are user-chosen). */
export function ticketEventDocument(event: TicketEvent): unknown {
  const { ticket } = event;
  return {
    event: event.kind,
    at: new Date(event.atMs).toISOString(),
    actorId: event.actorId ?? null,
    detail: event.detail,
    ticket: {
      id: ticket.id,
      groupKey: ticket.groupKey,
      receiver: ticket.receiver,
      groupLabels: labelObject(ticket.groupLabels),
      state: ticket.state,
      priority: ticket.priority,
      assigneeId: ticket.assigneeId ?? null,
      experiments: ticket.experiments,
      openedAt: new Date(ticket.openedAtMs).toISOString(),
      reopenCount: ticket.reopenCount,
      timeToAcknowledgeMs: ticket.timeToAcknowledgeMs ?? null,
      timeToResolveMs: ticket.timeToResolveMs ?? null,
      alerts: ticket.alerts.map((alert) => ({ fingerprint: alert.fingerprint, status: alert.status, labels: labelObject(alert.labels) })),
    },
  };
}

function labelObject(labels: ReadonlyMap<string, string>): Record<string, string> {
  const object = Object.create(null) as Record<string, string>;
  for (const [name, value] of labels) object[name] = value;
  return object;
}
