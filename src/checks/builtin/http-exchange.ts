import http from 'node:http';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { openConnection, type PeerTls, type TlsTarget } from './connection';
import { since } from './bounded-run';

/** One HTTP request as a check makes it. */
export interface HttpRequestSpec {
  /** Already resolved (`{address}` replaced), without user info. */
  readonly url: URL;
  readonly method: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body?: string;
  /** Refuse (before sending anything) a TLS peer whose chain or name does not verify. */
  readonly verifyTls: boolean;
  readonly trust?: SecureContext;
  /** Bytes of the body read at most; the rest is not downloaded. */
  readonly maxBodyBytes: number;
}

export interface HttpExchange {
  readonly status: number;
  /** The body as UTF-8, at most maxBodyBytes of it. */
  readonly body: string;
  readonly truncated: boolean;
  /** From the start of the connection to the end of the body (or of what was read of it). */
  readonly latencyMs: number;
  readonly tls?: PeerTls;
}

/** The server's TLS certificate did not verify and verifyTls is on: nothing was sent. */
export class TlsRefused extends Error {
  constructor(readonly peer: PeerTls) {
    super(`TLS certificate not accepted: ${peer.authorizationError ?? 'unverified'}`);
    this.name = 'TlsRefused';
  }
}

const DEFAULT_PORTS = new Map([
  ['http:', 80],
  ['https:', 443],
]);
const USER_AGENT = 'MyMONIT-check/1';

/**
 * Makes one request on a fresh connection (no pooling: each run measures a connection of its own) and
 * reads the body up to the limit. Rejects with TlsRefused, the connection's or the parser's error, or on
 * abort with the signal's reason.
 */
export async function httpExchange(spec: HttpRequestSpec, signal: AbortSignal): Promise<HttpExchange> {
  const start = performance.now();
  const { url } = spec;
  const https = url.protocol === 'https:';
  const port = url.port === '' ? (DEFAULT_PORTS.get(url.protocol) ?? 80) : Number(url.port);
  const tlsTarget: TlsTarget | undefined = https ? { ...(spec.trust ? { trust: spec.trust } : {}) } : undefined;
  const connection = await openConnection(url.hostname, port, tlsTarget, signal);
  const { socket } = connection;
  try {
    if (connection.tls && spec.verifyTls && !connection.tls.authorized) throw new TlsRefused(connection.tls);
    const { status, body, truncated } = await request(spec, socket, signal);
    return { status, body, truncated, latencyMs: since(start), ...(connection.tls ? { tls: connection.tls } : {}) };
  } finally {
    socket.destroy();
  }
}

function request(spec: HttpRequestSpec, socket: Socket, signal: AbortSignal): Promise<{ status: number; body: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const { url } = spec;
    const req = http.request({ method: spec.method, path: `${url.pathname}${url.search}`, createConnection: () => socket, signal, setHost: false });
    req.setHeader('Host', url.host);
    req.setHeader('User-Agent', USER_AGENT);
    for (const [name, value] of spec.headers) req.setHeader(name, value);
    req.on('error', reject);
    req.once('response', (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let truncated = false;
      const finish = () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), truncated });
      response.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = spec.maxBodyBytes - bytes;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          bytes += room;
          truncated = true;
          // Enough read: the rest is not downloaded (the connection is dropped).
          finish();
          return;
        }
        chunks.push(chunk);
        bytes += chunk.length;
      });
      response.once('end', finish);
      response.on('error', reject);
      response.once('aborted', () => reject(new Error('the response was cut off')));
    });
    req.end(spec.body);
  });
}
