import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../lib/http/close-server';

/**
 * A storage endpoint for functional probes (the data lake's upload / download / delete): PUT /objects/<name>
 * stores the body (201), GET returns it (200, 404 when absent), DELETE removes it (204, 404 when absent).
 * `failDownloads` makes every GET answer 503, for a probe failing in its middle step.
 */
export interface RunningObjectStore {
  readonly port: number;
  readonly baseUrl: string;
  readonly objects: Map<string, Buffer>;
  /** Method and path of each request, in order. */
  readonly requests: string[];
  /** The Authorization header of each request ('' when absent). */
  readonly authorizations: string[];
  failDownloads: boolean;
  stop(): Promise<void>;
}

export async function startObjectStore(): Promise<RunningObjectStore> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const authorizations: string[] = [];
  const state = { failDownloads: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://store').pathname;
      requests.push(`${req.method ?? ''} ${path}`);
      authorizations.push(req.headers.authorization ?? '');
      const name = path.startsWith('/objects/') ? decodeURIComponent(path.slice('/objects/'.length)) : '';
      if (name === '') return void res.writeHead(404).end();
      switch (req.method ?? '') {
        case 'PUT':
          objects.set(name, Buffer.concat(chunks));
          return void res.writeHead(201).end();
        case 'GET': {
          if (state.failDownloads) return void res.writeHead(503).end('storage unavailable');
          const body = objects.get(name);
          return void (body === undefined ? res.writeHead(404).end() : res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(body));
        }
        case 'DELETE':
          return void res.writeHead(objects.delete(name) ? 204 : 404).end();
        default:
          return void res.writeHead(405).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    objects,
    requests,
    authorizations,
    get failDownloads() {
      return state.failDownloads;
    },
    set failDownloads(value: boolean) {
      state.failDownloads = value;
    },
    stop: () => closeServer(server, 1000),
  };
}
