/** Deliveries observed before the first decision, and between later ones (at most one prefetch's worth). */
const WINDOW = 1000;
/** The prefetch a consumer starts with, before it has seen what its messages weigh. */
const INITIAL = 1000;

/**
 * PrefetchSizer chooses how many unacked messages the consumer asks the broker for, from what they weigh:
 * RabbitMQ bounds deliveries in messages only, while memory and batching are about bytes and measures. A
 * stream of 200-byte single-measure messages wants a large prefetch (batches of thousands of messages, one
 * commit and one ack each); 100 KB messages want a small one (the same INGEST_BUFFER_BYTES of bodies held).
 *
 * prefetch = INGEST_BUFFER_BYTES / average body size, within [minimum, RABBIT_PREFETCH]. It changes only
 * by a factor of two or more, so that a consumer is not re-created for noise.
 */
export class PrefetchSizer {
  private current: number;
  private bytes = 0;
  private messages = 0;

  /**
   * @param maxPrefetch RABBIT_PREFETCH
   * @param bufferBytes INGEST_BUFFER_BYTES; 0 keeps the prefetch at maxPrefetch
   * @param minPrefetch enough for every batch in flight to hold one message
   */
  constructor(
    private readonly maxPrefetch: number,
    private readonly bufferBytes: number,
    private readonly minPrefetch: number,
  ) {
    this.current = bufferBytes === 0 ? maxPrefetch : Math.max(minPrefetch, Math.min(maxPrefetch, INITIAL));
  }

  get prefetch(): number {
    return this.current;
  }

  /** One delivery of `bytes`; returns the new prefetch when it should change, else undefined. */
  observe(bytes: number): number | undefined {
    if (this.bufferBytes === 0) return undefined;
    this.bytes += bytes;
    this.messages++;
    if (this.messages < Math.min(WINDOW, this.current)) return undefined;
    const average = Math.max(1, this.bytes / this.messages);
    this.bytes = 0;
    this.messages = 0;
    const target = Math.max(this.minPrefetch, Math.min(this.maxPrefetch, Math.floor(this.bufferBytes / average)));
    if (target < 2 * this.current && 2 * target > this.current) return undefined;
    this.current = target;
    return target;
  }
}
