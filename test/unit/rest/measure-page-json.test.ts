import type { StoredMeasure } from '../../../src/domain/measure';
import { measurePageJson } from '../../../src/rest/measure-page-json';
import { isoMicros, measureJson } from '../../../src/rest/representations';

/** The hand-written page serialiser says exactly what JSON.stringify of the representation says. */
describe('measurePageJson', () => {
  const measure = (overrides: Partial<StoredMeasure>): StoredMeasure => ({
    seriesId: 1, metric: 'temperature', source: 'probe-1', unit: 'C', tags: {}, timestampUs: 1_700_000_000_123_456n, value: 21.5, ...overrides,
  });

  it('equals JSON.stringify of measureJson, for every kind of value, series and timestamp', () => {
    const items = [
      measure({}),
      measure({ value: 0.1 + 0.2, timestampUs: 1_700_000_000_123_457n }),
      measure({ seriesId: 2, source: null, unit: null, tags: { loop: 'a "quoted" ü', z: '\n' }, value: -1e-300 }),
      measure({ seriesId: 3, metric: 'p/x:y', value: 1.7976931348623157e308, timestampUs: 0n }),
      measure({ value: -0, timestampUs: -1n }),
      measure({ value: 5e-324, timestampUs: 253_402_300_799_999_999n }),
      measure({ timestampUs: -62_167_219_200_000_000n }),
    ];
    for (const page of [{ items }, { items, next: 'eyJ0IjoxfQ' }, { items: [] }]) {
      expect(measurePageJson(page).toString('utf8')).toBe(JSON.stringify({ items: page.items.map(measureJson), next: page.next }));
    }
  });

  it('formats microsecond timestamps as Date would, with three more digits, across minutes and years', () => {
    const times = [0, 59_999_999, 60_000_000, 9_000_001, -1, -60_000_001, 1_700_000_000_123_456, Date.parse('1700-01-01T00:00:00Z') * 1000 + 7];
    for (const us of times) {
      const ms = Math.floor(us / 1000);
      const expected = new Date(ms).toISOString().replace('Z', `${String(us - ms * 1000).padStart(3, '0')}Z`);
      expect(isoMicros(BigInt(us))).toBe(expected);
      const text = measurePageJson({ items: [measure({ timestampUs: BigInt(us) })] }).toString('utf8');
      expect(JSON.parse(text).items[0].timestamp).toBe(expected);
    }
  });

  it('formats timestamps past 2^53 µs exactly, to the last microsecond of year 9999 and back to year 0000', () => {
    const cases: Array<[bigint, string]> = [
      [253_402_300_799_999_999n, '9999-12-31T23:59:59.999999Z'],
      [-62_167_219_200_000_000n, '0000-01-01T00:00:00.000000Z'],
      [-62_167_219_199_999_999n, '0000-01-01T00:00:00.000001Z'],
      [9_007_199_254_740_993n, '2255-06-05T23:47:34.740993Z'],
      [-9_007_199_254_740_993n, '1684-07-28T00:12:25.259007Z'],
    ];
    for (const [us, expected] of cases) {
      expect(isoMicros(us)).toBe(expected);
      const text = measurePageJson({ items: [measure({ timestampUs: us })] }).toString('utf8');
      expect(JSON.parse(text).items[0].timestamp).toBe(expected);
    }
  });
});
