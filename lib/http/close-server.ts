import type { Server } from 'node:http';

/**
 * Stops `server` accepting connections and resolves once in-flight requests are answered: idle keep-alive
 * connections are closed at once, busy ones after `forceAfterMs` at the latest.
 */
export async function closeServer(server: Server, forceAfterMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), forceAfterMs);
  await closed;
  clearTimeout(timer);
}
