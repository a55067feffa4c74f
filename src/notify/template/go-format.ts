/**
 * Go's encodings that Alertmanager's output depends on, byte for byte: encoding/json strings (with its
 * default HTML escaping, Go 1.19 as in Debian's Alertmanager 0.25), time.Time as JSON (RFC 3339 with
 * nanoseconds, trailing zeros trimmed) and regexp.QuoteMeta. Pure.
 */

const HEX = '0123456789abcdef';

/** A JSON string as Go's json.Encoder writes it (SetEscapeHTML(true), the default). */
export function goJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else out += '\\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += '\\u00' + HEX[c >> 4]! + HEX[c & 0xf]!;
    else if (c === 0x2028 || c === 0x2029) out += '\\u202' + HEX[c & 0xf]!;
    else out += text[i]!;
  }
  return out + '"';
}

/** Go's string order (bytes of the UTF-8 encoding), which is how encoding/json sorts map keys. */
export function goStringCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A map[string]string as encoding/json writes it: keys sorted, compact. */
export function goJsonStringMap(map: ReadonlyMap<string, string>): string {
  const keys = [...map.keys()].sort(goStringCompare);
  return '{' + keys.map((k) => `${goJsonString(k)}:${goJsonString(map.get(k)!)}`).join(',') + '}';
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * time.Time's MarshalJSON in UTC: RFC 3339 with the fraction's trailing zeros trimmed. `undefined` is Go's
 * zero time (0001-01-01T00:00:00Z), what Alertmanager shows as the end of a firing alert.
 */
export function goRfc3339Nano(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00Z';
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`year outside [0,9999]: ${year}`);
  const fraction = d.getUTCMilliseconds() === 0 ? '' : '.' + pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '');
  return (
    `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${fraction}Z`
  );
}

/** time.Time's String() in UTC (what `{{ .StartsAt }}` prints): `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTimeString(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01 00:00:00 +0000 UTC';
  return goRfc3339Nano(ms).replace('T', ' ').replace(/Z$/, ' +0000 UTC');
}

/** regexp.QuoteMeta: Alertmanager passes the receiver name through it (template.Data's Receiver). */
export function goQuoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
