import { ConfigError, loadConfig } from '../../../src/config';

describe('rollup and retention settings', () => {
  it('keep everything by default and run the rollup job every second', () => {
    const config = loadConfig({});
    expect(config.retention).toEqual({ rawDays: 0, rollupDays: 0, intervalMs: 600000, chunkRows: 5000 });
    expect(config.rollups).toEqual({ intervalMs: 1000 });
  });

  it('read the variables', () => {
    const config = loadConfig({ RETENTION_DAYS: '30', ROLLUP_RETENTION_DAYS: '400', RETENTION_INTERVAL_MS: '60000', RETENTION_CHUNK_ROWS: '2000', ROLLUP_INTERVAL_MS: '500' });
    expect(config.retention).toEqual({ rawDays: 30, rollupDays: 400, intervalMs: 60000, chunkRows: 2000 });
    expect(config.rollups.intervalMs).toBe(500);
  });

  it('refuse rollups that would expire before the raw rows they summarise', () => {
    expect(() => loadConfig({ ROLLUP_RETENTION_DAYS: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ RETENTION_DAYS: '30', ROLLUP_RETENTION_DAYS: '10' })).toThrow(/^ROLLUP_RETENTION_DAYS: /);
    expect(loadConfig({ RETENTION_DAYS: '30', ROLLUP_RETENTION_DAYS: '30' }).retention.rollupDays).toBe(30);
  });

  it('name a bad value', () => {
    expect(() => loadConfig({ RETENTION_DAYS: '-1' })).toThrow(/^RETENTION_DAYS: /);
    expect(() => loadConfig({ RETENTION_CHUNK_ROWS: '0' })).toThrow(/^RETENTION_CHUNK_ROWS: /);
  });
});
