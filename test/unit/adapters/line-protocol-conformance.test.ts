import { parseLineProtocol, type FieldValue, type Point, type Precision } from '../../../adapters/common/line-protocol';

/**
 * The line-protocol parser agrees with InfluxDB 1.x, case by case. Each expected result is InfluxDB 1.x's
 * documented behaviour, from:
 *   [points]   influxdata/influxdb (1.x), models/points_test.go: the test named in `source`
 *   [parser]   influxdata/influxdb (1.x), models/points.go: ParsePointsWithPrecision, scanLine, scanKey,
 *              scanTagsKey/Value, scanFields, scanNumber, scanBoolean, scanTime, unescapeStringField
 *   [time]     influxdata/influxdb (1.x), models/time.go: SafeCalcTime, MinNanoTime = MinInt64 + 2,
 *              MaxNanoTime = MaxInt64 - 1
 *   [ref]      InfluxDB 1.x line protocol reference (docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference):
 *              data types (float, integer with i, string, boolean t/T/true/True/TRUE/f/F/false/False/FALSE),
 *              special characters and escaping, comments
 * One deliberate difference, marked `deviation`: unsigned integers (`12u`) are accepted, as InfluxDB 2.x
 * and 1.x with uint support do (1.x OSS refuses them by default with "invalid number").
 */
type Expected = { measurement: string; tags?: Array<[string, string]>; fields: Array<[string, FieldValue]>; timestamp?: bigint } | { error: RegExp };
interface Case {
  line: string;
  precision?: Precision;
  /** One point, or an error; `points` for bodies of several lines; `skipped` for a body with no point. */
  expect?: Expected;
  points?: number;
  source: string;
  deviation?: string;
}

const F = (value: number): FieldValue => ({ type: 'float', value });
const I = (value: bigint): FieldValue => ({ type: 'integer', value });
const U = (value: bigint): FieldValue => ({ type: 'unsigned', value });
const B = (value: boolean): FieldValue => ({ type: 'boolean', value });
const S = (value: string): FieldValue => ({ type: 'string', value });
const err = (error: RegExp): Expected => ({ error });
const cpu = (fields: Array<[string, FieldValue]>, timestamp?: bigint, tags: Array<[string, string]> = []): Expected => ({ measurement: 'cpu', tags, fields, timestamp });
const MAX_FLOAT = `${BigInt(Number.MAX_VALUE)}.0`; // strconv.FormatFloat(math.MaxFloat64, 'f', 1, 64)

