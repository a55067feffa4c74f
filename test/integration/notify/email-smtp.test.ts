import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { NotifyAlert } from '../../../src/notify/alert';
import type { EmailConfig } from '../../../src/notify/config/model';
import { EmailIntegration } from '../../../src/notify/receivers/email';
import { type Notification, PermanentSendError, RetryableSendError } from '../../../src/notify/receivers/receiver';
import { selfSignedCertificate } from '../../support/self-signed';

/** A real SMTP server (smtp-server) on loopback: STARTTLS with a throw-away certificate, AUTH required. */
interface Received {
  readonly session: { secure: boolean; user: unknown; from: string; to: string[] };
  readonly raw: string;
}

const USER = 'mymonit';
const PASSWORD = 'pa55-word';
const tls = selfSignedCertificate();

async function startServer(options: Partial<SMTPServerOptions> = {}): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    key: tls.key,
    cert: tls.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    disabledCommands: [],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          session: {
            secure: session.secure,
            user: session.user,
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.server.address() as AddressInfo).port, received };
}

const stop = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));

const now = Date.now();
const alert: NotifyAlert = {
  fingerprint: 'aaaaaaaaaaaaaaaa',
  labels: new Map([['alertname', 'DiskFull'], ['severity', 'critical'], ['instance', 'db1']]),
  annotations: new Map([['summary', 'disk of db1 is full']]),
  startsAtMs: now - 60_000,
  endsAtMs: now + 300_000,
  endsAtGiven: false,
  updatedAtMs: now,
  generatorURL: 'http://prometheus.example/graph',
  origin: 'api',
};
const notification: Notification = {
  receiver: 'ops',
  groupKey: '{}:{alertname="DiskFull"}',
  groupLabels: new Map([['alertname', 'DiskFull']]),
  alerts: [alert],
  nowMs: now,
  externalURL: 'https://mymonit.example',
  templates: [],
};

function config(port: number, overrides: Partial<EmailConfig> = {}): EmailConfig {
  return {
    sendResolved: false,
    to: 'oncall@example.org, second@example.org',
    from: 'mymonit@example.org',
    smarthost: { host: '127.0.0.1', port },
    hello: 'mymonit.test',
    authUsername: USER,
    authPassword: PASSWORD,
    requireTls: true,
    tls: { ca: tls.cert, insecureSkipVerify: false },
    headers: new Map(),
    text: '{{ template "email.default.text" . }}',
    ...overrides,
  };
}

const signal = () => new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

describe('email integration against a real SMTP server (STARTTLS, AUTH)', () => {
  it('upgrades with STARTTLS, authenticates, and delivers the rendered message to every recipient', async () => {
    const { server, port, received } = await startServer();
    try {
      const outcome = await new EmailIntegration().send(config(port), notification, signal());
      expect(outcome.detail).toMatch(/^SMTP 250/);
      expect(outcome.detail).not.toMatch(/@/);
      expect(received).toHaveLength(1);
      const [mail] = received;
      expect(mail!.session).toEqual({ secure: true, user: USER, from: 'mymonit@example.org', to: ['oncall@example.org', 'second@example.org'] });
      expect(mail!.raw).toMatch(/^Subject: \[FIRING:1\] DiskFull \(db1 critical\)\r$/m);
      expect(mail!.raw).toMatch(/^To: oncall@example.org, second@example.org\r$/m);
      expect(mail!.raw).toMatch(/^From: mymonit@example.org\r$/m);
      expect(mail!.raw).toContain('multipart/alternative');
      expect(mail!.raw).toContain(' - summary = disk of db1 is full');
    } finally {
      await stop(server);
    }
  });

  it('a wrong password is a permanent failure that names neither the password nor an address', async () => {
    const { server, port, received } = await startServer();
    try {
      const error = await failure(new EmailIntegration().send(config(port, { authPassword: 'wrong-secret' }), notification, signal()));
      expect(error).toBeInstanceOf(PermanentSendError);
      expect(error.message).toMatch(/535/);
      expect(error.message).not.toContain('wrong-secret');
      expect(error.message).not.toMatch(/@/);
      expect(received).toHaveLength(0);
    } finally {
      await stop(server);
    }
  });

  it('require_tls refuses a server that does not offer STARTTLS, and sends nothing in clear', async () => {
    const { server, port, received } = await startServer({ hideSTARTTLS: true, disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    try {
      const error = await failure(new EmailIntegration().send(config(port), notification, signal()));
      expect(error).toBeInstanceOf(PermanentSendError);
      expect(error.message).toMatch(/STARTTLS|ETLS/);
      expect(received).toHaveLength(0);
    } finally {
      await stop(server);
    }
  });

  it('a certificate nobody trusts fails the send', async () => {
    const { server, port, received } = await startServer();
    try {
      const untrusted: EmailConfig = { ...config(port), tls: { insecureSkipVerify: false } };
      const error = await failure(new EmailIntegration().send(untrusted, notification, signal()));
      expect(error).toBeInstanceOf(RetryableSendError);
      expect(received).toHaveLength(0);
    } finally {
      await stop(server);
    }
  });

  it('a 4xx reply to RCPT is retryable, a 5xx permanent; the rejected address is not in the message', async () => {
    let reply = 451;
    const { server, port } = await startServer({
      onRcptTo(address, _session, callback) {
        callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: reply }));
      },
    });
    try {
      const retry = await failure(new EmailIntegration().send(config(port), notification, signal()));
      expect(retry).toBeInstanceOf(RetryableSendError);
      reply = 550;
      const permanent = await failure(new EmailIntegration().send(config(port), notification, signal()));
      expect(permanent).toBeInstanceOf(PermanentSendError);
      for (const error of [retry, permanent]) expect(error.message).not.toMatch(/example\.org|@/);
    } finally {
      await stop(server);
    }
  });

  it('a template error is permanent and nothing is sent', async () => {
    const { server, port, received } = await startServer();
    try {
      const error = await failure(new EmailIntegration().send(config(port, { headers: new Map([['Subject', '{{ nosuch }}']]) }), notification, signal()));
      expect(error).toBeInstanceOf(PermanentSendError);
      expect(error.message).toMatch(/function "nosuch" not defined/);
      expect(received).toHaveLength(0);
    } finally {
      await stop(server);
    }
  });
});
