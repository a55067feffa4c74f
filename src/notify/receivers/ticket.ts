import type { TicketConfig } from '../config/model';
import { type Integration, type Notification, PermanentSendError, type SendOutcome, type TicketSink } from './receiver';

/**
 * The ticket integration (MyMONIT's `ticket_configs`): the group's notification opens, updates, reopens or
 * resolves its ticket through the TicketSink port (the ticket service). A process without the ticket
 * service refuses permanently: retrying would not make one appear.
 */
export class TicketIntegration implements Integration<TicketConfig> {
  readonly kind = 'ticket' as const;

  constructor(private readonly sink: TicketSink | undefined) {}

  async send(config: TicketConfig, notification: Notification, signal: AbortSignal): Promise<SendOutcome> {
    if (this.sink === undefined) throw new PermanentSendError('no ticket service is bound in this process');
    signal.throwIfAborted();
    const { ticketId, event } = await this.sink.fromNotification(config, notification);
    return { detail: `ticket ${ticketId} ${event}` };
  }
}