const CASES: Case[] = [
  // Comments and blank lines
  { line: '# comment only', points: 0, source: '[points] TestParsePointsWithPrecisionComments' },
  { line: '\t# a point is below\ncpu value=1.0 946730096789012345', points: 1, source: '[points] TestParsePointsWithPrecisionComments (indented comment)' },
  { line: 'cpu value=1i 1000000000\n\ncpu value=2i 2000000000', points: 2, source: '[points] TestParsePointsBlankLine' },
  { line: '   \t  ', points: 0, source: '[parser] ParsePointsWithPrecision: a line all whitespace is skipped' },
  // Whitespace
  { line: 'cpu    value=1.0 1257894000000000000', expect: cpu([['value', F(1)]], 1257894000000000000n), source: '[points] TestParsePointWhitespace' },
  { line: 'cpu value=1.0     1257894000000000000   ', expect: cpu([['value', F(1)]], 1257894000000000000n), source: '[points] TestParsePointWhitespace' },
  // Measurement
  { line: 'foo\\,bar value=1i', expect: { measurement: 'foo,bar', fields: [['value', I(1n)]] }, source: '[points] TestParsePointUnescape (commas in measurement name)' },
  { line: 'cpu\\ load,region=east value=1.0', expect: { measurement: 'cpu load', tags: [['region', 'east']], fields: [['value', F(1)]] }, source: '[points] TestParsePointUnescape (spaces in measurement name)' },
  { line: 'cpu\\=load,region=east value=1.0', expect: { measurement: 'cpu\\=load', tags: [['region', 'east']], fields: [['value', F(1)]] }, source: '[points] TestParsePointUnescape (backslash is literal)' },
  { line: 'cpu=load,region=east value=1.0', expect: { measurement: 'cpu=load', tags: [['region', 'east']], fields: [['value', F(1)]] }, source: '[points] TestParsePointUnescape (literal equals)' },
  { line: '"cpu",host=serverA value=1.0 1000000000', expect: { measurement: '"cpu"', tags: [['host', 'serverA']], fields: [['value', F(1)]], timestamp: 1000000000n }, source: '[points] TestParsePointQuotedMeasurement' },
  { line: ',cpu value=1', expect: err(/missing measurement/), source: '[parser] scanMeasurement' },
  { line: 'cpu', expect: err(/missing fields/), source: '[parser] scanMeasurement' },
  { line: 'cpu,host=a', expect: err(/missing fields/), source: '[parser] scanTagsValue' },
  // Tag keys and values
  { line: 'cpu,region\\,zone=east value=1.0', expect: cpu([['value', F(1)]], undefined, [['region,zone', 'east']]), source: '[points] TestParsePointUnescape (commas in tag names)' },
  { line: 'cpu,region\\ zone=east value=1.0', expect: cpu([['value', F(1)]], undefined, [['region zone', 'east']]), source: '[points] TestParsePointUnescape (spaces in tag name)' },
  { line: 'cpu,reg\\\\=ion=east value=1.0', expect: cpu([['value', F(1)]], undefined, [['reg\\=ion', 'east']]), source: '[points] TestParsePointUnescape (backslash with escaped equals)' },
  { line: 'cpu,\\ =east value=1.0', expect: cpu([['value', F(1)]], undefined, [[' ', 'east']]), source: '[points] TestParsePointUnescape (space is tag name)' },
  { line: 'cpu,regions=east\\,west value=1.0', expect: cpu([['value', F(1)]], undefined, [['regions', 'east,west']]), source: '[points] TestParsePointUnescape (commas in tag values)' },
  { line: 'cpu,regions=east\\ west value=1.0', expect: cpu([['value', F(1)]], undefined, [['regions', 'east west']]), source: '[points] TestParsePointUnescape (spaces in tag values)' },
  { line: 'cpu,regions=\\\\ east value=1.0', expect: cpu([['value', F(1)]], undefined, [['regions', '\\ east']]), source: '[points] TestParsePointUnescape (backslash literal, escaped space)' },
  { line: 'cpu,regions=east\\\\  value=1.0', expect: cpu([['value', F(1)]], undefined, [['regions', 'east\\ ']]), source: '[points] TestParsePointUnescape (backslash literal, trailing space)' },
  { line: 'cpu,regions=eas\\t value=1.0', expect: cpu([['value', F(1)]], undefined, [['regions', 'eas\\t']]), source: '[points] TestParsePointUnescape (random character escaped)' },
  { line: 'cpu,regions=\\\\,\\,\\=east value=1.0', expect: cpu([['value', F(1)]], undefined, [['regions', '\\,,=east']]), source: '[points] TestParsePointUnescape (backslash literal, escaped characters)' },
  { line: 'cpu=load,equals\\=foo=tag\\=value value=1i', expect: { measurement: 'cpu=load', tags: [['equals=foo', 'tag=value']], fields: [['value', I(1n)]] }, source: '[points] TestParsePointUnescape (equals)' },
  { line: 'cpu,"host"="serverA",region=us-east value=1.0', expect: cpu([['value', F(1)]], undefined, [['"host"', '"serverA"'], ['region', 'us-east']]), source: '[points] TestParsePointQuotedTags' },
  { line: 'baz,mytag="a x=1 1441103862125\nbaz,mytag=a z=1 1441103862126', points: 2, source: '[points] TestParsePointsUnbalancedQuotedTags' },
  { line: 't159,label=hey\\ "ya a=1i,value=0i\nt159,label=another a=2i,value=1i 1', points: 2, source: '[points] TestParsePointsQuotesInTags' },
  { line: 'cpu, value=1', expect: err(/missing tag key/), source: '[points] TestParsePointMissingTagKey' },
  { line: 'cpu,host=serverA,=us-east value=1i', expect: err(/missing tag key/), source: '[points] TestParsePointMissingTagKey' },
  { line: 'cpu,host value=1i', expect: err(/missing tag value/), source: '[points] TestParsePointMissingTagValue' },
  { line: 'cpu,host=serverA,region= value=1i', expect: err(/missing tag value/), source: '[points] TestParsePointMissingTagValue' },
  { line: 'cpu,host=f=o,', expect: err(/invalid tag format/), source: '[points] TestParsePointInvalidTagFormat' },
  { line: 'cpu,host=serverA,host=serverB value=1i 1000000000', expect: err(/duplicate tags/), source: '[points] TestParsePointWithDuplicateTags' },
  { line: 'cpu,b=2,c=3,b=1 value=1i 1000000000', expect: err(/duplicate tags/), source: '[points] TestParsePointWithDuplicateTags' },
  // Field keys
  { line: 'cpu,regions=east value\\,ms=1.0', expect: cpu([['value,ms', F(1)]], undefined, [['regions', 'east']]), source: '[points] TestParsePointUnescape (commas in field keys)' },
  { line: 'cpu,regions=east value\\ ms=1.0', expect: cpu([['value ms', F(1)]], undefined, [['regions', 'east']]), source: '[points] TestParsePointUnescape (spaces in field keys)' },
  { line: 'cpu \\a=1i', expect: cpu([['\\a', I(1n)]]), source: '[points] TestParsePointUnescape (field keys using escape char)' },
  { line: 'cpu a\\ =123i', expect: cpu([['a ', I(123n)]]), source: '[points] TestParsePointMissingFieldName' },
  { line: 'cpu "a=1\ncpu value=2 1', points: 2, source: '[points] TestParsePointsQuotesInFieldKey' },
  { line: 'cpu "\\, \'= "\\ v=1.0', expect: err(/./), source: '[points] TestParsePointsQuotesInFieldKey' },
  { line: 'cpu,host=serverA,region=us-west =123i', expect: err(/missing field key/), source: '[points] TestParsePointMissingFieldName' },
  { line: 'cpu,host=serverA,region=us-west value=123i,=456i', expect: err(/missing field key/), source: '[points] TestParsePointMissingFieldName' },
  { line: 'cpu,host=serverA,region=us-west value=', expect: err(/missing field value/), source: '[points] TestParsePointMissingFieldValue' },
  { line: 'cpu,host=serverA,region=us-west value= 1000000000i', expect: err(/missing field value/), source: '[points] TestParsePointMissingFieldValue' },
  { line: 'cpu,host=serverA,region=us-west value=,value2=1i', expect: err(/missing field value/), source: '[points] TestParsePointMissingFieldValue' },
  { line: 'cpu,host=server01,region=us-west 1434055562000000000i', expect: err(/./), source: '[points] TestParsePointMissingFieldValue' },
  { line: 'cpu,host=server01,region=us-west value=1i,b', expect: err(/invalid field format/), source: '[points] TestParsePointMissingFieldValue' },
  { line: 'm f="blah"=123,r 1531703600000000000', expect: err(/./), source: '[points] TestParsePointMissingFieldValue' },
  // String field values: escapes, quoted newline, unicode
  { line: 'cpu str="foo \\" bar" 1000000000', expect: cpu([['str', S('foo " bar')]], 1000000000n), source: '[points] TestParsePointWithStringField' },
  { line: 'cpu value="test\\\\\\"" 1000000000', expect: cpu([['value', S('test\\"')]], 1000000000n), source: '[points] TestParsePointWithStringWithBackslash' },
  { line: 'cpu value="test\\\\" 1000000000', expect: cpu([['value', S('test\\')]], 1000000000n), source: '[points] TestParsePointWithStringWithBackslash' },
  { line: 'cpu value=1.0,str="foo\\,bar" 1000000000', expect: cpu([['value', F(1)], ['str', S('foo\\,bar')]], 1000000000n), source: '[points] TestParsePointWithStringWithCommas (escaped comma)' },
  { line: 'cpu value=1.0,str="foo,bar" 1000000000', expect: cpu([['value', F(1)], ['str', S('foo,bar')]], 1000000000n), source: '[points] TestParsePointWithStringWithCommas' },
  { line: 'cpu str="foo\\\\",str2="bar" 1000000000', expect: cpu([['str', S('foo\\')], ['str2', S('bar')]], 1000000000n), source: '[points] TestParsePointWithStringWithCommas (trailing escape char)' },
  { line: 'cpu str="foo=bar",value=1.0 1000000000', expect: cpu([['str', S('foo=bar')], ['value', F(1)]], 1000000000n), source: '[points] TestParsePointWithStringWithEquals' },
  { line: 'cpu value="{Hello\\"{,}\\" World}" 1000000000', expect: cpu([['value', S('{Hello"{,}" World}')]], 1000000000n), source: '[points] TestParsePointEscapedStringsAndCommas' },
  { line: 'cpu value=1.0,str="foo\nbar" 1000000000', expect: cpu([['value', F(1)], ['str', S('foo\nbar')]], 1000000000n), source: '[points] TestParsePointWithStringWithNewline (quoted newline)' },
  { line: 'cpu,host=serverA value="wè" 1000000000', expect: cpu([['value', S('wè')]], 1000000000n, [['host', 'serverA']]), source: '[points] TestParsePointUnicodeString' },
  { line: 'température,lieu=salle\\ été valeur=21.5,note="très 🌡" 1', expect: { measurement: 'température', tags: [['lieu', 'salle été']], fields: [['valeur', F(21.5)], ['note', S('très 🌡')]], timestamp: 1n }, source: '[ref] UTF-8 in names, tags and strings' },
  { line: 'cpu,host=serverA value="test', expect: err(/unbalanced quotes/), source: '[points] TestParsePointMissingQuote' },
  { line: 'cpu,host=serverA value="test""', expect: err(/./), source: '[points] TestParsePointMissingQuote' },
  // Escaped newline: a backslash before a newline keeps the line going (scanLine skips escaped bytes)
  { line: 'cpu,tag=a\\\nb value=1 1\ncpu value=2 2', points: 2, source: '[parser] scanLine: an escaped newline does not end the line' },
  { line: 'cpu,tag=a\\\nb value=1 1', expect: cpu([['value', F(1)]], 1n, [['tag', 'a\\\nb']]), source: '[parser] scanLine + unescapeTag (\\<newline> is not a tag escape: kept as written)' },
  // Booleans
  {
    line: 'cpu true=true,t=t,T=T,TRUE=TRUE,True=True,false=false,f=f,F=F,FALSE=FALSE,False=False 1000000000',
    expect: cpu([['true', B(true)], ['t', B(true)], ['T', B(true)], ['TRUE', B(true)], ['True', B(true)], ['false', B(false)], ['f', B(false)], ['F', B(false)], ['FALSE', B(false)], ['False', B(false)]], 1000000000n),
    source: '[points] TestParsePointWithBoolField',
  },
  { line: 'cpu value=a', expect: err(/invalid boolean/), source: '[points] TestParsePointBooleanInvalid' },
  { line: 'cpu value=tru', expect: err(/invalid boolean/), source: '[parser] scanBoolean' },
  { line: 'cpu value=TrUe', expect: err(/invalid boolean/), source: '[parser] scanBoolean' },
  // Numbers
  { line: 'cpu value=1 1000000000', expect: cpu([['value', F(1)]], 1000000000n), source: '[points] TestNewPointFloatWithoutDecimal' },
  { line: 'cpu value=1. 1000000000', expect: cpu([['value', F(1)]], 1000000000n), source: '[points] TestNewPointFloatNoDecimal' },
  { line: 'cpu value=.1', expect: cpu([['value', F(0.1)]]), source: '[points] TestParsePointFloatNoLeadingDigit' },
  { line: 'cpu value=-0.64', expect: cpu([['value', F(-0.64)]]), source: '[points] TestNewPointNegativeFloat' },
  { line: 'cpu value=6.632243e+06', expect: cpu([['value', F(6632243)]]), source: '[points] TestNewPointFloatScientific' },
  { line: 'cpu a=1.0e4,b=1e4,c=1.0E4,d=1E4,e=1.0e-4,f=-1.0e-4', expect: cpu([['a', F(1e4)], ['b', F(1e4)], ['c', F(1e4)], ['d', F(1e4)], ['e', F(1e-4)], ['f', F(-1e-4)]]), source: '[points] TestParsePointFloatScientific*' },
  { line: 'cpu value=6632243i', expect: cpu([['value', I(6632243n)]]), source: '[points] TestNewPointLargeInteger' },
  { line: 'cpu value=-1i', expect: cpu([['value', I(-1n)]]), source: '[points] TestParsePointNegativeInteger' },
  { line: `cpu value=${MAX_FLOAT}`, expect: cpu([['value', F(Number.MAX_VALUE)]]), source: '[points] TestParsePointMaxFloat64' },
  { line: `cpu value=1${MAX_FLOAT}`, expect: err(/invalid float/), source: '[points] TestParsePointMaxFloat64 (out of range)' },
  { line: 'cpu value=1e309', expect: err(/invalid float/), source: '[parser] scanNumber: scientific floats are range-checked' },
  ...['-', '-i', '-.', '.', '1.0i', '1ii', '1a', '-e-e-e', '42+3', '-123u', '.1a', '0.-1', '1.1.1', '9ie10', '9e10i', 'NaN', 'nAn'].map(
    (value): Case => ({ line: `cpu v=${value} `, expect: err(/invalid number/), source: '[points] TestParsePointBadNumber, TestParsePointNaN, ...' }),
  ),
  { line: 'cpu v=+1', expect: err(/invalid boolean/), source: '[parser] scanFields: a value not starting with a digit, ".", "-" or N is a boolean' },
  // int64 and uint64 limits (integers are kept exactly: beyond 2^53 no precision is lost here)
  { line: 'cpu value=9223372036854775807i', expect: cpu([['value', I(9223372036854775807n)]]), source: '[points] TestParsePointMaxInt64' },
  { line: 'cpu value=0009223372036854775807i', expect: cpu([['value', I(9223372036854775807n)]]), source: '[points] TestParsePointMaxInt64 (leading zeros)' },
  { line: 'cpu value=9223372036854775808i', expect: err(/unable to parse integer 9223372036854775808: value out of range/), source: '[points] TestParsePointMaxInt64' },
  { line: 'cpu value=-9223372036854775808i', expect: cpu([['value', I(-9223372036854775808n)]]), source: '[points] TestParsePointMinInt64' },
  { line: 'cpu value=-9223372036854775809i', expect: err(/value out of range/), source: '[points] TestParsePointMinInt64' },
  { line: 'cpu value=9007199254740993i', expect: cpu([['value', I(9007199254740993n)]]), source: '[points] TestParsePointMaxInt64 (any int64 is exact)' },
  { line: 'cpu value=18446744073709551615u', expect: cpu([['value', U(18446744073709551615n)]]), source: '[points] TestParsePointMaxUint64', deviation: '1.x OSS: invalid number unless uint support is on' },
  { line: 'cpu value=18446744073709551616u', expect: err(/value out of range/), source: '[points] TestParsePointMaxUint64' },
  { line: 'cpu value=0u', expect: cpu([['value', U(0n)]]), source: '[points] TestParsePointMinUint64', deviation: '1.x OSS: invalid number unless uint support is on' },
  // Timestamps
  { line: 'cpu value=1 -1', expect: cpu([['value', F(1)]], -1n), source: '[points] TestParsePointNegativeTimestamp' },
  { line: 'cpu value=1 9223372036854775806', expect: cpu([['value', F(1)]], 9223372036854775806n), source: '[points] TestParsePointMaxTimestamp' },
  { line: 'cpu value=1 -9223372036854775806', expect: cpu([['value', F(1)]], -9223372036854775806n), source: '[points] TestParsePointMinTimestamp' },
  ...['9223372036854775808', '-92233720368547758078', '-', '-/', '-1?', '1-', '9223372036854775807 12', '12:00', '1434055562000000000i'].map(
    (ts): Case => ({ line: `cpu value=1 ${ts}`, expect: err(/./), source: '[points] TestParsePointInvalidTimestamp' }),
  ),
  { line: 'a v=1 0\\', expect: err(/bad timestamp/), source: '[points] TestParsePoint_TrailingSlash' },
  // Precision: the timestamp's unit; InfluxDB's time range applies after conversion to nanoseconds
  { line: 'cpu value=1.0 946730096789012', precision: 'u', expect: cpu([['value', F(1)]], 946730096789012n), source: '[points] TestParsePointsWithPrecision (microsecond)' },
  { line: 'cpu value=1.0 946730096789', precision: 'ms', expect: cpu([['value', F(1)]], 946730096789n), source: '[points] TestParsePointsWithPrecision (millisecond)' },
  { line: 'cpu value=1.0 946730096', precision: 's', expect: cpu([['value', F(1)]], 946730096n), source: '[points] TestParsePointsWithPrecision (second)' },
  { line: 'cpu value=1 9223372036', precision: 's', expect: cpu([['value', F(1)]], 9223372036n), source: '[time] SafeCalcTime: within MaxNanoTime' },
  { line: 'cpu value=1 9223372037', precision: 's', expect: err(/time outside range/), source: '[time] SafeCalcTime: beyond MaxNanoTime' },
  { line: 'cpu value=1 2562047', precision: 'h', expect: cpu([['value', F(1)]], 2562047n), source: '[time] SafeCalcTime (hours)' },
  { line: 'cpu value=1 2562048', precision: 'h', expect: err(/time outside range/), source: '[time] SafeCalcTime (hours)' },
];

