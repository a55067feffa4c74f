/**
 * A token bucket of evaluation time: evaluations the committed measures trigger (on top of the groups'
 * own slots) may use at most `share` of the wall-clock time, with bursts up to `capacityMs`. Without it a
 * process ingesting flat out re-evaluates every group back to back against the same database its ingest
 * writes to (bench:alerts measured ingest at 31% of its rate without rules). A group is charged its last
 * evaluation's duration when it starts and the difference when it ends, so a cheap group (the one a
 * latency alert sits in) is not kept waiting behind the debt of an expensive one. Evaluations under the
 * load they add run longer than charged, which leaves the bucket in debt; a small evaluation (at most
 * `smallMs`) may still borrow, down to one burst below zero, so that debt alone never delays it.
 */
export class EvaluationBudget {
  private available: number;
  private updatedAt: number;

  constructor(
    private readonly share: number,
    private readonly capacityMs: number,
    private readonly smallMs = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = capacityMs;
    this.updatedAt = now();
  }

  /** Charges `estimateMs` and returns 0, or returns how long to wait before enough time has accrued. */
  reserve(estimateMs: number): number {
    this.refill();
    const cost = Math.max(0, estimateMs);
    if (this.share <= 0) return Number.POSITIVE_INFINITY;
    const small = cost <= this.smallMs && this.available - cost >= -this.capacityMs;
    if (small || this.available >= Math.min(cost, this.capacityMs)) {
      this.available -= cost;
      return 0;
    }
    return Math.ceil((Math.min(cost, this.capacityMs) - this.available) / this.share);
  }

  /** Corrects a reservation once the evaluation's real duration is known. */
  settle(estimateMs: number, actualMs: number): void {
    this.refill();
    this.available = Math.min(this.capacityMs, this.available + Math.max(0, estimateMs) - Math.max(0, actualMs));
  }

  private refill(): void {
    const now = this.now();
    this.available = Math.min(this.capacityMs, this.available + (now - this.updatedAt) * this.share);
    this.updatedAt = now;
  }
}
