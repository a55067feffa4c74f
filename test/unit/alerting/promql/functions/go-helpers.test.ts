import { FUNCTION_SIGNATURES } from '../../../../../src/alerting/promql/functions/signatures';
import { FUNCTIONS, dropMetricName, formatGoFloat } from '../../../../../src/alerting/promql/functions';
import { parseGoFloat } from '../../../../../src/alerting/promql/functions/go-float';
import { goSearch, goSortArray } from '../../../../../src/alerting/promql/functions/go-sort';

describe('the function library', () => {
  it('implements exactly the functions of FUNCTION_SIGNATURES', () => {
    expect([...FUNCTIONS.keys()].sort()).toEqual([...FUNCTION_SIGNATURES.keys()].sort());
  });

  it('dropMetricName removes __name__ only', () => {
    const labels = new Map([
      ['__name__', 'up'],
      ['job', 'a'],
    ]);
    expect([...dropMetricName(labels)]).toEqual([['job', 'a']]);
    expect(labels.size).toBe(2);
  });
});

describe("formatGoFloat: Go's strconv.FormatFloat(v, 'f', -1, 64)", () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-1.5, '-1.5'],
    [0.1, '0.1'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [123456789012345680000, '123456789012345680000'],
    [5e-324, `0.${'0'.repeat(323)}5`],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%d -> %s', (v, text) => {
    expect(formatGoFloat(v)).toBe(text);
  });
});

describe("parseGoFloat: Go's strconv.ParseFloat(s, 64)", () => {
  it.each([
    ['0.1', 0.1],
    ['.2', 0.2],
    ['1e0', 1],
    ['2.0e-1', 0.2],
    ['+Inf', Infinity],
    ['+inf', Infinity],
    ['-Infinity', -Infinity],
    ['NaN', NaN],
    ['1_000', 1000],
    ['0x1p-2', 0.25],
    ['0x1.8p1', 3],
    ['1.', 1],
    ['1e-400', 0],
  ])('%s -> %d', (text, v) => {
    expect(parseGoFloat(text)).toBe(v);
  });

  it.each(['', 'abc', '1e400', '-1e400', '+NaN', '1__0', '_1', '0x1', '.', '1 ', ' 1', '0x'])('%j is an error', (text) => {
    expect(parseGoFloat(text)).toBeUndefined();
  });
});

describe("goSortArray: Go 1.19's sort.Sort", () => {
  it('sorts like any sort for distinct values, short and long', () => {
    for (const n of [0, 1, 5, 12, 13, 49, 50, 51, 200, 1000]) {
      const values = Array.from({ length: n }, (_, i) => (i * 7919) % 1009);
      const sorted = [...values];
      goSortArray(sorted, (a, b) => a < b);
      expect(sorted).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('sorts reversed, equal-heavy and NaN-bearing inputs without losing elements', () => {
    const inputs = [
      Array.from({ length: 300 }, (_, i) => 300 - i),
      Array.from({ length: 300 }, (_, i) => i % 3),
      Array.from({ length: 300 }, (_, i) => (i % 17 === 0 ? NaN : (i * 31) % 101)),
    ];
    for (const input of inputs) {
      const sorted = [...input];
      goSortArray(sorted, (a, b) => Number.isNaN(a) || a < b);
      expect(sorted).toHaveLength(input.length);
      const numbers = sorted.filter((v) => !Number.isNaN(v));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(sorted.filter((v) => Number.isNaN(v))).toHaveLength(input.filter((v) => Number.isNaN(v)).length);
    }
  });

  it('goSearch finds the first index where the predicate holds', () => {
    expect(goSearch(5, (i) => i >= 3)).toBe(3);
    expect(goSearch(5, () => false)).toBe(5);
    expect(goSearch(0, () => true)).toBe(0);
  });
});
