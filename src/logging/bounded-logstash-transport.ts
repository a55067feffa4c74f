import { PlainConnection } from 'winston-logstash/lib/connection';
import { Manager } from 'winston-logstash/lib/manager';
import TransportStream from 'winston-transport';
import type { LogShipping, LogShippingStats } from './log-shipping';

export interface LogstashShippingOptions {
  host: string;
  port: number;
  /** Events held while Logstash is unreachable or slow; beyond it new events are dropped and counted. */
  capacity: number;
  /** Cap of the exponential reconnect delay (it starts at 100 ms and resets on connect). */
  maxRetryDelayMs: number;
  /** A socket idle this long is reconnected: it also bounds a connect that a firewall silently drops. */
  idleTimeoutMs: number;
}

export const SHIPPING_DEFAULTS = { capacity: 10_000, maxRetryDelayMs: 5_000, idleTimeoutMs: 60_000 } as const;

const FIRST_RETRY_DELAY_MS = 100;

type Kind = 'app' | 'audit';

/** A winston-logstash connection whose socket never keeps the process alive by itself. */
class DetachedConnection extends PlainConnection {
  override connect(): void {
    super.connect();
    this.socket?.unref();
  }
}

/**
 * BoundedLogstashTransport ships log events to Logstash's json_lines TCP input with winston-logstash's
 * connection manager, without ever holding the application back.
 *
 * winston-logstash's own winston transport is not fit for that: its queue is unbounded, and it
 * acknowledges an event to winston only once the line is written to the socket, so while Logstash is
 * down winston's pipe stops after 16 events and every other transport (the console too) stops with it;
 * with its default retry settings it goes silent for good after four failed connects; and its socket and
 * retry timer keep a process alive, so a one-shot command such as `mymonit migrate` would never exit.
 * This transport acknowledges every event at once, lets at most `capacity` events wait in the manager's
 * queue (counting what it drops beyond that), and reconnects forever itself, with a capped exponential
 * delay, on timers and a socket that do not hold the process.
 */
export class BoundedLogstashTransport extends TransportStream implements LogShipping {
  private readonly manager: Manager;
  private pending = 0;
  private sent = 0;
  private readonly dropped: Record<Kind, number> = { app: 0, audit: 0 };
  private shut = false;
  private retryDelayMs = FIRST_RETRY_DELAY_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly options: LogstashShippingOptions) {
    super();
    const connection = new DetachedConnection({ host: options.host, port: options.port, socket_timeout_ms: options.idleTimeoutMs });
    // No retries inside the manager: it reports each lost or failed connection, and reconnecting is done here.
    this.manager = new Manager({ max_connect_retries: 0 }, connection);
    this.manager.on('connected', () => {
      this.retryDelayMs = FIRST_RETRY_DELAY_MS;
    });
    this.manager.on('error', () => this.reconnectLater());
    this.manager.start();
  }

  override log(info: Record<string, unknown>, next: () => void): void {
    const kind: Kind = info.audit === true ? 'audit' : 'app';
    const line = this.shut || this.pending >= this.options.capacity ? undefined : serialise(info);
    if (line === undefined) {
      this.dropped[kind] += 1;
    } else {
      this.pending += 1;
      this.manager.log(line, () => {
        this.pending -= 1;
        this.sent += 1;
      });
    }
    next();
  }

  stats(): LogShippingStats {
    return {
      enabled: true,
      capacity: this.options.capacity,
      queued: this.pending,
      sent: this.sent,
      dropped: { ...this.dropped },
    };
  }

  /** Waits until every queued event is written or `timeoutMs` passes; true when the queue emptied. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.pending === 0;
  }

  override close(): void {
    if (this.shut) return;
    this.shut = true;
    clearTimeout(this.retryTimer);
    this.manager.close();
  }

  private reconnectLater(): void {
    if (this.shut || this.retryTimer) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, this.options.maxRetryDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.shut) this.manager.start();
    }, delay);
    this.retryTimer.unref();
  }
}

/** One json_lines line; the event is already redacted, so it has no cycles, but a throwing toJSON must not throw here. */
function serialise(info: Record<string, unknown>): string | undefined {
  try {
    return JSON.stringify(info);
  } catch {
    return undefined;
  }
}
