import {
  epochMsToUs,
  formatTimestampUs,
  MAX_TIMESTAMP_US,
  MIN_TIMESTAMP_US,
  parseTimestampUs,
  timestampFromDecimal,
  timestampMs,
} from '../../../../lib/contract/timestamp';

describe('the one RFC 3339 parser (lib/contract/timestamp.ts)', () => {
  it('reads the first and last microseconds of years 0000-9999 exactly, and nothing beyond them', () => {
    expect(parseTimestampUs('0000-01-01T00:00:00Z')).toBe(MIN_TIMESTAMP_US);
    expect(parseTimestampUs('9999-12-31T23:59:59.999999Z')).toBe(MAX_TIMESTAMP_US);
    expect(parseTimestampUs('0000-01-01T00:00:00+00:01')).toBeUndefined();
    expect(parseTimestampUs('9999-12-31T23:59:59.999999-00:01')).toBeUndefined();
    expect(parseTimestampUs('10000-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    ['2024-13-01T00:00:00Z', 'month 13'],
    ['2024-01-32T00:00:00Z', 'day 32'],
    ['2024-02-30T00:00:00Z', 'Feb 30'],
    ['2100-02-29T00:00:00Z', 'Feb 29 of a century that is no leap year'],
    ['2024-01-01T29:00:00Z', 'hour 29'],
    ['2024-01-01T24:00:00Z', 'hour 24'],
    ['2024-01-01T23:59:60+01:00', 'a leap second at 22:59 UTC'],
    ['2024-01-01T00:00:00+99:99', 'offset +99:99'],
    ['2024-01-01T00:00:00+0100', 'an ISO 8601 basic offset'],
    ['2024-01-01T00:00:00', 'no offset'],
    ['2024-01-01\t00:00:00Z', 'a tab for a separator'],
    ['2024-01-01T00:00:00.Z', 'an empty fraction'],
    ['２０２４-01-01T00:00:00Z', 'non-ASCII digits'],
  ])('refuses %s (%s)', (text) => {
    expect(parseTimestampUs(text)).toBeUndefined();
  });

  it('accepts what RFC 3339 writes: lowercase t and z, a space, offsets up to 23:59, a leap second at 23:59 UTC', () => {
    expect(parseTimestampUs('2000-02-29t12:00:00z')).toBe(BigInt(Date.parse('2000-02-29T12:00:00Z')) * 1000n);
    expect(parseTimestampUs('2000-02-29 12:00:00-23:59')).toBe(BigInt(Date.parse('2000-03-01T11:59:00Z')) * 1000n);
    expect(parseTimestampUs('1990-12-31T15:59:60-08:00')).toBe(BigInt(Date.parse('1990-12-31T23:59:59.999Z')) * 1000n + 999n);
  });

  it('formats what it parses back to the same microsecond, across the whole range', () => {
    let seed = 12345n;
    const span = MAX_TIMESTAMP_US - MIN_TIMESTAMP_US + 1n;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      const us = MIN_TIMESTAMP_US + (seed % span);
      const text = formatTimestampUs(us);
      expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(parseTimestampUs(text)).toBe(us);
    }
  });

  it('converts epoch milliseconds to the nearest microsecond, exactly past 2^53 µs', () => {
    expect(epochMsToUs(253402300799999)).toBe(253_402_300_799_999_000n);
    expect(epochMsToUs(253402300799998.5)).toBe(253_402_300_799_998_500n);
    // 2^-9 ms apart at this size: the double holds .99609375 exactly, and its nearest microsecond is .996.
    expect(epochMsToUs(9007199254740.99609375)).toBe(9_007_199_254_740_996n);
    expect(epochMsToUs(1709296496123.456)).toBe(1_709_296_496_123_456n);
    expect(epochMsToUs(-0)).toBe(0n);
  });

  it('reads cursor timestamps as decimal text within the range only', () => {
    expect(timestampFromDecimal('253402300799999999')).toBe(MAX_TIMESTAMP_US);
    expect(timestampFromDecimal('-62167219200000000')).toBe(MIN_TIMESTAMP_US);
    expect(timestampFromDecimal('253402300800000000')).toBeUndefined();
    expect(timestampFromDecimal('1e3')).toBeUndefined();
    expect(timestampFromDecimal('')).toBeUndefined();
    expect(timestampMs(-1n)).toBe(-1);
  });
});
