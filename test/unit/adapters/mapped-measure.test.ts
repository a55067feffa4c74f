import type { Measure } from '../../../adapters/sdk';
import { MeasureValidator } from '../../../adapters/sdk/measure-validator';
import { ChunkParser, type ChunkParserOptions } from '../../../adapters/file/chunk-parser';
import { canonicalNumber, plainUtcDateTime } from '../../../adapters/file/csv-row-writer';

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const text = (alphabet: string, min: number, max: number) =>
  Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => pick([...alphabet])).join('');

const validator = new MeasureValidator();

describe('the byte-level CSV fast path', () => {
  it('certifies only numbers whose String(Number(raw)) is raw', () => {
    const cases = ['0', '-0', '1', '12.5', '12.50', '007', '-3.25', '0.000001', '0.0000001', '123456789012345', '1234567890123456', '1e5', '.5', '5.', '+5', ' 5', '0x10', ''];
    for (let i = 0; i < 5000; i++) cases.push(text('0123456789.-', 1, 18));
    for (const raw of cases) {
      const certified = canonicalNumber(Buffer.from(raw), 0, raw.length);
      if (certified && String(Number(raw)) !== raw) throw new Error(`certified ${raw}`);
    }
    expect(canonicalNumber(Buffer.from('12.5'), 0, 4)).toBe(true);
  });

  it('certifies only date-times the contract accepts unchanged', () => {
    for (let i = 0; i < 20_000; i++) {
      const base = [...'2024-02-29T23:59:59.5Z'];
      for (let e = 0; e < 1 + Math.floor(random() * 3); e++) base[Math.floor(random() * base.length)] = pick([...'0123456789-:.TtZz+ ']);
      const raw = base.join('');
      if (plainUtcDateTime(Buffer.from(raw), 0, raw.length) && !validator.isValid({ experiment: 'E', metric: 'm', value: 1, timestamp: raw })) {
        throw new Error(`certified ${raw}`);
      }
    }
    expect(plainUtcDateTime(Buffer.from('2024-02-29T23:59:59Z'), 0, 20)).toBe(true);
    expect(plainUtcDateTime(Buffer.from('2023-02-29T23:59:59Z'), 0, 20)).toBe(false);
  });

  const rows = (count: number) => {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const ts = pick(['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.123Z', '2024-02-30T00:00:00Z', ' 2024-01-01T00:00:00Z', '1714564800000', '2024-01-01T00:00:00+02:00', '', '2024-01-01T24:00:00Z']);
      const source = pick(['sensor-1', 'host:9100', '', 's 2', 'é', '"q,uoted"', 'x'.repeat(129)]);
      const metric = pick(['temperature', 'hum', '', 'bad metric', 'm'.repeat(128)]);
      const value = pick(['1', '12.5', '12.50', '-0', '0.0000001', 'abc', '', ' 3', '1e3', '"4"', '123456789012345678']);
      const extra = pick(['', '', '', ',x', '\r']);
      lines.push(`${ts},${source},${metric},${value}${extra}`);
      if (random() < 0.05) lines.push(pick(['', '   ', 'garbage', '"unterminated']));
    }
    return lines;
  };

  const parseAll = (options: Omit<ChunkParserOptions, 'fastPath'>, header: string, lines: string[], fastPath: boolean) => {
    const parser = new ChunkParser({ ...options, fastPath });
    const results = [];
    const all = [header, ...lines];
    for (let at = 0; at < all.length; at += 97) {
      const r = parser.parse(all.slice(at, at + 97).join('\n'), at + 97 >= all.length);
      results.push({ ...r, body: r.body.toString('utf8') });
    }
    return results;
  };

  it.each([
    ['unmapped, default experiment', {}, 'timestamp,source,metric,value'],
    ['mapped columns and constants', { metric: { column: 'm' }, source: { value: 'lab-1' }, value: { column: 'v' }, timestamp: { column: 't', format: 'rfc3339' }, unit: { value: 'µs "x"' } }, 't,experiment,m,v'],
    ['an experiment column', { metric: { column: 'metric' } }, 'timestamp,experiment,metric,value'],
  ] as const)('produces exactly the general path output on fuzzed rows (%s)', (_, mapping, header) => {
    const options = {
      format: 'csv' as const,
      csv: { delimiter: ',', quote: '"', header: true },
      mapping: mapping as ChunkParserOptions['mapping'],
      defaultExperiment: 'BENCH',
      maxMeasuresPerMessage: 7,
      maxMessageBytes: 1 << 20,
    };
    const lines = rows(3000);
    jest.spyOn(Date, 'now').mockReturnValue(1_795_332_099_000); // an empty timestamp cell is the time of reading
    const fast = parseAll(options, header, lines, true);
    const general = parseAll(options, header, lines, false);
    jest.restoreAllMocks();
    expect(fast).toEqual(general);
    const published = fast.reduce((n, r) => n + r.counts.reduce((a, b) => a + b, 0), 0);
    expect(published).toBeGreaterThan(100);
    for (const r of fast) for (const m of JSON.parse(`[${r.body.replace(/\]\[/g, '],[')}]`) as Measure[][]) for (const x of m) expect(validator.errors(x)).toEqual([]);
  });
});
