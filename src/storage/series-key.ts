import { createHash } from 'node:crypto';

/** The identity of a series inside its experiment, as the series table stores it. */
export interface SeriesIdentity {
  metric: string;
  /** '' when the measure has no source. */
  source: string;
  /** '' when the measure has no unit. */
  unit: string;
  /** JSON of the tags with sorted keys: equal maps give equal strings. */
  tags: string;
  /** sha256 hex of the four fields above. */
  key: string;
}

export function canonicalTags(tags: Readonly<Record<string, string>>): string {
  // No prototype: on a plain object, assigning "__proto__" would call its setter and drop the tag.
  const sorted = Object.create(null) as Record<string, string>;
  const byName = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of byName) sorted[name] = value;
  return JSON.stringify(sorted);
}

/** Hashes a JSON array rather than a joined string so that no choice of separator can make two series collide. */
export function seriesIdentity(measure: {
  metric: string;
  source: string | null;
  unit: string | null;
  tags: Readonly<Record<string, string>>;
}): SeriesIdentity {
  const source = measure.source ?? '';
  const unit = measure.unit ?? '';
  const tags = canonicalTags(measure.tags);
  const key = createHash('sha256').update(JSON.stringify([measure.metric, source, unit, tags])).digest('hex');
  return { metric: measure.metric, source, unit, tags, key };
}
