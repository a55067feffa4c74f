import { inject, injectable } from 'inversify';
import type { ReceiverConfig } from '../../notify/config/model';
import { ticketRoutingKey } from '../../notify/receivers/amqp';
import type { EventPublisher } from '../../notify/receivers/receiver';
import { TYPES } from '../../identifiers';
import type { Logger } from '../../logging/logger';
import { NotifyMetrics } from '../../metrics/notify-metrics';

/**
 * TicketEventStream sends ticket events (opened, acknowledged, assigned, commented, resolved, closed,
 * reopened...) to the AMQP streams (`amqp_configs`) of the receiver whose `ticket_configs` made the ticket,
 * under `ticket.<event>`, with publisher confirms. The ticket service's event listener calls it with the
 * receiver in force; a stream that fails is logged and counted, and the ticket change stands.
 */
@injectable()
export class TicketEventStream {
  constructor(
    @inject(TYPES.EventPublisher) private readonly publisher: EventPublisher,
    @inject(NotifyMetrics) private readonly metrics: NotifyMetrics,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  /** Resolves when every stream confirmed or failed; returns how many confirmed. */
  async publish(receiver: ReceiverConfig, event: string, document: unknown): Promise<number> {
    const body = Buffer.from(JSON.stringify(document), 'utf8');
    const results = await Promise.allSettled(receiver.amqp.map((stream) => this.publisher.publish(stream, ticketRoutingKey(event), body)));
    results.forEach((result, index) => {
      const outcome = result.status === 'fulfilled' ? 'sent' : 'failed';
      this.metrics.attempts.inc({ receiver: receiver.name, integration: 'amqp', outcome });
      if (result.status === 'rejected') {
        const error = result.reason instanceof Error ? result.reason.message : String(result.reason);
        this.logger.warn('ticket event not published', { receiver: receiver.name, index, event, error });
      }
    });
    return results.filter((r) => r.status === 'fulfilled').length;
  }
}
