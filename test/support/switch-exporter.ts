import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scrape target the test controls: GET /metrics answers `e2e_switch{...} <value>` in Prometheus's text
 * format, and `set(value)` flips it. `scrapes()` counts the scrapes, so a test can wait for Prometheus
 * to have seen a new value instead of sleeping.
 */
export interface SwitchExporter {
  /** host:port, for a static_configs target. */
  target: string;
  set(value: number): void;
  scrapes(): number;
  stop(): Promise<void>;
}

export async function startSwitchExporter(metric = 'e2e_switch'): Promise<SwitchExporter> {
  let value = 0;
  let scrapes = 0;
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith('/metrics')) {
      scrapes += 1;
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# TYPE ${metric} gauge\n${metric} ${value}\n`);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    set: (next) => {
      value = next;
    },
    scrapes: () => scrapes,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
