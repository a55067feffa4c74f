import {
  formatFloatE,
  formatFloatF,
  formatPointTime,
  formatSampleValue,
  formatScalarTime,
} from '../../../../src/rest/prometheus/go-float';

// Expected strings are what Debian's Prometheus 2.42 answered for `1e21`, `vector(1e21)` etc.
describe("Go's strconv.FormatFloat(v, 'f', -1, 64): scalars", () => {
  it.each([
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-0, '-0'],
    [0, '0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [Number.NaN, 'NaN'],
    [1e-6, '0.000001'],
    [Number("123456789012345678901"), '123456789012345680000'],
    [0.000001234, '0.000001234'],
    [1.5, '1.5'],
    [-12345.678, '-12345.678'],
    [100, '100'],
  ])('%p -> %s', (value, text) => {
    expect(formatFloatF(value)).toBe(text);
  });

  it('writes the smallest subnormal without an exponent', () => {
    expect(formatFloatF(5e-324)).toBe(`0.${'0'.repeat(323)}5`);
  });

  it('reads back as the same double', () => {
    for (const v of [Math.PI, 1 / 3, 2 ** 60, 9007199254740992, 1.7976931348623157e308, 2.2250738585072014e-308]) {
      expect(Number(formatFloatF(v))).toBe(v);
    }
  });
});

describe("Prometheus's marshalValue: vector and matrix samples", () => {
  it.each([
    [1e21, '1e+21'],
    [1e-7, '1e-07'],
    [-0, '-0'],
    [Infinity, '+Inf'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number("123456789012345678901"), '123456789012345680000'],
    [1e20, '100000000000000000000'],
    [1e-6, '0.000001'],
    [-2.5e-9, '-2.5e-09'],
    [1.5, '1.5'],
  ])('%p -> %s', (value, text) => {
    expect(formatSampleValue(value)).toBe(text);
  });

  it("'e' of zero", () => {
    expect(formatFloatE(0)).toBe('0e+00');
  });
});

describe('timestamps', () => {
  it('points: seconds with all three millisecond digits', () => {
    expect(formatPointTime(1700000000100)).toBe('1700000000.100');
    expect(formatPointTime(1700000000050)).toBe('1700000000.050');
    expect(formatPointTime(1700000000000)).toBe('1700000000');
    expect(formatPointTime(-1500)).toBe('-1.500');
    expect(formatPointTime(5)).toBe('0.005');
  });

  it('scalars: the shortest float', () => {
    expect(formatScalarTime(1700000000100)).toBe('1700000000.1');
    expect(formatScalarTime(1700000000050)).toBe('1700000000.05');
    expect(formatScalarTime(-1500)).toBe('-1.5');
  });
});
