import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fingerprint } from '../../../../src/alerting/state/alert-labels';
import type { NotifyAlert } from '../../../../src/notify/alert';
import type { WebhookConfig } from '../../../../src/notify/config/model';
import { PermanentSendError, RetryableSendError, type Notification } from '../../../../src/notify/receivers/receiver';
import { checkStatus, truncateAlerts, WebhookIntegration, webhookPayload } from '../../../../src/notify/receivers/webhook';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

function alert(labels: Record<string, string>, annotations: Record<string, string>, startsAt: string, endsAt: string | undefined, generatorURL: string): NotifyAlert {
  const set = new Map(Object.entries(labels));
  return {
    fingerprint: fingerprint(set),
    labels: set,
    annotations: new Map(Object.entries(annotations)),
    startsAtMs: Date.parse(startsAt),
    endsAtMs: endsAt === undefined ? Date.parse('2026-12-03T16:20:00Z') : Date.parse(endsAt),
    endsAtGiven: endsAt !== undefined,
    updatedAtMs: Date.parse('2026-12-03T16:15:00Z'),
    generatorURL,
    origin: 'api',
  };
}

// The alerts posted to Debian's Alertmanager 0.25 to record the fixtures (its webhook bodies, verbatim).
const a = alert(
  { alertname: 'Disk<Full>', instance: 'a&b', severity: 'critical', zz: 'é\u2028x\u0008' },
  { summary: 'disk "full" <now>', desc: 'tab\there' },
  '2026-12-03T10:00:00.120Z',
  undefined,
  'http://prom/graph?g0.expr=up&x=<1>',
);
const c = alert({ alertname: 'Disk<Full>', instance: 'c', severity: 'critical' }, { summary: 'other' }, '2026-12-03T10:00:01Z', '2026-12-03T10:00:02.5Z', '');
const d = alert({ alertname: 'Disk<Full>', instance: 'd', severity: 'critical' }, { summary: 'other' }, '2026-12-03T10:00:01.001Z', undefined, '');

function notification(alerts: NotifyAlert[]): Notification {
  return {
    receiver: 'my.hook',
    groupKey: '{}:{alertname="Disk<Full>"}',
    groupLabels: new Map([['alertname', 'Disk<Full>']]),
    alerts,
    nowMs: Date.parse('2026-12-03T16:15:00Z'),
    externalURL: 'http://am.example:9093/am',
    templates: [],
  };
}

const config: WebhookConfig = { sendResolved: true, url: 'http://127.0.0.1:1/', maxAlerts: 2 };

describe('webhook payload version 4', () => {
  it('is byte for byte what Alertmanager 0.25 posts (max_alerts truncation, escaping, zero endsAt, quoted receiver)', () => {
    expect(webhookPayload(config, notification([a, c, d]))).toBe(fixture('alertmanager-0.25-webhook-firing.json'));
  });

  it('is byte for byte what Alertmanager 0.25 posts when the group resolved', () => {
    const resolvedA = { ...a, endsAtMs: Date.parse('2026-12-03T10:05:00Z') };
    const resolvedD = { ...d, endsAtMs: Date.parse('2026-12-03T10:06:00.010Z') };
    expect(webhookPayload(config, notification([resolvedA, resolvedD]))).toBe(fixture('alertmanager-0.25-webhook-resolved.json'));
  });

  it('keeps the field names and order of notify/webhook Message', () => {
    const parsed = JSON.parse(webhookPayload({ maxAlerts: 0 }, notification([a]))) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'receiver', 'status', 'alerts', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'version', 'groupKey', 'truncatedAlerts',
    ]);
    expect(Object.keys((parsed.alerts as object[])[0]!)).toEqual(['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']);
  });

  it('truncates like truncateAlerts: 0 keeps all', () => {
    expect(truncateAlerts(0, [a, c, d]).truncated).toBe(0);
    expect(truncateAlerts(3, [a, c, d]).truncated).toBe(0);
    expect(truncateAlerts(1, [a, c, d])).toEqual({ alerts: [a], truncated: 2 });
  });
});

describe('webhook status handling (Alertmanager Retrier)', () => {
  it.each([200, 201, 204, 299])('%i is success', (status) => expect(checkStatus(status).detail).toBe(`HTTP ${status}`));
  it.each([500, 502, 503, 599, 429])('%i is retryable', (status) => expect(() => checkStatus(status)).toThrow(RetryableSendError));
  it.each([400, 401, 403, 404, 410, 301, 100])('%i is permanent', (status) => expect(() => checkStatus(status)).toThrow(PermanentSendError));
});

describe('WebhookIntegration.send', () => {
  let server: http.Server;
  let url: string;
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let status = 200;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = status;
        res.end('x');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  it('posts the payload as JSON with the bearer credentials of http_config.authorization', async () => {
    const outcome = await new WebhookIntegration().send(
      { ...config, url, authorization: { type: 'Bearer', credentials: 's3cret' } },
      notification([a, c, d]),
      new AbortController().signal,
    );
    expect(outcome.detail).toBe('HTTP 200');
    expect(received).toHaveLength(1);
    expect(received[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.body).toBe(fixture('alertmanager-0.25-webhook-firing.json'));
  });

  it('sends user info of the URL as Basic credentials', async () => {
    await new WebhookIntegration().send({ ...config, url: url.replace('http://', 'http://u%40x:p@') }, notification([a]), new AbortController().signal);
    expect(received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('u@x:p').toString('base64')}`);
  });

  it('a 503 is retryable and a 400 permanent, without the URL in the message', async () => {
    status = 503;
    const retry = new WebhookIntegration().send({ ...config, url }, notification([a]), new AbortController().signal);
    await expect(retry).rejects.toThrow(new RetryableSendError('unexpected status code 503'));
    status = 400;
    const permanent = new WebhookIntegration().send({ ...config, url }, notification([a]), new AbortController().signal);
    await expect(permanent).rejects.toThrow(new PermanentSendError('unexpected status code 400'));
  });

  it('a refused connection is retryable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await new WebhookIntegration().send({ ...config, url: `http://127.0.0.1:${port}/` }, notification([a]), new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableSendError);
    expect((error as Error).message).not.toContain(String(port));
  });
});
