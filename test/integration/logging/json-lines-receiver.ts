import net from 'node:net';
import { eventually } from '../../support/eventually';

export type ReceivedEvent = Record<string, unknown>;

/**
 * JsonLinesReceiver stands in for Logstash's `tcp { codec => json_lines }` input: a real TCP server that
 * splits what it reads on newlines and parses each line as JSON. It can stop and start again on the same
 * port (Logstash restarting) and stop reading while keeping connections open (Logstash too slow).
 */
export class JsonLinesReceiver {
  readonly events: ReceivedEvent[] = [];
  readonly lines: string[] = [];
  port = 0;
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private paused = false;

  async start(port = this.port): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Closes the listener and every connection, as a Logstash that goes down does. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops reading: the sender's writes back up in the kernel buffers, as with an overloaded Logstash. */
  pause(): void {
    this.paused = true;
    for (const socket of this.sockets) socket.pause();
  }

  resume(): void {
    this.paused = false;
    for (const socket of this.sockets) socket.resume();
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Resolves once `predicate` holds for the received events, or fails after `timeoutMs`. */
  async waitFor(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs = 15000): Promise<void> {
    await eventually(
      () => this.events,
      predicate,
      { timeoutMs, intervalMs: 25, what: 'receiver: condition' },
    );
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    if (this.paused) socket.pause();
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) {
          this.lines.push(line);
          this.events.push(JSON.parse(line) as ReceivedEvent);
        }
        newline = buffered.indexOf('\n');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

