import { ValidationError } from '../domain/errors';
import type { ListWindow } from './stores';

/**
 * The keyset bounds of a list query. LIMIT and the id bound are sent as literals by mysql2, so a
 * fractional or negative number would be a syntax error or a silent full scan: refuse it early.
 */
export function keysetBounds(window: ListWindow): { afterId: number; limit: number } {
  const afterId = window.afterId ?? 0;
  if (!Number.isSafeInteger(window.limit) || window.limit < 0) {
    throw new ValidationError(`limit must be a non-negative integer, got ${window.limit}`, { field: 'limit' });
  }
  if (!Number.isSafeInteger(afterId) || afterId < 0) {
    throw new ValidationError(`afterId must be a non-negative integer, got ${afterId}`, { field: 'afterId' });
  }
  return { afterId, limit: window.limit };
}
