import { parseCsvLine } from '../../../adapters/common/csv';
import { parseTimestamp } from '../../../adapters/common/timestamps';
import { CsvRecordParser, JsonLinesRecordParser } from '../../../adapters/file/record-parser';

describe('parseCsvLine', () => {
  it('splits plain and quoted fields, with doubled quotes and delimiters inside quotes', () => {
    expect(parseCsvLine('a,b,,d')).toEqual(['a', 'b', '', 'd']);
    expect(parseCsvLine('"a,1","say ""hi""",x\r')).toEqual(['a,1', 'say "hi"', 'x']);
    expect(parseCsvLine('x;"y;z"', ';')).toEqual(['x', 'y;z']);
    expect(parseCsvLine('""')).toEqual(['']);
  });

  it('refuses an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsvLine('a,"b')).toThrow(/unterminated quoted field starting at column 3/);
    expect(() => parseCsvLine('"a"b,c')).toThrow(/after the quoted field/);
    expect(() => parseCsvLine('a,b"c')).toThrow(/quote inside an unquoted field/);
  });
});

describe('parseTimestamp', () => {
  it('keeps RFC 3339 strings and turns epoch units into exact milliseconds or microsecond strings', () => {
    expect(parseTimestamp('2024-05-01T12:00:00Z', 'rfc3339')).toBe('2024-05-01T12:00:00Z');
    expect(parseTimestamp('1714564800', 'epoch_s')).toBe(1714564800000);
    expect(parseTimestamp('1714564800.5', 'epoch_s')).toBe(1714564800500);
    expect(parseTimestamp('1714564800123', 'epoch_ms')).toBe(1714564800123);
    expect(parseTimestamp('1714564800123456', 'epoch_us')).toBe('2024-05-01T12:00:00.123456Z');
    expect(parseTimestamp('1714564800123456789', 'epoch_ns')).toBe('2024-05-01T12:00:00.123456Z');
    expect(parseTimestamp('1714564800123000000', 'epoch_ns')).toBe(1714564800123);
  });

  it('refuses what is not a timestamp', () => {
    expect(() => parseTimestamp('yesterday', 'rfc3339')).toThrow(/not an RFC 3339/);
    expect(() => parseTimestamp('2024-05-01T12:00:00', 'rfc3339')).toThrow(/offset/);
    expect(() => parseTimestamp('12:00', 'epoch_ms')).toThrow(/not a number of ms/);
    expect(() => parseTimestamp('-5', 'epoch_ms')).toThrow(/before 1970/);
  });
});

describe('CsvRecordParser (column mapping)', () => {
  const csv = { delimiter: ',', quote: '"', header: true };

  it('reads columns named like the measure fields when nothing is mapped', () => {
    const parser = new CsvRecordParser(csv, {}, 'EXP-DEFAULT');
    expect(parser.wantsHeader).toBe(true);
    parser.header('metric,value,timestamp,source,unit');
    expect(parser.parse('temp,21.5,2024-05-01T12:00:00Z,s1,C')).toEqual({
      ok: true,
      measures: [{ experiment: 'EXP-DEFAULT', metric: 'temp', value: 21.5, timestamp: '2024-05-01T12:00:00Z', source: 's1', unit: 'C' }],
    });
    // numeric timestamps are epoch milliseconds unless a format says otherwise
    expect(parser.parse('temp,1,1714564800000,,')).toMatchObject({ ok: true, measures: [{ timestamp: 1714564800000 }] });
  });

  it('maps renamed columns, constants, tags and timestamp formats', () => {
    const parser = new CsvRecordParser(csv, {
      experiment: { value: 'EXP-1' },
      metric: { column: 'what' },
      value: { column: 'reading' },
      source: { column: 'sensor' },
      unit: { value: 'degC' },
      timestamp: { column: 'ts', format: 'epoch_s' },
      tags: { room: { column: 'room' }, site: { value: 'north' } },
    });
    parser.header('ts,sensor,what,reading,room');
    expect(parser.parse('1714564800,t-01,temperature,-3.25,"B,2"')).toEqual({
      ok: true,
      measures: [
        {
          experiment: 'EXP-1',
          metric: 'temperature',
          value: -3.25,
          timestamp: 1714564800000,
          source: 't-01',
          unit: 'degC',
          tags: { room: 'B,2', site: 'north' },
        },
      ],
    });
  });

  it('turns a wide row into one measure per non-empty value column', () => {
    const parser = new CsvRecordParser(
      { ...csv, header: false, columns: ['time', 'station', 'temp', 'hum'] },
      {
        timestamp: { column: 'time', format: 'rfc3339' },
        source: { column: 'station' },
        metrics: { temperature: { column: 'temp', unit: 'C' }, humidity: { column: 'hum', unit: '%' } },
      },
      'EXP-W',
    );
    expect(parser.wantsHeader).toBe(false);
    const result = parser.parse('2024-05-01T00:00:00+02:00,st1,12.5,');
    expect(result).toEqual({
      ok: true,
      measures: [{ experiment: 'EXP-W', metric: 'temperature', value: 12.5, unit: 'C', source: 'st1', timestamp: '2024-05-01T00:00:00+02:00' }],
    });
  });

  it('says what is wrong with a malformed row', () => {
    const parser = new CsvRecordParser(csv, {}, 'E');
    parser.header('metric,value,timestamp');
    expect(parser.parse('temp,"21.5,2024-05-01T12:00:00Z')).toEqual({ ok: false, error: expect.stringMatching(/malformed CSV: unterminated/) });
    expect(parser.parse('temp,21.5')).toEqual({ ok: false, error: 'malformed CSV: 2 fields, the header has 3' });
    expect(parser.parse('temp,warm,2024-05-01T12:00:00Z')).toEqual({ ok: false, error: expect.stringMatching(/"warm" .* not a finite number/) });
    expect(parser.parse('temp,1,noon')).toEqual({ ok: false, error: expect.stringMatching(/not an RFC 3339/) });
    const noDefault = new CsvRecordParser(csv, {});
    noDefault.header('metric,value');
    expect(noDefault.parse('temp,1')).toEqual({ ok: false, error: expect.stringMatching(/no experiment/) });
  });
});

describe('JsonLinesRecordParser', () => {
  it('takes each line as a contract body, filling in the default experiment', () => {
    const parser = new JsonLinesRecordParser(undefined, 'EXP-J');
    expect(parser.parse('{"metric":"m","value":1,"timestamp":5}')).toEqual({
      ok: true,
      measures: [{ experiment: 'EXP-J', metric: 'm', value: 1, timestamp: 5 }],
    });
    expect(parser.parse('{"measures":[{"experiment":"X","metric":"m","value":1,"timestamp":5}]}')).toMatchObject({
      ok: true,
      measures: [{ experiment: 'X' }],
    });
    expect(parser.parse('{"metric": ')).toEqual({ ok: false, error: expect.stringMatching(/^malformed JSON/) });
    expect(parser.parse('42')).toEqual({ ok: false, error: expect.stringMatching(/was expected/) });
  });

  it('maps dotted paths of arbitrary objects', () => {
    const parser = new JsonLinesRecordParser(
      { metric: { value: 'power' }, value: { column: 'data.watts' }, source: { column: 'device.id' }, timestamp: { column: 'at', format: 'epoch_ms' } },
      'EXP-J',
    );
    expect(parser.parse('{"at":1714564800000,"device":{"id":"pm-3"},"data":{"watts":812}}')).toEqual({
      ok: true,
      measures: [{ experiment: 'EXP-J', metric: 'power', value: 812, source: 'pm-3', timestamp: 1714564800000 }],
    });
  });
});
