import { parseLine, parseLineProtocol } from '../../../adapters/common/line-protocol';

describe('InfluxDB line protocol', () => {
  it('parses measurement, tags, typed fields and timestamp', () => {
    const point = parseLine('cpu,host=serverA,region=us-west usage=0.64,cores=8i,ok=t,free=12u,label="x y" 1434055562000000000');
    expect(point.measurement).toBe('cpu');
    expect([...point.tags]).toEqual([['host', 'serverA'], ['region', 'us-west']]);
    expect([...point.fields]).toEqual([
      ['usage', { type: 'float', value: 0.64 }],
      ['cores', { type: 'integer', value: 8n }],
      ['ok', { type: 'boolean', value: true }],
      ['free', { type: 'unsigned', value: 12n }],
      ['label', { type: 'string', value: 'x y' }],
    ]);
    expect(point.timestamp).toBe(1434055562000000000n);
  });

  it('keeps user-chosen keys such as __proto__ and constructor as data, not object properties', () => {
    const point = parseLine('m,__proto__=a,constructor=b,toString=c __proto__=1,constructor=2,hasOwnProperty=3');
    expect([...point.tags]).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c']]);
    expect([...point.fields.keys()]).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports bad lines with their line number and keeps the good ones', () => {
    const body = ['# a comment', 'cpu value=1 1000000000', 'cpu value=', '', 'cpu,host= value=1', 'cpu value=abc', 'cpu value=1 12:00', 'mem used=5', 'novalue', 'cpu value="unterminated', 'as in InfluxDB, a newline inside quotes stays in the line'].join('\n');
    const parsed = parseLineProtocol(body);
    expect(parsed.points.map((p) => p.line)).toEqual([2, 8]);
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 5, 6, 7, 9, 10]);
    expect(parsed.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/missing field value/),
      expect.stringMatching(/missing tag value/),
      expect.stringMatching(/invalid boolean "abc"/),
      expect.stringMatching(/bad timestamp/),
      expect.stringMatching(/missing fields/),
      expect.stringMatching(/unbalanced quotes/),
    ]);
  });
});
