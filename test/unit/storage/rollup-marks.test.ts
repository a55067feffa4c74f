import { rollupDeltaSql } from '../../../src/storage/rollup-marks';

/** A minute start, 40 minutes into its hour. */
const T = 1_700_000_040_000_000n;
const HOUR = T - (T % 3_600_000_000n);
const BIG = 1.7e308;

describe('rollupDeltaSql: a partial sum past the double range is stored as NULL, never as Infinity', () => {
  it('two values of 1.7e308 in one minute: NULL minute and hour totals, valid SQL', () => {
    const [minute, hour] = rollupDeltaSql([
      [1, T, BIG],
      [1, T + 1n, BIG],
      [2, T, 2.5],
    ]);
    expect(T % 60_000_000n).toBe(0n);
    for (const [sql, bucket] of [[minute, T], [hour, HOUR]] as const) {
      expect(sql).not.toMatch(/Infinity|NaN/);
      expect(sql).toContain(`(1,${bucket},2,NULL,1.7e+308,1.7e+308,${T + 1n},1.7e+308)`);
      expect(sql).toContain(`(2,${bucket},1,2.5,2.5,2.5,${T},2.5)`);
    }
  });

  it('minutes in range whose hour is not: the hour total is NULL', () => {
    const [minute, hour] = rollupDeltaSql([
      [1, T, BIG],
      [1, T + 60_000_000n, BIG],
    ]);
    expect(minute).not.toContain('NULL,');
    expect(hour).toContain(',2,NULL,');
  });

  it('adding to a stored total cannot fail the statement: the sum is tested first, exactly', () => {
    const [minute] = rollupDeltaSql([[1, T, 1]]);
    expect(minute).toContain('total = IF(ABS(total * 0.5e0 + VALUES(total) * 0.5e0) <= 8.988465674311579e307, total + VALUES(total), NULL)');
  });
});
