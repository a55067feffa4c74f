import type { Logger } from '../logging/logger';

/**
 * PeriodicTask runs one asynchronous job again `intervalMs` after each run ends: never two runs at once,
 * however long one takes. stop() aborts the run in progress (through its signal) and waits for it.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private controller?: AbortController;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly job: (signal: AbortSignal) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    // A pending run must not keep a stopping process alive.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.controller = new AbortController();
    this.running = this.job(this.controller.signal).catch((error: unknown) =>
      // The next run retries: a failed pass leaves its work (marks, old rows) where it was.
      this.logger.warn(`${this.name} failed; retrying at the next interval`, { error }),
    );
    await this.running;
    this.running = undefined;
    this.schedule();
  }
}
