import { PrefetchSizer } from '../../../src/amqp/prefetch-sizer';

/** Feeds `count` deliveries of `bytes` and returns the prefetch changes the sizer asked for. */
function feed(sizer: PrefetchSizer, count: number, bytes: number): number[] {
  const changes: number[] = [];
  for (let i = 0; i < count; i++) {
    const next = sizer.observe(bytes);
    if (next !== undefined) changes.push(next);
  }
  return changes;
}

describe('PrefetchSizer', () => {
  const MIB = 1024 * 1024;

  it('starts at 1000 (or RABBIT_PREFETCH when lower) before it has seen a message', () => {
    expect(new PrefetchSizer(20_000, 32 * MIB, 4).prefetch).toBe(1000);
    expect(new PrefetchSizer(300, 32 * MIB, 4).prefetch).toBe(300);
  });

  it('raises the prefetch for small messages, up to RABBIT_PREFETCH', () => {
    const sizer = new PrefetchSizer(20_000, 32 * MIB, 4);
    // 200-byte messages: 32 MiB would hold 167,772 of them; RABBIT_PREFETCH caps it.
    expect(feed(sizer, 1000, 200)).toEqual([20_000]);
    expect(sizer.prefetch).toBe(20_000);
    expect(feed(sizer, 50_000, 200)).toEqual([]);
  });

  it('lowers it for big messages so that about INGEST_BUFFER_BYTES of bodies are held', () => {
    const sizer = new PrefetchSizer(20_000, 32 * MIB, 4);
    expect(feed(sizer, 1000, 100 * 1024)).toEqual([327]);
    expect(sizer.prefetch * 100 * 1024).toBeLessThanOrEqual(32 * MIB);
  });

  it('never goes below one message per batch in flight', () => {
    const sizer = new PrefetchSizer(20_000, 32 * MIB, 4);
    expect(feed(sizer, 1000, 1024 * MIB)).toEqual([4]);
  });

  it('ignores changes of less than a factor of two, so that noise does not re-create the consumer', () => {
    const sizer = new PrefetchSizer(20_000, 32 * MIB, 4);
    feed(sizer, 1000, 32 * 1024); // 1024 messages: within 2x of 1000
    expect(sizer.prefetch).toBe(1000);
    expect(feed(sizer, 1000, 12 * 1024)).toEqual([2730]);
  });

  it('keeps RABBIT_PREFETCH fixed when INGEST_BUFFER_BYTES is 0', () => {
    const sizer = new PrefetchSizer(5000, 0, 4);
    expect(sizer.prefetch).toBe(5000);
    expect(feed(sizer, 10_000, 100 * 1024)).toEqual([]);
  });
});
