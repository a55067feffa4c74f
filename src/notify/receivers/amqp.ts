import { createHash } from 'node:crypto';
import type { AmqpStreamConfig } from '../config/model';
import { webhookPayload } from './webhook';
import { type EventPublisher, type Integration, type Notification, RetryableSendError, type SendOutcome } from './receiver';

/** Routing key of a notification's event: `alert.firing` or `alert.resolved` (the group's status). */
export function alertRoutingKey(notification: Notification): string {
  return notification.alerts.some((a) => a.endsAtMs > notification.nowMs) ? 'alert.firing' : 'alert.resolved';
}

/** Routing key of a ticket event: `ticket.<event>` (opened, acknowledged, resolved, closed, reopened, ...). */
export function ticketRoutingKey(event: string): string {
  return `ticket.${event.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * The AMQP event stream (MyMONIT's `amqp_configs`): each notification is published, with publisher
 * confirms, to the configured topic exchange under `alert.firing` / `alert.resolved`, its body the
 * Alertmanager webhook message (version 4, all alerts) that consumers of webhooks already read. Ticket
 * events go to the same exchanges through `publishTicketEvent` under `ticket.<event>`.
 */
export class AmqpIntegration implements Integration<AmqpStreamConfig> {
  readonly kind = 'amqp' as const;

  constructor(private readonly publisher: EventPublisher) {}

  async send(config: AmqpStreamConfig, notification: Notification, signal: AbortSignal): Promise<SendOutcome> {
    signal.throwIfAborted();
    const routingKey = alertRoutingKey(notification);
    const body = Buffer.from(webhookPayload({ maxAlerts: 0 }, notification), 'utf8');
    try {
      await abortable(this.publisher.publish(config, routingKey, body), signal);
    } catch (error) {
      throw new RetryableSendError(`AMQP publish failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const digest = createHash('sha256').update(body).digest('hex').slice(0, 16);
    return { detail: `confirmed ${routingKey} on ${config.exchange} (${digest})` };
  }

  /** Publishes a ticket event (a JSON document of the ticket service) to the stream, confirmed. */
  async publishTicketEvent(config: AmqpStreamConfig, event: string, document: unknown): Promise<void> {
    await this.publisher.publish(config, ticketRoutingKey(event), Buffer.from(JSON.stringify(document), 'utf8'));
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted (timeout or shutdown)'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
