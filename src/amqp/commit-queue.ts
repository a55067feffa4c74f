/**
 * CommitQueue runs batch commits one after the other, in the order they were queued, across connections:
 * after a reconnect, the batch that holds the redelivered messages never races the commit it replaces,
 * and acks go out in delivery order.
 */
export class CommitQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has run; never rejects. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
