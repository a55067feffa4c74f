/** A CSV line that cannot be split into fields (unterminated quote, text after a closing quote). */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}

/**
 * Splits one CSV line (RFC 4180 quoting: `"a,b"`, `"say ""hi"""`) into fields. A trailing `\r` (CRLF
 * files) is dropped. Quoted fields may not span lines: the file adapter reads line by line, and a
 * measure never needs a newline inside a field.
 */
export function parseCsvLine(line: string, delimiter = ',', quote = '"'): string[] {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (!text.includes(quote)) return text.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.startsWith(quote, i)) {
      // Quoted field: up to the closing quote; a doubled quote is a literal quote.
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = text.indexOf(quote, j);
        if (close < 0) throw new CsvSyntaxError(`unterminated quoted field starting at column ${i + 1}`);
        value += text.slice(j, close);
        if (text[close + 1] === quote) {
          value += quote;
          j = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== delimiter) throw new CsvSyntaxError(`unexpected ${JSON.stringify(text[i])} after the quoted field ending at column ${i}`);
      i += 1;
    } else {
      const next = text.indexOf(delimiter, i);
      const end = next < 0 ? text.length : next;
      const value = text.slice(i, end);
      if (value.includes(quote)) throw new CsvSyntaxError(`quote inside an unquoted field at column ${i + 1}`);
      fields.push(value);
      if (next < 0) return fields;
      i = next + 1;
    }
  }
}