function plain(point: Point) {
  return { measurement: point.measurement, tags: [...point.tags], fields: [...point.fields], timestamp: point.timestamp };
}

describe('line protocol agrees with InfluxDB 1.x (conformance table)', () => {
  it.each(CASES.map((c) => [JSON.stringify(c.line).slice(0, 90), c] as const))('%s', (_name, c) => {
    const parsed = parseLineProtocol(c.line, c.precision);
    if (c.points !== undefined) {
      expect(parsed.errors).toEqual([]);
      expect(parsed.points).toHaveLength(c.points);
      return;
    }
    const expected = c.expect as Expected;
    if ('error' in expected) {
      expect(parsed.points).toEqual([]);
      expect(parsed.errors).toHaveLength(1);
      expect(parsed.errors[0]!.message).toMatch(expected.error);
      return;
    }
    expect(parsed.errors).toEqual([]);
    expect(parsed.points.map((p) => plain(p.point))).toEqual([{ tags: [], timestamp: undefined, ...expected }]);
  });

  it('counts lines as InfluxDB splits them: a quoted or escaped newline stays inside its line', () => {
    const parsed = parseLineProtocol('a s="x\ny" 1\nb v=1 2\nc,t=x\\\ny v=1 3\nd v= 4');
    expect(parsed.points.map((p) => [p.line, p.point.measurement])).toEqual([[1, 'a'], [3, 'b'], [4, 'c']]);
    expect(parsed.errors.map((e) => e.line)).toEqual([6]);
  });
});
