import { measureInsertSql, seriesCacheKey } from '../../../src/storage/measure-insert';
import type { MeasureRow } from '../../../src/storage/stores';

function row(overrides: Partial<MeasureRow> = {}): MeasureRow {
  return {
    experiment: 'E',
    experimentId: 7,
    metric: 'temperature',
    source: 'probe-1',
    unit: 'C',
    tags: {},
    timestampUs: 1_700_000_000_000_000n,
    value: 21.5,
    ...overrides,
  };
}

describe('seriesCacheKey', () => {
  it('is one key per series: null and empty are the same, tag order does not matter', () => {
    expect(seriesCacheKey(row({ source: null, unit: null }))).toBe(seriesCacheKey(row({ source: '', unit: '' })));
    expect(seriesCacheKey(row({ tags: { a: '1', b: '2' } }))).toBe(seriesCacheKey(row({ tags: { b: '2', a: '1' } })));
    expect(seriesCacheKey(row({ timestampUs: 1n, value: 2 }))).toBe(seriesCacheKey(row()));
  });

  it.each<[string, Partial<MeasureRow>, Partial<MeasureRow>]>([
    ['experiment', { experimentId: 1 }, { experimentId: 2 }],
    ['unit against tags', { unit: 'C\u0000{}', tags: {} }, { unit: 'C', tags: { '\u0000': '' } }],
    ['a NUL moved between unit and tags', { unit: 'a\u0000{"x":"y"}' }, { unit: 'a', tags: { x: 'y' } }],
    ['metric and source with a NUL (outside the schema)', { metric: 'a\u0000b', source: 'c' }, { metric: 'a', source: 'b\u0000c' }],
    ['empty tags against a tag', { tags: {} }, { tags: { k: '' } }],
  ])('tells series apart: %s', (_name, a, b) => {
    expect(seriesCacheKey(row(a))).not.toBe(seriesCacheKey(row(b)));
  });
});

describe('measureInsertSql', () => {
  it('writes the numbers as literals MySQL reads back exactly', () => {
    expect(measureInsertSql([
      [1, 1_700_000_000_000_001n, 21.5],
      [2, -5n, -0.1],
      [3, 0n, 1e21],
      [4, 9_007_199_254_740_993n, 5e-7],
      [5, -62_167_219_200_000_000n, 1],
    ])).toBe(
      'INSERT IGNORE INTO measures (series_id, ts_us, value) VALUES (1,1700000000000001,21.5),(2,-5,-0.1),(3,0,1e+21),(4,9007199254740993,5e-7),(5,-62167219200000000,1)',
    );
  });
});
