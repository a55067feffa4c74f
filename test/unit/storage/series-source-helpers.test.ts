import fc from 'fast-check';
import { sanitiseMetricName } from '../../../src/alerting/promql/measure-labels';
import { metricPatterns } from '../../../src/storage/mysql-series-source';
import { toPoints, usToMs } from '../../../src/storage/series-points';

/** MySQL's LIKE with only `_` wildcards (the patterns hold no % nor \), one character per code point. */
function like(pattern: string, text: string): boolean {
  const p = [...pattern];
  const t = [...text];
  return p.length === t.length && p.every((ch, i) => ch === '_' || ch === t[i]);
}

describe('metricPatterns', () => {
  it('holds every stored metric that sanitises to the name (superset)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.:/-]{1,12}$/), (metric) => {
        const patterns = metricPatterns(sanitiseMetricName(metric));
        expect(patterns?.some((pattern) => like(pattern, metric))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('names no stored metric can have select nothing', () => {
    expect(metricPatterns('9x')).toBeUndefined();
    expect(metricPatterns('a.b')).toBeUndefined();
    expect(metricPatterns('a%')).toBeUndefined();
  });

  it('covers the leading-digit prefix', () => {
    expect(metricPatterns('_9lives')).toEqual(['_9lives', '9lives']);
  });
});

describe('usToMs', () => {
  it('floors, negative times too, numbers and bigints alike', () => {
    expect(usToMs(1_700_000_000_123_999)).toBe(1_700_000_000_123);
    expect(usToMs(-1)).toBe(-1);
    expect(usToMs(-1000)).toBe(-1);
    expect(usToMs(-1001)).toBe(-2);
    expect(usToMs(9_007_199_254_740_991n)).toBe(9_007_199_254_740);
    expect(usToMs(8_999_999_999_999_999)).toBe(8_999_999_999_999);
  });

  it('is exact where a double division rounds up', () => {
    // 8999999999999999 / 1000 rounds to 9000000000000 as a double; the floor is 8999999999999.
    expect(usToMs(8_999_999_999_999_999n)).toBe(8_999_999_999_999);
  });
});

describe('toPoints', () => {
  it('truncates to the millisecond, the later sample of a millisecond wins', () => {
    const points = toPoints(
      [
        { tsUs: 1_000_100, seriesId: 1, value: 1 },
        { tsUs: 1_000_900, seriesId: 1, value: 2 },
        { tsUs: 1_001_000, seriesId: 1, value: 3 },
      ],
      true,
    );
    expect(points).toEqual([
      { t: 1000, v: 2 },
      { t: 1001, v: 3 },
    ]);
  });

  it('merges series of one label set in time order; at the same microsecond the higher id wins', () => {
    const points = toPoints(
      [
        { tsUs: 2_000_000, seriesId: 1, value: 1 },
        { tsUs: 3_000_000, seriesId: 1, value: 3 },
        { tsUs: 2_000_000, seriesId: 2, value: 2 },
        { tsUs: 1_000_000, seriesId: 2, value: 0 },
      ],
      false,
    );
    expect(points).toEqual([
      { t: 1000, v: 0 },
      { t: 2000, v: 2 },
      { t: 3000, v: 3 },
    ]);
  });
});
