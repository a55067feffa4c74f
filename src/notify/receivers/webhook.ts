import type { NotifyAlert } from '../alert';
import type { WebhookConfig } from '../config/model';
import { goJsonString, goJsonStringMap, goRfc3339Nano } from '../template/go-format';
import { templateData, type TemplateAlert } from '../template/data';
import { type Integration, type Notification, PermanentSendError, RetryableSendError, type SendOutcome } from './receiver';

/** What the webhook's User-Agent says: the protocol it speaks, and who speaks it. */
export const WEBHOOK_USER_AGENT = 'Alertmanager/0.25.0 (MyMONIT)';

/** Alertmanager's truncateAlerts: the first `maxAlerts` alerts (0: all) and how many were left out. */
export function truncateAlerts(maxAlerts: number, alerts: readonly NotifyAlert[]): { alerts: readonly NotifyAlert[]; truncated: number } {
  if (maxAlerts > 0 && alerts.length > maxAlerts) return { alerts: alerts.slice(0, maxAlerts), truncated: alerts.length - maxAlerts };
  return { alerts, truncated: 0 };
}

function alertJson(alert: TemplateAlert): string {
  return (
    `{"status":${goJsonString(alert.status)},"labels":${goJsonStringMap(alert.labels)},` +
    `"annotations":${goJsonStringMap(alert.annotations)},"startsAt":${goJsonString(goRfc3339Nano(alert.startsAtMs))},` +
    `"endsAt":${goJsonString(goRfc3339Nano(alert.endsAtMs))},"generatorURL":${goJsonString(alert.generatorURL)},` +
    `"fingerprint":${goJsonString(alert.fingerprint)}}`
  );
}

/**
 * The body Alertmanager 0.25's webhook notifier posts (notify/webhook Message, version "4"), byte for byte:
 * template.Data's fields in their order, then version, groupKey and truncatedAlerts, as Go's json.Encoder
 * writes them (map keys sorted, `<>&` escaped, a final newline).
 */
export function webhookPayload(config: Pick<WebhookConfig, 'maxAlerts'>, notification: Notification): string {
  const { alerts, truncated } = truncateAlerts(config.maxAlerts, notification.alerts);
  const data = templateData({ ...notification, alerts });
  return (
    `{"receiver":${goJsonString(data.receiver)},"status":${goJsonString(data.status)},` +
    `"alerts":[${data.alerts.map(alertJson).join(',')}],` +
    `"groupLabels":${goJsonStringMap(data.groupLabels)},"commonLabels":${goJsonStringMap(data.commonLabels)},` +
    `"commonAnnotations":${goJsonStringMap(data.commonAnnotations)},"externalURL":${goJsonString(data.externalURL)},` +
    `"version":"4","groupKey":${goJsonString(notification.groupKey)},"truncatedAlerts":${truncated}}\n`
  );
}

/**
 * Alertmanager's notify.Retrier for webhooks: 2xx is success, 5xx (and 429, which MyMONIT also retries)
 * worth another try, any other status final. The URL is not in the message: it may hold a secret.
 */
export function checkStatus(status: number): SendOutcome {
  if (status >= 200 && status < 300) return { detail: `HTTP ${status}` };
  const message = `unexpected status code ${status}`;
  if ((status >= 500 && status < 600) || status === 429) throw new RetryableSendError(message);
  throw new PermanentSendError(message);
}

/** The request target without user info (fetch refuses it), and the Basic credentials it carried. */
function target(url: string): { url: string; basic?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  const basic = Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64');
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), basic };
}

/** The cause of a failed fetch, without the URL. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.name : 'unknown error';
}

/** Posts Alertmanager's webhook payload version 4 (`webhook_configs`). */
export class WebhookIntegration implements Integration<WebhookConfig> {
  readonly kind = 'webhook' as const;

  async send(config: WebhookConfig, notification: Notification, signal: AbortSignal): Promise<SendOutcome> {
    const body = webhookPayload(config, notification);
    const { url, basic } = target(config.url);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': WEBHOOK_USER_AGENT };
    if (config.authorization) headers.Authorization = `${config.authorization.type} ${config.authorization.credentials}`;
    else if (basic !== undefined) headers.Authorization = `Basic ${basic}`;
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'follow' });
    } catch (error) {
      if (signal.aborted) throw new RetryableSendError('webhook request aborted (timeout or shutdown)');
      throw new RetryableSendError(`webhook request failed: ${networkCause(error)}`);
    }
    // Drained, so the connection can be reused (Alertmanager's notify.Drain).
    await response.arrayBuffer().catch(() => undefined);
    return checkStatus(response.status);
  }
}
