/**
 * A token bucket of evaluation time: evaluations the committed measures trigger (on top of the groups'
 * own slots) may use at most `share` of the wall-clock time, with bursts up to `capacityMs`. Without it a
 * process ingesting flat out re-evaluates every group back to back against the same database its ingest
 * writes to (bench:alerts measured ingest at 31% of its rate without rules). A group is charged its
 * estimated duration when it starts and the difference when it ends, so a cheap group (the one a latency
 * alert sits in) is not kept waiting behind the debt of an expensive one.
 *
 * Evaluations under the load they add run longer than charged, which leaves the bucket in debt (bench:alerts
 * saw 5 s of it, a minute's wait at a 10% share). A small evaluation (estimated at most `smallMs`) is not
 * held by that debt: it is admitted by an allowance of its own (the same share and burst, charged the
 * estimate), and charged to the shared bucket as well, so that the expensive ones pay its time back.
 * In the long run triggered evaluations stay near `share`: small ones within their allowance, the others
 * only while the shared bucket is not in debt.
 */
export class EvaluationBudget {
  private available: number;
  private smallAvailable: number;
  private updatedAt: number;

  constructor(
    private readonly share: number,
    private readonly capacityMs: number,
    private readonly smallMs = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = capacityMs;
    this.smallAvailable = capacityMs;
    this.updatedAt = now();
  }

  /** Charges `estimateMs` and returns 0, or returns how long to wait before enough time has accrued. */
  reserve(estimateMs: number): number {
    this.refill();
    const cost = Math.max(0, estimateMs);
    if (this.share <= 0) return Number.POSITIVE_INFINITY;
    if (cost <= this.smallMs) {
      if (this.smallAvailable < cost) return Math.ceil((cost - this.smallAvailable) / this.share);
      this.smallAvailable -= cost;
      this.available -= cost;
      return 0;
    }
    if (this.available >= Math.min(cost, this.capacityMs)) {
      this.available -= cost;
      return 0;
    }
    return Math.ceil((Math.min(cost, this.capacityMs) - this.available) / this.share);
  }

  /** Corrects a reservation once the evaluation's real duration is known (the shared bucket only). */
  settle(estimateMs: number, actualMs: number): void {
    this.refill();
    this.available = Math.min(this.capacityMs, this.available + Math.max(0, estimateMs) - Math.max(0, actualMs));
  }

  private refill(): void {
    const now = this.now();
    const accrued = (now - this.updatedAt) * this.share;
    this.available = Math.min(this.capacityMs, this.available + accrued);
    this.smallAvailable = Math.min(this.capacityMs, this.smallAvailable + accrued);
    this.updatedAt = now;
  }
}
