import { createHash } from 'node:crypto';
import type { RefusedMeasure } from '../domain/rejected-message';

/** Refused measures named in a rejection's detail; the rest are counted (all are in refusedMeasures). */
const DETAILED_REFUSALS = 5;

/**
 * What storage keeps of a rejected body, and its SHA-256 (with the message id, what identifies a delivery).
 * A body within maxMessageBytes is kept whole, for a replay; an oversize one can never be stored, so a
 * prefix to recognise it is enough: one message must not fill MySQL.
 */
export function keptBody(
  body: Buffer,
  limits: { maxMessageBytes: number; rejectedBodyPrefixBytes: number },
): { body: Buffer; truncated: boolean; sha256: Buffer } {
  const sha256 = createHash('sha256').update(body).digest();
  const truncated = body.length > limits.maxMessageBytes && body.length > limits.rejectedBodyPrefixBytes;
  return { body: truncated ? body.subarray(0, limits.rejectedBodyPrefixBytes) : body, truncated, sha256 };
}

/**
 * The refused items of a message the parser accepted as a list (an array, or {"measures": [...]}), as a
 * JSON array in index order: what a replay publishes. JSON.parse keeps a "__proto__" key as an own
 * property, and JSON.stringify writes it back.
 */
export function refusedItems(body: Buffer, refused: readonly RefusedMeasure[]): Buffer {
  // The parser decoded it with TextDecoder, which drops a byte order mark; Buffer#toString keeps it.
  const value: unknown = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  const list: unknown = Array.isArray(value) ? value : (value as { measures: unknown }).measures;
  if (!Array.isArray(list)) throw new Error('a message refused measure by measure is not a list of measures');
  return Buffer.from(JSON.stringify(refused.map((r) => list[r.index] as unknown)));
}

/** "2 of 9 measures refused, 7 stored: [3] unknown-experiment: unknown experiment: TYPO; [5] ..." */
export function perMeasureDetail(refused: readonly RefusedMeasure[], stored: number): string {
  const [only] = refused;
  if (only !== undefined && refused.length === 1 && stored === 0) return only.detail;
  const shown = refused.slice(0, DETAILED_REFUSALS).map((r) => `[${r.index}] ${r.reason}: ${r.detail}`);
  if (refused.length > DETAILED_REFUSALS) shown.push(`and ${refused.length - DETAILED_REFUSALS} more`);
  const total = refused.length + stored;
  const head = stored === 0 ? `all ${total} measures refused` : `${refused.length} of ${total} measures refused, ${stored} stored`;
  return `${head}: ${shown.join('; ')}`;
}
