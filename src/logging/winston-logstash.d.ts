/**
 * Types for the two building blocks of winston-logstash 2.1 that BoundedLogstashTransport composes. The
 * package's own index.d.ts declares them as ambient modules named "manager" and "connection", which an
 * import of their real paths does not find.
 */
declare module 'winston-logstash/lib/connection' {
  import type { Socket } from 'node:net';
  import { EventEmitter } from 'node:events';

  interface ConnectionOptions {
    host?: string;
    port?: number;
    /** An idle socket is treated as a connection error. 0 disables it. */
    socket_timeout_ms?: number;
  }

  /** A plain TCP connection to Logstash; a new socket per connect(). */
  class PlainConnection extends EventEmitter {
    protected socket: Socket | undefined;
    constructor(options: ConnectionOptions);
    connect(): void;
    close(): void;
    send(message: string, callback: (error?: Error) => void): boolean;
    readyToSend(): boolean;
  }
}

declare module 'winston-logstash/lib/manager' {
  import { EventEmitter } from 'node:events';
  import type { PlainConnection } from 'winston-logstash/lib/connection';

  /**
   * Queues lines and writes them one at a time once connected. Emits 'connected', and 'error' when it
   * gives up on the connection (after max_connect_retries failed attempts).
   */
  class Manager extends EventEmitter {
    constructor(options: { max_connect_retries?: number; timeout_connect_retries?: number }, connection: PlainConnection);
    start(): void;
    log(entry: string, callback: () => void): void;
    close(): void;
  }
}
