/** Page is one slice of a list; `next` is an opaque cursor for the following slice, absent on the last one. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** Cursors are opaque to clients: base64url of a small JSON key, so their shape can change without breaking URLs. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
