import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from './eventually';

/** One webhook POST as received: when (this process's clock, ms), on which path, with which headers and body. */
export interface RecordedWebhook {
  receivedAt: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (Alertmanager's webhook payload version 4 when the sender is an Alertmanager). */
  body: WebhookPayload;
  raw: string;
}

/** Alertmanager's webhook payload (notify/webhook, version "4"); the fields the tests read. */
export interface WebhookPayload {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}

export interface WebhookRecorder {
  /** e.g. http://127.0.0.1:PORT; receivers post to `${url}/any/path`. */
  url: string;
  /** Everything received so far, in arrival order (optionally only one path). */
  received(path?: string): RecordedWebhook[];
  /** Waits until `condition` holds over what arrived on `path` (all paths when omitted); fails naming `what`. */
  waitFor(what: string, condition: (hooks: RecordedWebhook[]) => boolean, options?: { path?: string; timeoutMs?: number }): Promise<RecordedWebhook[]>;
  /** Makes the next `count` POSTs on `path` answer `status` (to exercise a sender's retries). */
  failNext(path: string, count: number, status?: number): void;
  clear(): void;
  stop(): Promise<void>;
}

/**
 * An HTTP server on a free loopback port that records every POST (time received, path, parsed JSON) and
 * answers 200, the way a webhook receiver does. A body that is not JSON is recorded with `body` null and
 * answered 400, so a sender's bug shows up in the test instead of vanishing.
 */
export async function startWebhookRecorder(): Promise<WebhookRecorder> {
  const hooks: RecordedWebhook[] = [];
  const failures = new Map<string, { count: number; status: number }>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = Date.now();
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      if (request.method !== 'POST') {
        response.writeHead(405).end();
        return;
      }
      const failure = failures.get(path);
      if (failure && failure.count > 0) {
        failure.count -= 1;
        response.writeHead(failure.status).end('failing on purpose');
        return;
      }
      let body: WebhookPayload | null = null;
      try {
        body = JSON.parse(raw) as WebhookPayload;
      } catch {
        // recorded as null below
      }
      hooks.push({ receivedAt, path, headers: request.headers, body: body as WebhookPayload, raw });
      response.writeHead(body === null ? 400 : 200, { 'content-type': 'text/plain' }).end(body === null ? 'not JSON' : 'ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const received = (path?: string) => (path === undefined ? [...hooks] : hooks.filter((hook) => hook.path === path));
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async waitFor(what, condition, options = {}) {
      return eventually(() => received(options.path), condition, { what, timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 20 });
    },
    failNext(path, count, status = 503) {
      failures.set(path, { count, status });
    },
    clear() {
      hooks.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
