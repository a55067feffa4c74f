/**
 * SerialLanes runs work one at a time per lane, in the order it was handed in (Prophasis's dispatcher:
 * one plugin at a time per agent, in dispatch order); lanes run side by side.
 */
export class SerialLanes {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(lane: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(lane) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(lane, tail);
    try {
      await before;
      return await work();
    } finally {
      release();
      if (this.tails.get(lane) === tail) this.tails.delete(lane);
    }
  }

  /** Lanes with work running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
