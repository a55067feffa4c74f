import net from 'node:net';
import tls from 'node:tls';
import { certificateFacts, type CertificateFacts } from './certificate';
import { since } from './bounded-run';

/** A TLS connection's options: the name sent (SNI) and verified, the certificates trusted. */
export interface TlsTarget {
  /** Default: the host. */
  readonly serverName?: string;
  /** The certificates trusted, made once (a CA list given per connection is parsed per connection); default: node's roots. */
  readonly trust?: tls.SecureContext;
}

/** What the TLS handshake told of the peer; the chain and name are checked, never refused at this stage. */
export interface PeerTls {
  readonly authorized: boolean;
  /** Why the chain or name does not verify (node's code, e.g. CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID). */
  readonly authorizationError?: string;
  readonly certificate?: CertificateFacts;
}

export interface OpenConnection {
  readonly socket: net.Socket;
  /** TCP connect, and the TLS handshake when there is one. */
  readonly connectMs: number;
  readonly tls?: PeerTls;
}

/** A host as a URL writes it (`[::1]`) in the form sockets take (`::1`). */
export function socketHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `host:port`, an IPv6 literal in brackets. */
export function hostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Connects to host:port (over TLS when `tlsTarget` is given), rejecting with the socket's error or, on abort,
 * the signal's reason. TLS is never refused here (rejectUnauthorized false, node's verification still
 * reported in `tls`): the caller decides, after reading the certificate, and before any byte is sent.
 */
export function openConnection(host: string, port: number, tlsTarget: TlsTarget | undefined, signal: AbortSignal): Promise<OpenConnection> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const start = performance.now();
    const address = socketHost(host);
    const socket = tlsTarget ? tls.connect(tlsOptions(address, port, tlsTarget)) : net.connect({ host: address, port });
    // Errors after the connection is handed over are the new owner's; one arriving in between must not crash.
    socket.on('error', () => undefined);
    const settle = () => signal.removeEventListener('abort', onAbort);
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error) => {
      settle();
      socket.destroy();
      reject(error);
    });
    socket.once(tlsTarget ? 'secureConnect' : 'connect', () => {
      settle();
      const connectMs = since(start);
      if (!(socket instanceof tls.TLSSocket)) {
        resolve({ socket, connectMs });
        return;
      }
      const certificate = certificateFacts(socket.getPeerCertificate(false));
      const authorizationError = socket.authorizationError === undefined ? undefined : String(socket.authorizationError);
      resolve({
        socket,
        connectMs,
        tls: {
          authorized: socket.authorized,
          ...(authorizationError === undefined ? {} : { authorizationError }),
          ...(certificate === undefined ? {} : { certificate }),
        },
      });
    });
  });
}

function tlsOptions(host: string, port: number, target: TlsTarget): tls.ConnectionOptions {
  const serverName = target.serverName ?? host;
  return {
    host,
    port,
    // SNI carries names only; an IP literal is verified against the certificate's IP names without it.
    ...(net.isIP(serverName) === 0 ? { servername: serverName } : {}),
    ...(target.serverName !== undefined && net.isIP(serverName) !== 0 ? { checkServerIdentity: (_name: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(serverName, cert) } : {}),
    rejectUnauthorized: false,
    ...(target.trust ? { secureContext: target.trust } : {}),
  };
}
