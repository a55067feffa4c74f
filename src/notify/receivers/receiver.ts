import type { LabelSet, NotifyAlert } from '../alert';
import type { AmqpStreamConfig, EmailConfig, TicketConfig, WebhookConfig } from '../config/model';

/**
 * What one flush of an aggregation group hands to one integration of a receiver (Alertmanager's
 * notify.Notifier input: the group's alerts and its key). The pipeline has already dropped silenced and
 * inhibited alerts and, when the integration does not send_resolved, the resolved ones.
 */
export interface Notification {
  readonly receiver: string;
  /** Alertmanager's group key: `{route matchers path}:{group labels}` (dispatch.aggrGroup.GroupKey()). */
  readonly groupKey: string;
  readonly groupLabels: LabelSet;
  readonly alerts: readonly NotifyAlert[];
  /** The flush time: an alert is resolved if endsAt <= this. */
  readonly nowMs: number;
  /** MyMONIT's external URL (webhook `externalURL`, links in emails). */
  readonly externalURL: string;
  /** Template definitions of the configuration in force (config `templates:`). */
  readonly templates: readonly { readonly path: string; readonly text: string }[];
}

/** A failure worth retrying (network, 5xx, 429, SMTP 4xx): the pipeline backs off and tries again. */
export class RetryableSendError extends Error {
  override readonly name = 'RetryableSendError';
}

/** A failure no retry fixes (4xx, bad address, template error): recorded, not retried. */
export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';
}

/** What a successful send reports (stored with the attempt): an HTTP status, an SMTP response, a ticket id. */
export interface SendOutcome {
  readonly detail: string;
}

/**
 * One kind of integration (webhook, email, amqp, ticket). One file per kind in this folder; the pipeline
 * holds them by kind. `send` throws RetryableSendError / PermanentSendError (anything else counts as
 * retryable) and honours `signal` (the attempt's timeout, shutdown).
 */
export interface Integration<C> {
  readonly kind: IntegrationKind;
  send(config: C, notification: Notification, signal: AbortSignal): Promise<SendOutcome>;
}

export type IntegrationKind = 'webhook' | 'email' | 'amqp' | 'ticket';

export interface IntegrationConfigs {
  webhook: WebhookConfig;
  email: EmailConfig;
  amqp: AmqpStreamConfig;
  ticket: TicketConfig;
}

/**
 * The port the ticket integration writes through (implemented by the ticket service): open or update the
 * group's ticket from a notification; returns the ticket id.
 */
export interface TicketSink {
  fromNotification(config: TicketConfig, notification: Notification): Promise<{ ticketId: number; event: string }>;
}

/**
 * The port the AMQP stream publishes through (implemented over amqplib with confirms): resolves once the
 * broker confirmed.
 */
export interface EventPublisher {
  publish(target: AmqpStreamConfig, routingKey: string, body: Buffer): Promise<void>;
}
