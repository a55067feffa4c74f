import { parseLine } from '../../../adapters/common/line-protocol';
import { DEFAULT_POINT_MAPPING, pointToMeasures, pointTimestamp } from '../../../adapters/common/point-measures';
import { MeasureValidator } from '../../../adapters/sdk';

describe('line-protocol points as measures', () => {
  it('takes experiment, unit and source from tags, the metric from measurement and field', () => {
    const point = parseLine('weather,experiment=EXP-7,host=station-1,unit=C,site=north temp=21.5,humidity=40i,raining=f,note="x" 1714564800123456789');
    const tags = { site: 'north' };
    expect(pointToMeasures(point, { ...DEFAULT_POINT_MAPPING })).toEqual([
      { experiment: 'EXP-7', metric: 'weather_temp', value: 21.5, timestamp: '2024-05-01T12:00:00.123456Z', source: 'station-1', unit: 'C', tags },
      { experiment: 'EXP-7', metric: 'weather_humidity', value: 40, timestamp: '2024-05-01T12:00:00.123456Z', source: 'station-1', unit: 'C', tags },
      { experiment: 'EXP-7', metric: 'weather_raining', value: 0, timestamp: '2024-05-01T12:00:00.123456Z', source: 'station-1', unit: 'C', tags },
    ]);
  });

  it('uses the request experiment and precision, the measurement alone for a "value" field, and now (truncated to the precision) without timestamp', () => {
    const mapping = { ...DEFAULT_POINT_MAPPING, experiment: 'EXP-Q', precision: 's' as const, now: () => 1714564800999 };
    expect(pointToMeasures(parseLine('load value=0.5 1714564800', 's'), mapping)).toEqual([{ experiment: 'EXP-Q', metric: 'load', value: 0.5, timestamp: 1714564800000 }]);
    expect(pointToMeasures(parseLine('load value=0.5'), mapping)[0]!.timestamp).toBe(1714564800000);
    expect(pointToMeasures(parseLine('load value=0.5'), { ...mapping, precision: 'ms' })[0]!.timestamp).toBe(1714564800999);
    expect(() => pointToMeasures(parseLine('load value=1'), { ...DEFAULT_POINT_MAPPING })).toThrow(/no experiment/);
  });

  it('gives no measure (and no error) for a point whose fields are all strings', () => {
    expect(pointToMeasures(parseLine('log,experiment=E msg="only text",level="info"'), { ...DEFAULT_POINT_MAPPING })).toEqual([]);
  });

  it('never merges two names: a name the contract cannot hold as sent is refused, not rewritten', () => {
    const mapping = { ...DEFAULT_POINT_MAPPING, experiment: 'E', now: () => 0 };
    expect(() => pointToMeasures(parseLine('température value=1'), mapping)).toThrow(/metric "température" is not a name MyMONIT stores/);
    expect(() => pointToMeasures(parseLine('tempèrature value=1'), mapping)).toThrow(/metric "tempèrature"/);
    expect(() => pointToMeasures(parseLine('cpu\\ load value=1'), mapping)).toThrow(/metric "cpu load"/);
    expect(() => pointToMeasures(parseLine('m,host=station\\ 1 value=1'), mapping)).toThrow(/source \(tag "host"\) "station 1"/);
    expect(() => pointToMeasures(parseLine('m,pièce=a value=1'), mapping)).toThrow(/tag key "pièce"/);
    // Tag values may be any text: they are kept as sent.
    expect(pointToMeasures(parseLine('m,lieu=salle\\ été value=1'), mapping)[0]!.tags).toEqual({ lieu: 'salle été' });
  });

  it('keeps tags named __proto__ and constructor as tags of the measure, which the contract accepts', () => {
    const [measure] = pointToMeasures(parseLine('m,__proto__=a,constructor=b value=1 0'), { ...DEFAULT_POINT_MAPPING, experiment: 'E' });
    expect(Object.keys(measure!.tags ?? {})).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(measure)).tags).toEqual(JSON.parse('{"__proto__":"a","constructor":"b"}'));
    expect(new MeasureValidator().errors(measure)).toEqual([]);
  });

  it('refuses an integer the measure value (a double) cannot hold exactly, and keeps the ones it can', () => {
    const mapping = { ...DEFAULT_POINT_MAPPING, experiment: 'E', now: () => 0 };
    expect(() => pointToMeasures(parseLine('m value=9007199254740993i'), mapping)).toThrow(/integer 9007199254740993 cannot be stored exactly/);
    expect(() => pointToMeasures(parseLine('m value=18446744073709551615u'), mapping)).toThrow(/cannot be stored exactly/);
    expect(pointToMeasures(parseLine('m value=9007199254740992i'), mapping)[0]!.value).toBe(2 ** 53);
    expect(pointToMeasures(parseLine('m value=-9223372036854775808i'), mapping)[0]!.value).toBe(-(2 ** 63));
  });

  it('turns negative (pre-1970) and sub-millisecond timestamps into exact RFC 3339 strings', () => {
    const now = () => 0;
    expect(pointTimestamp(-1n, 'ns', now)).toBe('1969-12-31T23:59:59.999999Z');
    expect(pointTimestamp(-1_500n, 'us', now)).toBe('1969-12-31T23:59:59.998500Z');
    expect(pointTimestamp(-1n, 's', now)).toBe('1969-12-31T23:59:59.000000Z');
    expect(pointTimestamp(1n, 'h', now)).toBe(3_600_000);
    expect(pointTimestamp(1_714_564_800_123_456_789n, 'ns', now)).toBe('2024-05-01T12:00:00.123456Z');
    expect(new MeasureValidator().errors({ experiment: 'E', metric: 'm', value: 1, timestamp: pointTimestamp(-9_223_372_036_854_775_806n, 'ns', now) })).toEqual([]);
  });
});
