/**
 * CommitSlots lets a fixed number of batch commits run at once, started in the order they were queued,
 * across connections too: after a reconnect, the batches that hold redelivered messages wait their turn
 * behind the commits already running. Two commits let MySQL write one batch while the consumer's thread
 * is busy with the other's round trips; the pipeline acks them in delivery order whatever order they end in.
 */
export class CommitSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
