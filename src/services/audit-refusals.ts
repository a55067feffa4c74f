import type { AuditRecord } from './audit-trail';

export interface RefusalAuditOptions {
  windowMs: number;
  /** Refusals per source and window written as rows of their own. */
  burst: number;
  /** Sources tracked per window; refusals from further sources share one bucket. */
  maxSources: number;
}

interface Bucket {
  written: number;
  suppressed: number;
  firstSuppressedRequestId: string | null;
  lastReason: string | null;
}

/** The bucket of the sources past maxSources: a spray from many addresses still writes a bounded number of rows. */
const OTHER_SOURCES = '*';

/**
 * RefusalAudit keeps anonymous 401s from filling the audit table: per source (client address) and fixed
 * window, the first `burst` refusals are audited one row each, as before; the rest are counted, and when
 * the window ends one `auth.fail` row per source says how many were aggregated. Rows per window are thus at
 * most (maxSources + 1) × (burst + 1), whatever the request rate. The address itself is never stored: the
 * summary names the request id of the first aggregated refusal, which the access logs resolve.
 */
export class RefusalAudit {
  private buckets = new Map<string, Bucket>();
  private timer?: NodeJS.Timeout;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly write: (record: AuditRecord) => Promise<void>,
    private readonly options: RefusalAuditOptions,
    private readonly onWriteError: (error: unknown) => void,
  ) {}

  /**
   * Ends a window every windowMs. A timer, not the next refusal, so that the summary of a source that went
   * quiet is written too, and outside any request's context (its request id would be misleading there).
   */
  start(): void {
    this.timer ??= setInterval(() => void this.rollOver(), this.options.windowMs);
    this.timer.unref();
  }

  /** Records one 401 from `source`; `requestId` is the refused request's, kept for the summary. */
  refused(source: string, reason: string | undefined, requestId: string | null): void {
    const bucket = this.bucketOf(source);
    if (bucket.written < this.options.burst) {
      bucket.written += 1;
      void this.send({ action: 'auth.fail', resourceType: 'api', resourceId: null, outcome: 'failure', detail: { reason: reason ?? null } });
      return;
    }
    bucket.suppressed += 1;
    bucket.firstSuppressedRequestId ??= requestId;
    bucket.lastReason = reason ?? null;
  }

  /** Writes the summaries of the current window and waits for every write (on shutdown: nothing counted is lost). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.rollOver();
    await Promise.all(this.pending);
  }

  private bucketOf(source: string): Bucket {
    const key = this.buckets.has(source) || this.buckets.size < this.options.maxSources ? source : OTHER_SOURCES;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { written: 0, suppressed: 0, firstSuppressedRequestId: null, lastReason: null };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Ends the current window: writes one summary per source that had refusals aggregated. */
  async rollOver(): Promise<void> {
    const ended = this.buckets;
    const windowSeconds = this.options.windowMs / 1000;
    this.buckets = new Map();
    const writes: Array<Promise<void>> = [];
    for (const [source, bucket] of ended) {
      if (bucket.suppressed === 0) continue;
      writes.push(this.send({
        action: 'auth.fail',
        resourceType: 'api',
        resourceId: null,
        outcome: 'failure',
        actor: null,
        detail: {
          reason: 'repeated authentication failures aggregated',
          aggregated: bucket.suppressed,
          windowSeconds,
          otherSources: source === OTHER_SOURCES,
          firstRequestId: bucket.firstSuppressedRequestId,
          lastReason: bucket.lastReason,
        },
      }));
    }
    await Promise.all(writes);
  }

  /** A failing audit write must not turn a 401 into a 500. */
  private send(record: AuditRecord): Promise<void> {
    const write = this.write(record).catch(this.onWriteError);
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    return write;
  }
}
