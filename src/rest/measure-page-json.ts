import type { StoredMeasure } from '../domain/measure';
import type { Page } from '../domain/page';
import { formatTimestampUs } from '../../lib/contract/timestamp';

const MINUTE_US = 60_000_000;
const OPEN = Buffer.from('{"items":[');
const TIMESTAMP = Buffer.from(',"timestamp":"');
/** Bytes a measure adds besides its series prefix: the longest double, the timestamp, punctuation. */
const ITEM_BYTES = 24 + TIMESTAMP.length + 28 + 3;

/**
 * The JSON of a page of measures, byte for byte `JSON.stringify({ items: items.map(measureJson), next })`,
 * written straight into one buffer: a page holds up to 10,000 measures that share a handful of series,
 * and building an object per measure, serialising it, then encoding the text was most of a range read's
 * cost. Each series' fields are serialised once; digits of the timestamps are written as bytes.
 * test/unit/rest/measure-page-json.test.ts pins the equality.
 */
export function measurePageJson(page: Page<StoredMeasure>): Buffer {
  const prefixes = new Map<number, Buffer>();
  let capacity = OPEN.length + 2 + (page.next === undefined ? 0 : 16 + Buffer.byteLength(JSON.stringify(page.next)));
  for (const m of page.items) {
    let prefix = prefixes.get(m.seriesId);
    if (prefix === undefined) {
      const head = JSON.stringify({ series_id: m.seriesId, metric: m.metric, source: m.source, unit: m.unit, tags: m.tags });
      prefix = Buffer.from(`${head.slice(0, -1)},"value":`);
      prefixes.set(m.seriesId, prefix);
    }
    capacity += prefix.length + ITEM_BYTES;
  }
  const out = Buffer.allocUnsafe(capacity);
  // TypedArray.set and byte loops rather than Buffer.copy/write: per call, crossing into native code cost
  // more than the few bytes each measure adds.
  out.set(OPEN, 0);
  let at = OPEN.length;
  let minute = Number.NaN;
  let minuteBytes = OPEN;
  for (let i = 0; i < page.items.length; i++) {
    const m = page.items[i];
    if (i > 0) out[at++] = 0x2c; // ,
    const prefix = prefixes.get(m.seriesId) as Buffer;
    out.set(prefix, at);
    at += prefix.length;
    // Stored values are finite doubles: String() is their JSON text, ASCII only.
    const value = String(m.value);
    for (let k = 0; k < value.length; k++) out[at++] = value.charCodeAt(k);
    out.set(TIMESTAMP, at);
    at += TIMESTAMP.length;
    const us = Number(m.timestampUs);
    // Past 2^53 the double is not the instant (years before 1685 or after 2255): the exact, slower path.
    if (!Number.isSafeInteger(us)) {
      at += out.write(formatTimestampUs(m.timestampUs), at, 'latin1');
    } else {
      const m0 = Math.floor(us / MINUTE_US);
      if (m0 !== minute) {
        minute = m0;
        minuteBytes = Buffer.from(new Date(m0 * 60_000).toISOString().slice(0, 17)); // YYYY-MM-DDTHH:MM:
      }
      out.set(minuteBytes, at);
      at += minuteBytes.length;
      let rest = us - m0 * MINUTE_US; // SS and 6 digits of fraction, as 8 digits
      for (let d = at + 8; d > at + 2; d--) {
        out[d] = 0x30 + (rest % 10);
        rest = Math.floor(rest / 10);
      }
      out[at + 2] = 0x2e; // .
      out[at + 1] = 0x30 + (rest % 10);
      out[at] = 0x30 + Math.floor(rest / 10);
      out[at + 9] = 0x5a; // Z
      at += 10;
    }
    out[at++] = 0x22; // "
    out[at++] = 0x7d; // }
  }
  out[at++] = 0x5d; // ]
  if (page.next !== undefined) at += out.write(`,"next":${JSON.stringify(page.next)}`, at);
  out[at++] = 0x7d; // }
  return out.subarray(0, at);
}
