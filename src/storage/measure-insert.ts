import { canonicalTags } from './series-key';
import type { MeasureRow } from './stores';

/**
 * The hot path of ingest, kept apart from the store so that it can be measured and tested alone: at line
 * rate every microsecond per measure counts, and these two functions run once per measure.
 */

/** A (seriesId, timestampUs, value) triple, as the measures table stores it. */
export type MeasureValues = [number, bigint, number];

/**
 * The series cache key of a row: much cheaper than the sha256 series_key, which is computed only for
 * series not yet cached. null and '' are one value, as they are in the series table.
 *
 * Unambiguous although it is a plain concatenation: the experiment id is digits, and metric and source
 * hold no NUL (the Measure schema allows `[A-Za-z0-9_.:/-]`; anything else takes the JSON form below), so
 * the first three NULs are separators; the tags part is JSON, in which a NUL is always escaped, so the last
 * NUL is the one before it. The unit is what lies between.
 */
export function seriesCacheKey(row: MeasureRow): string {
  const tags = hasTags(row.tags) ? canonicalTags(row.tags) : '{}';
  const source = row.source ?? '';
  if (row.metric.includes('\u0000') || source.includes('\u0000')) {
    return JSON.stringify([row.experimentId, row.metric, source, row.unit ?? '', tags]);
  }
  return `${row.experimentId}\u0000${row.metric}\u0000${source}\u0000${row.unit ?? ''}\u0000${tags}`;
}

/** Without allocating, unlike Object.keys: most measures have no tags. */
export function hasTags(tags: Readonly<Record<string, string>>): boolean {
  for (const name in tags) if (Object.hasOwn(tags, name)) return true;
  return false;
}

/**
 * `INSERT IGNORE ... VALUES (s,t,v),...` written directly: the rows are numbers only, already checked to be
 * safe integers, bigint timestamps and finite doubles (MysqlMeasureStore.assertStorable), and mysql2's generic escaping of
 * nested arrays costs more than the INSERT itself at 100k rows/s. String(number) is the shortest text that
 * reads back as the same double, exponent form included, which MySQL parses as a DOUBLE literal.
 *
 * IGNORE, because a (series_id, ts_us) already stored is a redelivery: it is skipped and counted. Its
 * affected rows count only the rows inserted, whatever the FOUND_ROWS flag does to ON DUPLICATE KEY UPDATE.
 */
export function measureInsertSql(values: readonly MeasureValues[]): string {
  const parts = values.map(([seriesId, ts, value]) => `(${seriesId},${ts},${value})`);
  return `INSERT IGNORE INTO measures (series_id, ts_us, value) VALUES ${parts.join(',')}`;
}
