import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { EmailConfig } from '../config/model';
import { templateData } from '../template/data';
import { TemplateError, TemplateSet } from '../template/template';
import { type Integration, type Notification, PermanentSendError, RetryableSendError, type SendOutcome } from './receiver';

/** Anything that looks like an e-mail address: never in an error, a detail or a log line. */
const ADDRESS = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+/g;

export function redactAddresses(text: string): string {
  return text.replace(ADDRESS, '<address>');
}

const DEFAULT_HTML = '{{ template "email.default.html" . }}';

/** A header set in the configuration, whatever its case (Go canonicalises header names). */
function header(headers: ReadonlyMap<string, string>, name: string): string | undefined {
  for (const [key, value] of headers) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

interface SmtpFailure {
  code?: unknown;
  responseCode?: unknown;
  message?: unknown;
}

/** Classifies nodemailer's failure: a 5xx reply or a refused STARTTLS is final, the rest worth a retry. */
export function smtpError(error: unknown): RetryableSendError | PermanentSendError {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as SmtpFailure;
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  const reply = typeof failure.responseCode === 'number' ? failure.responseCode : undefined;
  const message = redactAddresses(typeof failure.message === 'string' ? failure.message : String(error));
  const text = `SMTP ${[code, reply].filter((p) => p !== undefined).join(' ')}: ${message}`.replace('SMTP : ', 'SMTP: ');
  if (reply !== undefined && reply >= 500) return new PermanentSendError(text);
  if (reply === undefined && (code === 'ETLS' || code === 'EENVELOPE')) return new PermanentSendError(text);
  return new RetryableSendError(text);
}

/**
 * The email integration (`email_configs`): renders the headers (Subject, To, From defaulted as
 * Alertmanager does) and the html / text bodies with the configuration's templates, and sends the message
 * over SMTP with nodemailer: implicit TLS on port 465; else STARTTLS, required when `require_tls` (the
 * default), not attempted otherwise (as Alertmanager); AUTH with `auth_username` / `auth_password` when
 * the server offers it. Addresses and passwords never appear in what it reports.
 */
export class EmailIntegration implements Integration<EmailConfig> {
  readonly kind = 'email' as const;
  private cached: { sources: Notification['templates']; set: TemplateSet } | undefined;

  constructor(private readonly timeouts: { readonly connectMs: number; readonly socketMs: number } = { connectMs: 10_000, socketMs: 30_000 }) {}

  private templates(sources: Notification['templates']): TemplateSet {
    if (this.cached?.sources !== sources) this.cached = { sources, set: TemplateSet.of(sources) };
    return this.cached.set;
  }

  /** The message as it would be sent (also what the tests check). Throws PermanentSendError on a template error. */
  render(config: EmailConfig, notification: Notification): { from: string; to: string; headers: Map<string, string>; html?: string; text?: string } {
    try {
      const set = this.templates(notification.templates);
      const data = templateData(notification);
      const headers = new Map<string, string>();
      for (const [name, text] of config.headers) headers.set(name, set.executeText(text, data));
      if (header(headers, 'Subject') === undefined) headers.set('Subject', set.executeText('{{ template "email.default.subject" . }}', data));
      const to = set.executeText(config.to, data);
      const from = set.executeText(config.from, data);
      if (header(headers, 'To') === undefined) headers.set('To', to);
      if (header(headers, 'From') === undefined) headers.set('From', from);
      const html = set.executeHtml(config.html ?? DEFAULT_HTML, data);
      const text = config.text === undefined ? '' : set.executeText(config.text, data);
      return { from, to, headers, ...(html ? { html } : {}), ...(text ? { text } : {}) };
    } catch (error) {
      if (error instanceof TemplateError) throw new PermanentSendError(`email template: ${redactAddresses(error.message)}`);
      throw error;
    }
  }

  async send(config: EmailConfig, notification: Notification, signal: AbortSignal): Promise<SendOutcome> {
    const message = this.render(config, notification);
    signal.throwIfAborted();
    const options: SMTPTransport.Options = {
      host: config.smarthost.host,
      port: config.smarthost.port,
      secure: config.smarthost.port === 465,
      requireTLS: config.requireTls,
      ignoreTLS: !config.requireTls && config.smarthost.port !== 465,
      name: config.hello,
      connectionTimeout: this.timeouts.connectMs,
      greetingTimeout: this.timeouts.connectMs,
      socketTimeout: this.timeouts.socketMs,
      logger: false,
      debug: false,
      tls: {
        // SNI takes host names only; an IP smarthost is still verified against the certificate's IP SANs.
        ...(config.tls?.serverName !== undefined ? { servername: config.tls.serverName } : isIP(config.smarthost.host) ? {} : { servername: config.smarthost.host }),
        rejectUnauthorized: !(config.tls?.insecureSkipVerify ?? false),
        ...(config.tls?.ca === undefined ? {} : { ca: config.tls.ca }),
      },
      ...(config.authUsername === undefined ? {} : { auth: { user: config.authUsername, pass: config.authPassword ?? '' } }),
    };
    const transport = nodemailer.createTransport(options);
    const subject = header(message.headers, 'Subject') ?? '';
    const extra: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [name, value] of message.headers) if (!['subject', 'to', 'from'].includes(name.toLowerCase())) extra[name] = value;
    const aborted = new Promise<never>((_resolve, reject) => {
      const onAbort = () => {
        transport.close();
        reject(new RetryableSendError('SMTP: aborted (timeout or shutdown)'));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const info = await Promise.race([
        transport.sendMail({
          from: header(message.headers, 'From'),
          to: header(message.headers, 'To'),
          envelope: { from: message.from, to: message.to },
          subject,
          headers: extra,
          ...(message.html === undefined ? {} : { html: message.html }),
          ...(message.text === undefined ? {} : { text: message.text }),
        }),
        aborted,
      ]);
      return { detail: `SMTP ${redactAddresses(info.response)}` };
    } catch (error) {
      if (error instanceof RetryableSendError || error instanceof PermanentSendError) throw error;
      throw smtpError(error);
    } finally {
      transport.close();
      aborted.catch(() => undefined);
    }
  }
}
