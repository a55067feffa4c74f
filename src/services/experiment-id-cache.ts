/** How long a known experiment's id is trusted without asking MySQL again. */
const TTL_MS = 10_000;

/**
 * ExperimentIdCache remembers the ids of experiments that exist, so that a steady stream of batches costs
 * no experiment lookup. Only hits are kept: a message naming an experiment created a moment ago is never
 * refused because of a cached miss. A deleted experiment may stay here for up to TTL_MS; the ingest
 * transaction's lock on its experiments catches that, and the caller then forgets everything and decides
 * again (MeasureService.commitBatch).
 */
export class ExperimentIdCache {
  private readonly ids = new Map<string, { id: number; until: number }>();

  /** The ids of `codes`, asking `lookUp` for the ones not cached; unknown codes are absent from the result. */
  async idsOf(codes: Iterable<string>, lookUp: (codes: string[]) => Promise<Map<string, number>>): Promise<Map<string, number>> {
    const now = Date.now();
    const result = new Map<string, number>();
    const missing: string[] = [];
    for (const code of codes) {
      const cached = this.ids.get(code);
      if (cached !== undefined && cached.until > now) result.set(code, cached.id);
      else missing.push(code);
    }
    if (missing.length === 0) return result;
    for (const [code, id] of await lookUp(missing)) {
      result.set(code, id);
      this.ids.set(code, { id, until: now + TTL_MS });
    }
    return result;
  }

  clear(): void {
    this.ids.clear();
  }
}
