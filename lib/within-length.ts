/**
 * Whether `text` has at most `max` characters as JSON Schema counts them (ajv's ucs2length: a surrogate
 * pair is one character, a lone surrogate too). Most strings are decided by their UTF-16 length alone.
 */
export function withinLength(text: string, max: number): boolean {
  const len = text.length;
  if (len <= max) return true;
  if (len > 2 * max) return false;
  let count = 0;
  for (let pos = 0; pos < len; ) {
    count += 1;
    const code = text.charCodeAt(pos++);
    if (code >= 0xd800 && code <= 0xdbff && pos < len && (text.charCodeAt(pos) & 0xfc00) === 0xdc00) pos += 1;
  }
  return count <= max;
}
