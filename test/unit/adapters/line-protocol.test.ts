import { DEFAULT_POINT_MAPPING, parseLine, parseLineProtocol, pointToMeasures } from '../../../adapters/common/line-protocol';

describe('InfluxDB line protocol', () => {
  it('parses measurement, tags, typed fields and timestamp', () => {
    expect(parseLine('cpu,host=serverA,region=us-west usage=0.64,cores=8i,ok=t,free=12u,label="x y" 1434055562000000000')).toEqual({
      measurement: 'cpu',
      tags: { host: 'serverA', region: 'us-west' },
      fields: { usage: 0.64, cores: 8, ok: true, free: 12, label: 'x y' },
      timestamp: '1434055562000000000',
    });
    expect(parseLine('temp value=-1.5e2')).toEqual({ measurement: 'temp', tags: {}, fields: { value: -150 }, timestamp: undefined });
  });

  it('unescapes commas, spaces, equals signs, quotes and backslashes where the protocol escapes them', () => {
    const point = parseLine('my\\ meas\\,ure,tag\\ key=tag\\=val\\,ue field\\ k=1,s="say \\"hi\\" \\\\o/" 10');
    expect(point.measurement).toBe('my meas,ure');
    expect(point.tags).toEqual({ 'tag key': 'tag=val,ue' });
    expect(point.fields).toEqual({ 'field k': 1, s: 'say "hi" \\o/' });
    expect(point.timestamp).toBe('10');
  });

  it('reports bad lines with their line number and keeps the good ones', () => {
    const body = [
      '# a comment',
      'cpu value=1 1000000000',
      'cpu value=',
      '',
      'cpu,host= value=1',
      'cpu value=abc',
      'cpu value=1 12:00',
      'cpu value="unterminated',
      'mem used=5',
      'novalue',
    ].join('\n');
    const parsed = parseLineProtocol(body);
    expect(parsed.points.map((p) => p.line)).toEqual([2, 9]);
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 5, 6, 7, 8, 10]);
    expect(parsed.errors[0].message).toMatch(/field "value" has no value/);
    expect(parsed.errors[1].message).toMatch(/tag "host" has an empty value/);
    expect(parsed.errors[2].message).toMatch(/invalid value "abc"/);
    expect(parsed.errors[3].message).toMatch(/invalid timestamp/);
    expect(parsed.errors[4].message).toMatch(/unterminated string/);
  });

  it('turns points into measures: experiment, unit and source from tags, metric from measurement and field', () => {
    const { points } = parseLineProtocol('weather,experiment=EXP-7,host=station 1,unit=C,site=north temp=21.5,humidity=40i,raining=f,note="x" 1714564800123456789');
    expect(points).toHaveLength(0); // an unescaped space in a tag value ends the tags
    const point = parseLine('weather,experiment=EXP-7,host=station\\ 1,unit=C,site=north temp=21.5,humidity=40i,raining=f,note="x" 1714564800123456789');
    const measures = pointToMeasures(point, { ...DEFAULT_POINT_MAPPING });
    expect(measures).toEqual([
      { experiment: 'EXP-7', metric: 'weather_temp', value: 21.5, timestamp: '2024-05-01T12:00:00.123456Z', source: 'station_1', unit: 'C', tags: { site: 'north' } },
      { experiment: 'EXP-7', metric: 'weather_humidity', value: 40, timestamp: '2024-05-01T12:00:00.123456Z', source: 'station_1', unit: 'C', tags: { site: 'north' } },
      { experiment: 'EXP-7', metric: 'weather_raining', value: 0, timestamp: '2024-05-01T12:00:00.123456Z', source: 'station_1', unit: 'C', tags: { site: 'north' } },
    ]);
  });

  it('uses the request experiment and precision, the measurement alone for a "value" field, and now without timestamp', () => {
    const mapping = { ...DEFAULT_POINT_MAPPING, experiment: 'EXP-Q', precision: 's' as const, now: () => 42 };
    expect(pointToMeasures(parseLine('load value=0.5 1714564800'), mapping)).toEqual([
      { experiment: 'EXP-Q', metric: 'load', value: 0.5, timestamp: 1714564800000 },
    ]);
    expect(pointToMeasures(parseLine('load value=0.5'), mapping)[0].timestamp).toBe(42);
    expect(() => pointToMeasures(parseLine('load value=1'), { ...DEFAULT_POINT_MAPPING })).toThrow(/no experiment/);
    expect(() => pointToMeasures(parseLine('log msg="only text"'), mapping)).toThrow(/no numeric or boolean field/);
  });
});
