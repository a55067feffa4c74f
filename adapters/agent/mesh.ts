import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MeshPeer, MeshRow } from '../../lib/agent/protocol';

/** Opens a TCP connection to the peer and closes it: the row says whether it opened, and how fast. */
export function probePeer(peer: MeshPeer, timeoutMs: number): Promise<MeshRow> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: peer.address, port: peer.port });
    let settled = false;
    const done = (ok: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      const latencyMs = ok ? Math.round((performance.now() - started) * 1000) / 1000 : null;
      socket.destroy();
      resolve({ host: peer.host, address: peer.address, port: peer.port, ok, latencyMs, ...(error === undefined ? {} : { error: error.slice(0, 500) }) });
    };
    socket.setTimeout(timeoutMs, () => done(false, `no connection within ${timeoutMs} ms`));
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(false, error.code ?? error.message));
  });
}

/** Every peer at once (each bounded by timeoutMs), rows in the peers' order. */
export function probePeers(peers: readonly MeshPeer[], timeoutMs: number): Promise<MeshRow[]> {
  return Promise.all(peers.map((peer) => probePeer(peer, timeoutMs)));
}
