/**
 * SeriesCache remembers the id of series already resolved, so that a steady stream of measures on known
 * series costs no series lookup at all. Bounded: when full, the oldest entry goes (insertion order).
 */
export class SeriesCache {
  private readonly ids = new Map<string, number>();

  constructor(private readonly capacity = 50_000) {}

  static keyOf(experimentId: number, seriesKey: string): string {
    return `${experimentId}:${seriesKey}`;
  }

  get(key: string): number | undefined {
    return this.ids.get(key);
  }

  set(key: string, id: number): void {
    if (this.ids.has(key)) return;
    if (this.ids.size >= this.capacity) {
      const oldest = this.ids.keys().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
    this.ids.set(key, id);
  }

  get size(): number {
    return this.ids.size;
  }
}
