import { formatE, formatF, formatG } from '../../../../src/alerting/rules/go-format';

/** Expected strings are what Go 1.19's fmt prints (the Go of Debian's Prometheus 2.42). */
describe('Go float formatting', () => {
  it.each([
    [0, '0'],
    [1e6, '1e+06'],
    [123456789, '1.23456789e+08'],
    [100000, '100000'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5, '1.5'],
    [123.456, '123.456'],
    [1e21, '1e+21'],
    [5e-324, '5e-324'],
    [-2.5, '-2.5'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%%v of %p is %p', (value, expected) => {
    expect(formatG(value)).toBe(expected);
  });

  it.each([
    [0, '0'],
    [1000, '1000'],
    [12345, '1.234e+04'],
    [100000, '1e+05'],
    [1.5, '1.5'],
    [-2.5, '-2.5'],
    [999.94, '999.9'],
    [999.95, '1000'],
    [9999.5, '1e+04'],
    [0.000123456, '0.0001235'],
    [0.0000123456, '1.235e-05'],
  ])('%%.4g of %p is %p', (value, expected) => {
    expect(formatG(value, 4)).toBe(expected);
  });

  it('rounds an exact tie half to even, like Go, not away from zero like toFixed', () => {
    expect(formatG(0.125, 2)).toBe('0.12');
    expect(formatG(0.375, 2)).toBe('0.38');
    expect(formatF(0.125, 2)).toBe('0.12');
    expect(formatF(0.5, 0)).toBe('0');
    expect(formatF(1.5, 0)).toBe('2');
    expect(formatF(2.5, 0)).toBe('2');
    // 2.675 is 2.67499999... in binary: below the tie
    expect(formatF(2.675, 2)).toBe('2.67');
  });

  it.each([
    [1, 2, '1.00'],
    [123.456, 0, '123'],
    [0.001, 2, '0.00'],
    [9.999, 2, '10.00'],
    [0.0999, 2, '0.10'],
    [-1.25, 1, '-1.2'],
    [1e20, 1, '100000000000000000000.0'],
  ])('%%.*f of %p with %p decimals is %p', (value, decimals, expected) => {
    expect(formatF(value, decimals)).toBe(expected);
  });

  it('formats %e with a two-digit exponent at least', () => {
    expect(formatE(12345, 2)).toBe('1.23e+04');
    expect(formatE(0, 2)).toBe('0.00e+00');
    expect(formatE(1e-100, 1)).toBe('1.0e-100');
  });
});
