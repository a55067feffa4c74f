import net from 'node:net';
import { sleep } from './backoff';

/**
 * Waiting out a reconnect backoff without missing the broker's return: an exponential backoff grows to
 * tens of seconds during an outage, so a client would stay away that long after the broker is back. While
 * the broker's port refused connections, a cheap TCP probe every second ends the wait as soon as it
 * accepts one. Shared by the SDK and the platform's consumer.
 */

/** How often the port is probed while waiting. */
export const PROBE_INTERVAL_MS = 1000;

/** Failures that mean nothing listened at the address: the ones whose end a TCP probe can see. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

export function isUnreachable(error: unknown): boolean {
  // Not `instanceof Error`: errors made by another realm (a vm context, jest's sandbox) are not.
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/** Host and port of an amqp:// or amqps:// URL (defaults 5672 and 5671). */
export function brokerAddress(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  return { host, port: Number(parsed.port || (parsed.protocol === 'amqps:' ? 5671 : 5672)) };
}

/** True when a TCP connection to host:port opens within timeoutMs; the connection is closed at once. */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits delayMs, or less: when `probe` is given, it is called every PROBE_INTERVAL_MS and a true answer
 * ends the wait. Resolves false when the signal aborted, true otherwise.
 */
export async function waitOrProbe(delayMs: number, signal: AbortSignal, probe?: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + delayMs;
  for (;;) {
    const remaining = deadline - Date.now();
    if (signal.aborted) return false;
    if (remaining <= 0) return true;
    if (!(await sleep(probe ? Math.min(PROBE_INTERVAL_MS, remaining) : remaining, signal))) return false;
    if (probe && Date.now() < deadline && (await probe())) return !signal.aborted;
  }
}
