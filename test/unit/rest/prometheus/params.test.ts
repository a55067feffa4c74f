import { PromqlError } from '../../../../src/alerting/promql/engine-api';
import { durationParam, FormParams, parseDuration, parseTime, timeParam } from '../../../../src/rest/prometheus/params';

describe('FormParams', () => {
  it('reads body values before query-string values, repeated names in order', () => {
    const form = new FormParams('match%5B%5D=b&query=q1&x=1', 'match[]=a&query=q0');
    expect(form.all('match[]')).toEqual(['a', 'b']);
    expect(form.get('query')).toBe('q0');
    expect(form.get('missing')).toBe('');
  });

  it("decodes + as a space and %XX, like Go's url.ParseQuery", () => {
    expect(new FormParams('query=sum%28up%29+by+(job)').get('query')).toBe('sum(up) by (job)');
  });
});

describe('parseTime', () => {
  it.each([
    ['1700000000', 1700000000000],
    ['1700000000.123', 1700000000123],
    ['1.0005', 1000],
    ['1.0015', 1002],
    ['-1.5', -1500],
    ['1e3', 1_000_000],
    ['.5', 500],
    ['2023-01-01T00:00:00Z', 1672531200000],
    ['2023-01-01T00:00:00.123456789Z', 1672531200123],
    ['2023-01-01T02:00:00+02:00', 1672531200000],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it("reads Prometheus's min and max time texts as unbounded", () => {
    expect(parseTime('-292273086-05-16T16:47:06Z')).toBe(-Infinity);
    expect(parseTime('292277025-08-18T07:12:54.999999999Z')).toBe(Infinity);
  });

  it.each(['abc', '0x10', '2023-01-01t00:00:00Z', '2023-02-30T00:00:00Z', '', 'NaN', 'Inf', '1_000', '2023-01-01T00:00:00', '2016-12-31T23:59:60Z', '2017-01-01T00:59:60+01:00'])(
    'refuses %j',
    (text) => {
      expect(() => parseTime(text)).toThrow(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
    },
  );

  it('words a bad parameter as Prometheus does', () => {
    const error = (() => {
      try {
        timeParam(new FormParams('time=abc'), 'time', 0);
      } catch (e) {
        return e as PromqlError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(PromqlError);
    expect(error.errorType).toBe('bad_data');
    expect(error.message).toBe(`invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp`);
    expect(timeParam(new FormParams(''), 'time', 42)).toBe(42);
  });
});

describe('parseDuration', () => {
  it.each([
    ['15', 15000],
    ['0.5', 500],
    ['0', 0],
    ['-1', -1000],
    ['1.5e-7', 0.00015],
    ['1m', 60000],
    ['1h30m', 5_400_000],
    ['1y2w', 365 * 86_400_000 + 14 * 86_400_000],
    ['250ms', 250],
    ['1d1ms', 86_400_001],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', 'abc', '1m1h', '1.5m', '-1s', '1S', '5 m'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(`cannot parse ${JSON.stringify(text)} to a valid duration`);
  });

  it('refuses what overflows int64 nanoseconds', () => {
    expect(() => parseDuration('1e10')).toThrow('cannot parse "1e10" to a valid duration. It overflows int64');
    expect(() => parseDuration('300y')).toThrow('cannot parse "300y" to a valid duration');
  });

  it('NaN is not positive', () => {
    expect(parseDuration('NaN') > 0).toBe(false);
  });

  it('words a bad parameter as Prometheus does', () => {
    expect(() => durationParam(new FormParams('step='), 'step')).toThrow('invalid parameter "step": cannot parse "" to a valid duration');
  });
});
