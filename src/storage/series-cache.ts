/**
 * SeriesCache remembers the id of series already resolved, so that a steady stream of measures on known
 * series costs no series lookup at all. Bounded: when full, the oldest entry goes (insertion order).
 */
export class SeriesCache {
  private readonly ids = new Map<string, number>();
  /**
   * Series without tags (most of them), by experiment, metric, source and unit: four lookups of strings
   * the parser made, instead of building and hashing a joined key per measure. Cleared when full.
   */
  private readonly untagged = new Map<number, Map<string, Map<string, Map<string, number>>>>();
  private untaggedSize = 0;

  constructor(private readonly capacity = 50_000) {}

  /** source and unit '' when absent, as in the series table. */
  getUntagged(experimentId: number, metric: string, source: string, unit: string): number | undefined {
    return this.untagged.get(experimentId)?.get(metric)?.get(source)?.get(unit);
  }

  setUntagged(experimentId: number, metric: string, source: string, unit: string, id: number): void {
    if (this.untaggedSize >= this.capacity) {
      this.untagged.clear();
      this.untaggedSize = 0;
    }
    const metrics = getOrAdd(this.untagged, experimentId, () => new Map<string, Map<string, Map<string, number>>>());
    const units = getOrAdd(getOrAdd(metrics, metric, () => new Map<string, Map<string, number>>()), source, () => new Map<string, number>());
    if (!units.has(unit)) this.untaggedSize++;
    units.set(unit, id);
  }

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

function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
