/** Go float behaviour the evaluator reproduces: strconv formatting, math.Pow and math.Mod special cases. */
import { formatGoFloat, formatGoFloatV, goMod, goPow } from '../../../../src/alerting/promql/evaluator/go-math';
import { compareLabels, labelsKey } from '../../../../src/alerting/promql/evaluator/labels';
import { alignUp } from '../../../../src/alerting/promql/evaluator/subquery';

describe('formatGoFloat is strconv.FormatFloat(v, f, -1, 64)', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [123456789.125, '123456789.125'],
    [5e-324, `0.${'0'.repeat(323)}5`],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%p -> %s', (v, want) => {
    expect(formatGoFloat(v)).toBe(want);
  });
});

describe('formatGoFloatV is fmt %v', () => {
  it.each([
    [1e19, '1e+19'],
    [100000, '100000'],
    [1000000, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5, '-2.5'],
    [NaN, 'NaN'],
  ])('%p -> %s', (v, want) => {
    expect(formatGoFloatV(v)).toBe(want);
  });
});

describe('Go math special cases', () => {
  it('Pow', () => {
    expect(goPow(1, NaN)).toBe(1);
    expect(goPow(-1, Infinity)).toBe(1);
    expect(goPow(-1, -Infinity)).toBe(1);
    expect(goPow(2, 10)).toBe(1024);
    expect(goPow(-8, 1 / 3)).toBeNaN();
    expect(goPow(0, -1)).toBe(Infinity);
  });
  it('Mod has the sign of the dividend and NaN for a zero divisor or infinite dividend', () => {
    expect(goMod(-7, 3)).toBe(-1);
    expect(goMod(7, -3)).toBe(1);
    expect(goMod(5, 0)).toBeNaN();
    expect(goMod(Infinity, 2)).toBeNaN();
    expect(goMod(5, Infinity)).toBe(5);
    expect(Object.is(goMod(-6, 3), -0)).toBe(true);
  });
});

describe('subquery step alignment (Go integer division, then up)', () => {
  it.each([
    [0, 10, 0],
    [1, 10, 10],
    [-1, 10, 0],
    [-15, 10, -10],
    [-20, 10, -20],
    [1_700_000_000_123, 60_000, 1_700_000_040_000],
  ])('alignUp(%p, %p) = %p', (x, step, want) => {
    expect(alignUp(x, step) + 0).toBe(want);
  });
});

describe('label sets', () => {
  it('keys never confuse a separator inside a value with two labels', () => {
    const a = new Map([['a', 'x\u0001b\u0000y']]);
    const b = new Map([
      ['a', 'x'],
      ['b', 'y'],
    ]);
    expect(labelsKey(a)).not.toBe(labelsKey(b));
    expect(labelsKey(new Map([['b', '1'], ['a', '2']]))).toBe(labelsKey(new Map([['a', '2'], ['b', '1']])));
  });
  it('compare like labels.Compare: by name, then value, then length', () => {
    expect(compareLabels(new Map([['a', '1']]), new Map([['b', '1']]))).toBeLessThan(0);
    expect(compareLabels(new Map([['a', '2']]), new Map([['a', '1']]))).toBeGreaterThan(0);
    expect(compareLabels(new Map([['a', '1']]), new Map([['a', '1'], ['b', '1']]))).toBeLessThan(0);
    expect(compareLabels(new Map([['__name__', 'z']]), new Map([['a', '1']]))).toBeLessThan(0);
  });
});
