import type { AlertmanagerConfig, ReceiverConfig } from '../../notify/config/model';
import type { Notification } from '../../notify/receivers/receiver';

/** The configuration in force in this process: the newest stored version, applied within seconds everywhere. */
export interface NotifyConfigProvider {
  current(): AlertmanagerConfig;
  version(): number;
  /** Called after a new version is applied (the dispatcher re-routes its groups). */
  onChange(listener: (config: AlertmanagerConfig) => void): void;
}

/** Outcome of delivering one notification to every integration of a receiver. */
export interface DeliveryResult {
  /** Integrations (kind, index) that confirmed; the others failed permanently or ran out of retries. */
  readonly delivered: ReadonlyArray<{ readonly kind: string; readonly index: number }>;
  readonly failed: ReadonlyArray<{ readonly kind: string; readonly index: number; readonly error: string }>;
}

/**
 * Sends a notification to every integration of a receiver with retries and backoff (until `deadlineMs`,
 * Alertmanager gives up at the next group_interval), recording every attempt (NotificationAttemptStore)
 * and counting it in /metrics. Implemented in src/services/notify/delivery-service.ts.
 */
export interface DeliveryService {
  deliver(receiver: ReceiverConfig, notification: Notification, deadlineMs: number, signal: AbortSignal): Promise<DeliveryResult>;
}
