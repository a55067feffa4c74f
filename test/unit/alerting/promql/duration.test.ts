import fc from 'fast-check';
import { formatDuration, parseApiDuration, parseDuration } from '../../../../src/alerting/promql/duration';
import { PromqlError } from '../../../../src/alerting/promql/engine-api';

describe('parseDuration (Prometheus model.ParseDuration)', () => {
  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1s500ms', 1500],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['1y2w3d4h5m6s7ms', 31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6000 + 7],
    ['0', 0],
    ['0s', 0],
    ['90m', 5_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '1.5m', '5M', '1m1h', 'm', '5 m', '-5m', '1h1h', '5min', '1ms1s'])('refuses %j with bad_data', (text) => {
    expect(() => parseDuration(text)).toThrow(PromqlError);
    try {
      parseDuration(text);
    } catch (err) {
      expect((err as PromqlError).errorType).toBe('bad_data');
    }
  });

  it('refuses a duration beyond what Go time.Duration holds', () => {
    expect(() => parseDuration('300y')).toThrow('duration out of range');
  });
});

describe('formatDuration (Prometheus Duration.String)', () => {
  it.each([
    [0, '0s'],
    [5_400_000, '1h30m'],
    [500, '500ms'],
    [1500, '1s500ms'],
    [86_400_000 * 90, '90d'],
    [604_800_000 * 2, '2w'],
    [31_536_000_000, '1y'],
    [604_800_000 + 86_400_000, '8d'],
    [15_000, '15s'],
    [-300_000, '-5m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips every non-negative integer number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 290 * 31_536_000_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe('parseApiDuration (the HTTP API: float seconds or a duration)', () => {
  it.each([
    ['15', 15_000],
    ['0.5', 500],
    ['15s', 15_000],
    ['1m', 60_000],
    ['1e1', 10_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseApiDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '5 m', '1.5m'])('refuses %j', (text) => {
    expect(() => parseApiDuration(text)).toThrow(/cannot parse/);
  });
});
