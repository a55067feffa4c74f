import type { AdapterLogger } from './logger';

/** Where a bad input came from: a file (or a URL, or an HTTP request) and, when it has lines, the line. */
export interface InputLocation {
  file: string;
  line?: number;
}

/**
 * BadInputReporter is what every adapter does with input it cannot turn into measures: log it with file
 * and line, count it, and go on. Logging is rate limited (a file of a million bad rows must not become a
 * million log lines); the count is exact and is logged when suppression ends and in each adapter's summary.
 */
export class BadInputReporter {
  private total = 0;
  private windowStart = 0;
  private inWindow = 0;
  private suppressed = 0;

  constructor(
    private readonly logger: AdapterLogger,
    private readonly maxLogsPerSecond = 20,
  ) {}

  report(where: InputLocation, reason: string, extra: Record<string, unknown> = {}): void {
    this.total += 1;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.suppressed > 0) {
        this.logger.warn('bad input: more lines were refused than logged', { suppressed: this.suppressed, totalBadInput: this.total });
      }
      this.windowStart = now;
      this.inWindow = 0;
      this.suppressed = 0;
    }
    if (this.inWindow < this.maxLogsPerSecond) {
      this.inWindow += 1;
      const at = where.line === undefined ? where.file : `${where.file}:${where.line}`;
      this.logger.warn(`bad input at ${at}: ${reason}`, { file: where.file, line: where.line, reason, ...extra });
    } else {
      this.suppressed += 1;
    }
  }

  /** Bad inputs reported since start. */
  get count(): number {
    return this.total;
  }
}
