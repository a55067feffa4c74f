import { ValidationError } from '../domain/errors';
import { decodeCursor, encodeCursor, type Page } from '../domain/page';

/** Reads an id cursor made by `pageById`; a cursor that was not made here is a client error, not a crash. */
export function afterIdFromCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor) as { id?: unknown } | undefined;
  if (!key || typeof key.id !== 'number' || !Number.isSafeInteger(key.id) || key.id < 0) {
    throw new ValidationError('cursor is not one this API issued');
  }
  return key.id;
}

/** Stores are asked for limit + 1 rows: the extra row only tells whether a next page exists. */
export function pageById<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return last === undefined ? { items } : { items, next: encodeCursor({ id: last.id }) };
}
