import {
  acceptMessage,
  fastPathApplies,
  MeasureMessageParser,
  type ParsedMessage,
} from '../../../src/amqp/measure-message-parser';
import type { Measure } from '../../../src/domain/measure';
import { openApiDocument } from '../../../lib/contract/openapi-document';
import { testConfig } from '../../support/real-services';
import { measure } from '../../support/amqp-fakes';

const MAX_BYTES = 4096;
const parser = new MeasureMessageParser(testConfig({ MAX_MESSAGE_BYTES: String(MAX_BYTES) }));

function parse(body: unknown): ParsedMessage {
  return parser.parse(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
}

function measuresOf(body: unknown): Measure[] {
  const result = parse(body);
  if (result.kind !== 'measures') throw new Error(`expected measures, got ${result.reason}: ${result.detail}`);
  return result.measures;
}

function timestampUs(timestamp: string | number): bigint {
  return measuresOf(measure({ timestamp }))[0].timestampUs;
}

function expectInvalid(body: unknown, reason: string): string {
  const result = parse(body);
  expect(result).toMatchObject({ kind: 'invalid', reason });
  return result.kind === 'invalid' ? result.detail : '';
}

/** Microseconds of a UTC instant given to the second, plus a fraction in microseconds. */
function utcUs(year: number, month: number, day: number, h: number, m: number, s: number, us = 0): bigint {
  return BigInt(Date.UTC(year, month - 1, day, h, m, s)) * 1000n + BigInt(us);
}

describe('MeasureMessageParser', () => {
  describe('reasons, in the order they are checked', () => {
    it('refuses an empty body as empty', () => {
      expect(parser.parse(Buffer.alloc(0))).toEqual({ kind: 'invalid', reason: 'empty', detail: 'body is empty' });
    });

    it('refuses a whitespace-only body as empty', () => {
      expectInvalid(' \n\t ', 'empty');
    });

    it('refuses a body over MAX_MESSAGE_BYTES as oversize, before parsing it', () => {
      const body = Buffer.alloc(MAX_BYTES + 1, 'x');
      const result = parser.parse(body);
      expect(result).toEqual({
        kind: 'invalid',
        reason: 'oversize',
        detail: `body is ${MAX_BYTES + 1} bytes, the limit is ${MAX_BYTES} (MAX_MESSAGE_BYTES)`,
      });
    });

    it('accepts a body of exactly MAX_MESSAGE_BYTES', () => {
      const json = JSON.stringify(measure({ metric: 'm' }));
      const padded = json.replace('{', `{${' '.repeat(MAX_BYTES - json.length)}`);
      expect(Buffer.byteLength(padded)).toBe(MAX_BYTES);
      expect(parse(padded).kind).toBe('measures');
    });

    it('refuses text that is not JSON as malformed-json, without echoing the body', () => {
      const detail = expectInvalid('{"experiment": "EXP-1", "password": hunter2}', 'malformed-json');
      expect(detail).not.toMatch(/hunter|password|EXP-1/);
      expect(detail).toMatch(/JSON/);
    });

    it.each([
      ['truncated', '{"experiment": "EXP-1", "value": 1'],
      ['trailing garbage', '{"value": 1} secret'],
      ['single quotes', "{'value': 1}"],
      ['bare word', 'secret'],
      ['NaN literal', '{"value": NaN}'],
    ])('refuses %s as malformed-json with a detail free of the body', (_name, body) => {
      const detail = expectInvalid(body, 'malformed-json');
      expect(detail).not.toMatch(/secret/);
      expect(detail.length).toBeGreaterThan(0);
    });

    it('refuses a body that is not UTF-8 as malformed-json', () => {
      const body = Buffer.concat([Buffer.from('{"metric": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      expect(parser.parse(body)).toEqual({ kind: 'invalid', reason: 'malformed-json', detail: 'body is not valid UTF-8' });
    });

    it('accepts a body that starts with a UTF-8 byte order mark', () => {
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(measure()))]);
      expect(parser.parse(body).kind).toBe('measures');
    });

    it('refuses JSON that does not match the contract as schema-violation', () => {
      expectInvalid(measure({ value: undefined }), 'schema-violation');
    });
  });

  describe('body shapes', () => {
    const expected: Measure = {
      experiment: 'EXP-1',
      metric: 'temperature',
      source: null,
      value: 21.5,
      unit: null,
      timestampUs: 1709296496123000n,
      tags: {},
    };

    it('reads a single measure', () => {
      expect(measuresOf(measure())).toEqual([expected]);
    });

    it('reads an array of measures, in order', () => {
      expect(measuresOf([measure(), measure({ value: 2 })])).toEqual([expected, { ...expected, value: 2 }]);
    });

    it('reads {"measures": [...]}', () => {
      expect(measuresOf({ measures: [measure(), measure({ metric: 'pressure' })] })).toEqual([
        expected,
        { ...expected, metric: 'pressure' },
      ]);
    });

    it('keeps source, unit and tags when given', () => {
      const [m] = measuresOf(measure({ source: 'sensor-7', unit: 'degC', tags: { room: 'B12', 'rack.pos': '3' } }));
      expect(m).toEqual({ ...expected, source: 'sensor-7', unit: 'degC', tags: { room: 'B12', 'rack.pos': '3' } });
    });

    it('keeps a tag named __proto__ as a plain tag, without touching any prototype', () => {
      const [m] = measuresOf(JSON.parse('{"experiment":"E","metric":"m","value":1,"timestamp":0,"tags":{"__proto__":"x"}}'));
      expect(Object.getOwnPropertyDescriptor(m.tags, '__proto__')?.value).toBe('x');
      expect(Object.getPrototypeOf(m.tags)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it.each([
      ['an empty array', []],
      ['an empty measures list', { measures: [] }],
      ['null', null],
      ['a number', 42],
      ['a JSON string', '"hello"'],
      ['{measures} with another property', { measures: [measure()], extra: 1 }],
    ])('refuses %s', (_name, body) => {
      expectInvalid(body, 'schema-violation');
    });

    it('explains a body that is no object at all', () => {
      expect(expectInvalid(42, 'schema-violation')).toBe(
        '/: must be a measure object, an array of measures, or {"measures": [...]}',
      );
    });
  });

  describe('schema violations', () => {
    it('names the missing property, without the noise of the other body shapes', () => {
      expect(expectInvalid(measure({ value: undefined }), 'schema-violation')).toBe(
        "/: must have required property 'value'",
      );
    });

    it('refuses additional properties and names them', () => {
      expect(expectInvalid(measure({ colour: 'red' }), 'schema-violation')).toBe(
        "/: must NOT have additional properties 'colour'",
      );
    });

    it('keeps the valid measures of an array and refuses the bad one alone, with its index', () => {
      const result = parse([measure(), measure({ value: 'hot' }), measure({ value: 3 })]);
      expect(result).toMatchObject({
        kind: 'measures',
        measures: [{ value: 21.5 }, { value: 3 }],
        refused: { positions: [0, 2], refused: [{ index: 1, reason: 'schema-violation', detail: '/value: must be number' }] },
      });
    });

    it('judges {"measures": [...]} measure by measure too', () => {
      const result = parse({ measures: [measure(), measure(), measure({ unit: '' }), 7] });
      expect(result).toMatchObject({
        kind: 'measures',
        refused: {
          positions: [0, 1],
          refused: [
            { index: 2, reason: 'schema-violation', detail: '/unit: must NOT have fewer than 1 characters' },
            { index: 3, reason: 'schema-violation', detail: '/: must be a measure object' },
          ],
        },
      });
    });

    it('refuses a list whole when no measure of it is valid, and points at the items', () => {
      const detail = expectInvalid({ measures: [measure({ unit: '' })] }, 'schema-violation');
      expect(detail).toBe('/measures/0/unit: must NOT have fewer than 1 characters');
    });

    it('refuses a list whole when its envelope is wrong, whatever its measures', () => {
      expectInvalid({ measures: [measure(), measure({ value: 'hot' })], extra: 1 }, 'schema-violation');
    });

    it.each([
      ['value as a string', { value: '21.5' }, '/value'],
      ['experiment as a number', { experiment: 7 }, '/experiment'],
      ['metric with a space', { metric: 'air temp' }, '/metric'],
      ['a tag value that is a number', { tags: { room: 12 } }, '/tags/room'],
      ['a tag name with a space', { tags: { 'the room': 'B12' } }, '/tags'],
      ['tags as an array', { tags: ['a'] }, '/tags'],
      ['source as null', { source: null }, '/source'],
      ['value as "NaN"', { value: 'NaN' }, '/value'],
      ['value as "Infinity"', { value: 'Infinity' }, '/value'],
      ['value as null', { value: null }, '/value'],
      ['timestamp as "NaN"', { timestamp: 'NaN' }, '/timestamp'],
      ['timestamp without an offset', { timestamp: '2024-03-01T12:34:56' }, '/timestamp'],
      ['timestamp as a date only', { timestamp: '2024-03-01' }, '/timestamp'],
      ['timestamp on 30 February', { timestamp: '2024-02-30T00:00:00Z' }, '/timestamp'],
      ['timestamp as a numeric string', { timestamp: '1709296496123' }, '/timestamp'],
      ['a negative epoch', { timestamp: -1 }, '/timestamp'],
      ['an epoch past year 9999', { timestamp: 253402300800000 }, '/timestamp'],
      ['timestamp as a boolean', { timestamp: true }, '/timestamp'],
    ])('refuses %s', (_name, overrides, path) => {
      const detail = expectInvalid(measure(overrides), 'schema-violation');
      expect(detail.startsWith(`${path}: `)).toBe(true);
    });

    it('refuses a value that JSON overflows to Infinity', () => {
      const detail = expectInvalid('{"experiment":"E","metric":"m","value":1e400,"timestamp":0}', 'schema-violation');
      expect(detail).toBe('/value: must be number');
    });

    it('refuses more than 16 tags', () => {
      const tags = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`t${i}`, 'v']));
      expectInvalid(measure({ tags }), 'schema-violation');
    });

    it('lists the first three errors, as path: message', () => {
      const bad = measure({ value: 'x' });
      const detail = expectInvalid([bad, bad, bad, bad, bad], 'schema-violation');
      expect(detail).toBe('/0/value: must be number; /1/value: must be number; /2/value: must be number');
    });

    it('lists several errors of one measure', () => {
      const detail = expectInvalid(measure({ value: 'x', unit: '' }), 'schema-violation');
      expect(detail).toBe('/value: must be number; /unit: must NOT have fewer than 1 characters');
    });
  });

  describe('timestamps', () => {
    it('keeps the microseconds of an RFC 3339 string (Date.parse would drop them)', () => {
      expect(timestampUs('2024-03-01T12:34:56.123456Z')).toBe(utcUs(2024, 3, 1, 12, 34, 56, 123456));
    });

    it.each([
      ['.1', 100000],
      ['.12', 120000],
      ['.123', 123000],
      ['.000001', 1],
      ['.999999', 999999],
      ['', 0],
    ])('reads the fraction %p as %d µs', (fraction, us) => {
      expect(timestampUs(`2024-03-01T12:34:56${fraction}Z`)).toBe(utcUs(2024, 3, 1, 12, 34, 56, us));
    });

    it('cuts digits finer than the microsecond', () => {
      expect(timestampUs('2024-03-01T12:34:56.123456789Z')).toBe(utcUs(2024, 3, 1, 12, 34, 56, 123456));
    });

    it.each([
      ['+02:00', -2 * 60],
      ['-05:30', 5 * 60 + 30],
      ['+23:59', -(23 * 60 + 59)],
      ['+00:00', 0],
      ['-00:00', 0],
    ])('honours the offset %s', (offset, minutesToUtc) => {
      expect(timestampUs(`2024-03-01T12:34:56.000007${offset}`)).toBe(
        utcUs(2024, 3, 1, 12, 34, 56, 7) + BigInt(minutesToUtc) * 60_000_000n,
      );
    });

    it.each(['+0530', '+01', '+24:00', '+99:99', '+05:60'])('refuses the offset %s, which RFC 3339 does not write', (offset) => {
      expectInvalid(measure({ timestamp: `2024-03-01T12:34:56${offset}` }), 'schema-violation');
    });

    it.each([
      '2024-13-01T00:00:00Z', '2024-00-01T00:00:00Z', '2024-01-32T00:00:00Z', '2023-02-29T00:00:00Z', '2024-02-30T00:00:00Z',
      '2024-04-31T00:00:00Z', '2024-01-01T29:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '2024-01-01T23:59:61Z',
      '2024-01-01T12:00:60Z', '2024-01-01T29:59:60+06:00', '2024-01-01\t00:00:00Z', '2024-01-01T00:00:00', '0000-01-01T00:00:00+00:01',
    ])('refuses %s, which names no instant of years 0000-9999', (text) => {
      expectInvalid(measure({ timestamp: text }), 'schema-violation');
    });

    it('crosses a day, a month and a year boundary through an offset', () => {
      expect(timestampUs('2025-01-01T00:30:00.5+01:00')).toBe(utcUs(2024, 12, 31, 23, 30, 0, 500000));
    });

    it('accepts a lowercase t and z, and a space as separator', () => {
      const us = utcUs(2024, 3, 1, 12, 34, 56, 250000);
      expect(timestampUs('2024-03-01t12:34:56.25z')).toBe(us);
      expect(timestampUs('2024-03-01 12:34:56.25Z')).toBe(us);
    });

    it('agrees with Date.parse to the millisecond', () => {
      for (const text of ['1970-01-01T00:00:00Z', '2000-02-29T23:59:59.999+14:00', '2038-01-19T03:14:07.5-12:00', '9999-12-31T23:59:59.999Z']) {
        expect(timestampUs(text) / 1000n).toBe(BigInt(Date.parse(text)));
      }
    });

    it('reads years below 100 as themselves, and instants before 1970 as negative', () => {
      expect(timestampUs('0001-01-01T00:00:00Z')).toBe(-62135596800000000n);
      expect(timestampUs('1969-12-31T23:59:59.999999Z')).toBe(-1n);
    });

    it('reads the whole range of the contract exactly, past 2^53 µs at both ends', () => {
      expect(timestampUs('0000-01-01T00:00:00Z')).toBe(-62_167_219_200_000_000n);
      expect(timestampUs('0000-01-01T00:00:00.000001Z')).toBe(-62_167_219_199_999_999n);
      expect(timestampUs('2255-06-06T00:00:00Z')).toBe(9_007_200_000_000_000n);
      expect(timestampUs('9999-12-31T23:59:59.999999Z')).toBe(253_402_300_799_999_999n);
      expect(timestampUs('9999-12-31T23:59:60Z')).toBe(253_402_300_799_999_999n);
      expect(timestampUs(253402300799999)).toBe(253_402_300_799_999_000n);
      expect(timestampUs(253402300799998.5)).toBe(253_402_300_799_998_500n);
      expect(timestampUs(9007199254741)).toBe(9_007_199_254_741_000n);
    });

    it('keeps a leap second in its minute, at its last microsecond', () => {
      expect(timestampUs('2016-12-31T23:59:60Z')).toBe(utcUs(2016, 12, 31, 23, 59, 59, 999999));
      expect(timestampUs('2016-12-31T23:59:60.5Z')).toBeLessThan(utcUs(2017, 1, 1, 0, 0, 0));
      expect(timestampUs('2016-12-31T18:59:60-05:00')).toBe(utcUs(2016, 12, 31, 23, 59, 59, 999999));
      expect(timestampUs('2017-01-01T00:00:60+00:01')).toBe(utcUs(2016, 12, 31, 23, 59, 59, 999999));
    });

    it('reads epoch milliseconds', () => {
      expect(timestampUs(0)).toBe(0n);
      expect(timestampUs(1709296496123)).toBe(1709296496123000n);
    });

    it('reads fractional epoch milliseconds to the microsecond', () => {
      expect(timestampUs(1709296496123.456)).toBe(1709296496123456n);
      expect(timestampUs(0.001)).toBe(1n);
      expect(typeof timestampUs(1709296496123 + 0.4567)).toBe('bigint');
    });
  });
});

describe('the fast path (a hand-written check before ajv)', () => {
  /** Room for the 10001-measure bodies below. */
  const bigConfig = testConfig({ MAX_MESSAGE_BYTES: String(4 * 1024 * 1024) });
  const fast = new MeasureMessageParser(bigConfig);
  const reference = MeasureMessageParser.withoutFastPath(bigConfig);
  const schemas = () => structuredClone(openApiDocument().components.schemas) as Record<string, Record<string, unknown>>;

  it('is on for the schemas openapi.yaml holds now, and off in the reference parser', () => {
    expect(fastPathApplies(openApiDocument().components.schemas)).toBe(true);
    expect(fast.usesFastPath).toBe(true);
    expect(parser.usesFastPath).toBe(true);
    expect(reference.usesFastPath).toBe(false);
  });

  it('ignores descriptions and examples, which do not constrain', () => {
    const changed = schemas();
    changed.Measure.description = 'reworded';
    changed.Name.example = 'temperature';
    (changed.Measure.properties as Record<string, Record<string, unknown>>).value.description = 'a number';
    expect(fastPathApplies(changed)).toBe(true);
  });

  it.each<[string, (s: Record<string, Record<string, unknown>>) => void]>([
    ['a different Name pattern', (s) => (s.Name.pattern = '^[a-z]{1,128}$')],
    ['a longer unit', (s) => ((s.Measure.properties as Record<string, Record<string, unknown>>).unit.maxLength = 64)],
    ['another required property', (s) => (s.Measure.required = ['experiment', 'metric', 'value', 'timestamp', 'unit'])],
    ['a property named "description"', (s) => ((s.Measure.properties as Record<string, unknown>).description = { type: 'string' })],
    ['more items per message', (s) => (((s.MeasureMessage.oneOf as Array<Record<string, unknown>>)[1].maxItems = 20000))],
    ['more tags', (s) => (s.Tags.maxProperties = 32)],
    ['a new keyword', (s) => (s.ExperimentCode.minLength = 2)],
    ['no Tags schema', (s) => delete s.Tags],
  ])('is off when openapi.yaml has %s', (_name, change) => {
    const changed = schemas();
    change(changed);
    expect(fastPathApplies(changed)).toBe(false);
    expect(fastPathApplies(undefined)).toBe(false);
  });

  // mulberry32: a seeded generator, so that a failure can be replayed.
  let seed = 0x6d6f6e69;
  function random(): number {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const str = (alphabet: readonly string[], length: number) => Array.from({ length }, () => pick(alphabet)).join('');
  const two = (min: number, max: number) => String(int(min, max)).padStart(2, '0');
  const json = (value: unknown) => JSON.stringify(value);

  const CODE_CHARS = [...'ABCxyz019_.-'];
  const NAME_CHARS = [...CODE_CHARS, ':', '/'];
  const BAD_CHARS = [' ', '\t', '\n', '"', '\\', 'é', '😀', '\ud800', ',', '+', '~', '\u0000', '\u212a', '#'];
  const UNITS = ['x', '😀', '\ud83d', '\ude00', 'é'];
  const NOT_STRINGS = ['7', 'null', 'true', '[]', '{}', '["a"]', '-0'];

  /** A string that matches [chars]{1,max}, at the boundaries more often than not. */
  const patterned = (chars: readonly string[], max: number) => str(chars, pick([1, 2, int(1, 12), max - 1, max]));
  /** Something that may or may not match [chars]{1,max}, as JSON. */
  function anyPatterned(chars: readonly string[], max: number, others: readonly string[]): string {
    if (chance(0.4)) return json(patterned(chars, max));
    return pick([
      () => json(''),
      () => json(str(chars, max + 1)),
      () => {
        const good = [...patterned(chars, max)];
        good[int(0, good.length - 1)] = pick([...BAD_CHARS, ...others]);
        return json(good.join(''));
      },
      () => pick(NOT_STRINGS),
    ])();
  }
  const code = (dirty: boolean) =>
    dirty ? anyPatterned(CODE_CHARS, 64, [':', '/']) : json(pick(['EXP-1', 'BENCH', patterned(CODE_CHARS, 64)]));
  const name = (dirty: boolean) =>
    dirty ? anyPatterned(NAME_CHARS, 128, []) : json(pick(['temperature', 'host:9100/cpu', patterned(NAME_CHARS, 128)]));

  const GOOD_VALUES = ['0', '-0', '21.5', '-7', '1e21', '5e-324', '-1e-400', '1.7976931348623157e308', '123456789012345678901234567890'];
  const value = (dirty: boolean) =>
    dirty && chance(0.5) ? pick(['1e400', '-1e400', '"21.5"', '"NaN"', 'null', 'true', '[]', '{}', '[1]']) : pick(GOOD_VALUES);

  const unit = (dirty: boolean) => {
    if (!dirty) return json(pick(['C', 'degC', '%', 'x'.repeat(32), '😀'.repeat(32), '\ud800'.repeat(32)]));
    return pick([
      () => json(str(UNITS, int(0, 70))),
      () => json(pick(['', 'x'.repeat(33), '😀'.repeat(33), '😀'.repeat(31) + '\ud83d\ud83d', `${'😀'.repeat(32)}x`])),
      () => pick(NOT_STRINGS),
    ])();
  };

  /** Date-times around every boundary the `date-time` format (lib/contract/timestamp.ts) checks. */
  function dateTime(dirty: boolean): string {
    const year = pick(['0000', '0001', '1900', '1969', '1970', '2000', '2016', '2023', '2024', '2100', '9999', String(int(0, 9999)).padStart(4, '0')]);
    if (!dirty) {
      const day = two(1, 28);
      const frac = pick(['', '.5', '.123456', '.123456789']);
      return `${year}-${two(1, 12)}-${day}${pick(['T', 't', ' '])}${two(0, 23)}:${two(0, 59)}:${two(0, 59)}${frac}${pick(['Z', 'z', '+02:00', '-05:30', '+00:00'])}`;
    }
    const special = [
      '2016-12-31T23:59:60Z', '2016-12-31T23:59:60.5Z', '2017-01-01T00:59:60+01:00', '2016-12-31T18:59:60-05:00',
      '2016-12-31T23:59:60+00:01', '2017-01-01T00:00:60+00:01', '2017-01-01T01:00:60+01:01', '2017-01-01T00:00:60+00:02',
      '2024-01-01T24:59:30+01:00', '2024-01-01T23:60:30+00:01', '2024-01-01T00:00:60Z',
      '2024-03-01T12:34:59.99999999999999999Z', '2016-12-31T23:59:60.99999999999999999Z', '2024-03-01T12:34:56.Z',
      '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2024-04-31T00:00:00Z',
      '2024-03-01T12:34:56', '2024-03-01', '1709296496123', 'NaN', '', '2024-03-01T12:34:56ZZ', '2024-03-01TT12:34:56Z',
      '2024-03-01T12:34:56+24:00', '2024-03-01T12:34:56+23:60', '2024-03-01T12:34:56+1', '2024-03-01T12:34:56+01:0',
      '2024-03-01T12:34:56-0530', '2024-03-01T12:34:56+01', '0000-01-01T00:00:00+00:01', '0000-01-01T00:00:00-00:01',
      '9999-12-31T23:59:59.999999-00:01', '9999-12-31T23:59:59.999999+00:01', '9999-12-31T23:59:60Z', '0000-01-01T00:00:00Z',
    ];
    if (chance(0.3)) return pick(special);
    const sep = pick(['T', 't', ' ', '\t', '\u00a0', '\u2028', '\ufeff', '_']);
    const frac = pick(['', '', '.5', '.000001', '.9999999', '.99999999999999999', `.${'9'.repeat(30)}`, '.']);
    const tz = pick(['Z', 'z', '', '+00:00', '-00:00', `+${two(0, 25)}:${two(0, 61)}`, `-${two(0, 25)}${two(0, 61)}`, `+${two(0, 25)}`, `-${two(0, 1)}:${two(0, 2)}`]);
    const hour = pick([two(0, 25), '23', '24', '00']);
    const minute = pick([two(0, 61), '59', '60', '00']);
    const second = pick([two(0, 62), '59', '60', '61']);
    return `${year}-${two(0, 13)}-${two(0, 32)}${sep}${hour}:${minute}:${second}${frac}${tz}`;
  }
  function timestamp(dirty: boolean): string {
    if (chance(0.4)) return json(dateTime(dirty));
    const good = ['0', '-0', '1e-400', '-1e-400', '0.001', '1709296496123', '1767225600000.123', '253402300799999', '253402300799998.9'];
    if (!dirty || chance(0.5)) return pick(good);
    return pick(['-1', '-0.001', '253402300800000', '253402300799999.5', '1e400', '-1e400', '"1709296496123"', 'null', 'true', '[]', '{}']);
  }

  function tags(dirty: boolean): string {
    if (dirty && chance(0.15)) return pick(['[]', '["a"]', 'null', '"room=B12"', '1', 'true']);
    // Dirty tags are either too many (or just enough) clean ones, or a few with odd names and values.
    const many = dirty && chance(0.4);
    const odd = dirty && !many;
    const n = many ? pick([15, 16, 17, 18]) : pick([0, 1, 2, 3]);
    const entries = Array.from({ length: n }, (_, i) => {
      const key = odd && chance(0.3)
        ? pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '0', '1', '10', 'k'.repeat(64), 'k'.repeat(65), `t${i} x`, `t${i}é`, `t${i}😀`, `k${i % 3}`])
        : pick([`k${i}`, `${i}`, `${patterned(NAME_CHARS, 64)}${i}`.slice(-64)]);
      const text = odd && chance(0.3)
        ? pick([() => json(str(UNITS, int(120, 260))), () => json('v'.repeat(129)), () => json('😀'.repeat(129)), () => pick(['12', 'null', 'true', '{}', '[]'])])()
        : json(pick(['B12', '', 'v'.repeat(128), '😀'.repeat(128), '\ud800'.repeat(128), 'a "quoted" \\ value']));
      return `${json(key)}:${text}`;
    });
    return `{${entries.join(',')}}`;
  }

  /** A measure as JSON text: clean ones are valid, dirty ones are valid more or less half of the time. */
  function measureText(dirty: boolean): string {
    const field = (p: number) => dirty && chance(p);
    const entries: Array<[string, string]> = [];
    if (!field(0.05)) entries.push(['experiment', code(field(0.2))]);
    if (!field(0.05)) entries.push(['metric', name(field(0.2))]);
    if (chance(0.5)) entries.push(['source', field(0.05) ? 'null' : name(field(0.2))]);
    if (!field(0.05)) entries.push(['value', value(field(0.2))]);
    if (chance(0.4)) entries.push(['unit', field(0.05) ? 'null' : unit(field(0.3))]);
    if (!field(0.05)) entries.push(['timestamp', timestamp(field(0.3))]);
    if (chance(0.35)) entries.push(['tags', tags(field(0.4))]);
    if (field(0.08)) {
      const extra = pick(['colour', '__proto__', 'measures', 'Experiment', 'timestampUs', 'constructor', '', 'tag']);
      entries.splice(int(0, entries.length), 0, [extra, pick(['1', '{}', '"x"', 'null', '[]'])]);
    }
    if (field(0.05) && entries.length > 0) {
      // A duplicate key: JSON.parse keeps the last one, and so both parsers see the same object.
      const [key] = pick(entries);
      const other = pick(['7', '"x"', 'null', code(false), timestamp(true)]);
      entries.splice(int(0, entries.length), 0, [key, other]);
    }
    if (chance(0.3)) entries.sort(() => random() - 0.5);
    const space = chance(0.1) ? ' \n' : '';
    return `{${space}${entries.map(([k, v]) => `${json(k)}:${space}${v}`).join(',')}${space}}`;
  }
  const list = (n: number, dirty: boolean) => {
    const bad = dirty ? int(0, n - 1) : -1;
    return `[${Array.from({ length: n }, (_, i) => measureText(i === bad)).join(',')}]`;
  };
  function body(): string {
    const dirty = chance(0.45);
    const roll = random();
    if (roll < 0.35) return measureText(dirty);
    if (roll < 0.7) return list(pick([1, 1, 2, 3, 5, 20]), dirty);
    if (roll < 0.9) {
      if (!dirty || chance(0.5)) return `{"measures":${list(pick([1, 2, 3, 7]), dirty)}}`;
      return pick([
        () => `{"measures":[]}`,
        () => `{"measures":${measureText(false)}}`,
        () => `{"measures":null}`,
        () => `{"measures":${list(2, false)},${json(pick(['extra', '__proto__', 'experiment']))}:1}`,
        () => `{${json(pick(['extra', '__proto__']))}:1,"measures":${list(1, false)}}`,
        () => `{"measures":[[]]}`,
      ])();
    }
    if (roll < 0.95) return measureText(false).replace(/}$/, `,"measures":${list(1, false)}}`);
    return pick(['null', '42', '"hello"', 'true', '[]', '{}', '[[]]', '[null]', '[1]', '[[{"experiment":"E"}]]']);
  }

  const SMALL = '{"experiment":"E","metric":"m","value":1,"timestamp":0}';
  const big = (n: number, last = SMALL) => `[${Array.from({ length: n - 1 }, () => SMALL).join(',')},${last}]`;
  const EDGES = [
    big(10000),
    big(10001),
    `{"measures":${big(10000)}}`,
    `{"measures":${big(10001)}}`,
    big(10000, '{"experiment":"E","metric":"m","value":1,"timestamp":-1}'),
    '{"experiment":"E","metric":"m","value":1,"timestamp":0,"tags":{"__proto__":"x"}}',
    '{"experiment":"E","metric":"m","value":1,"timestamp":0,"__proto__":{"tags":"x"}}',
    '{"experiment":"E","metric":"m","value":1,"timestamp":0,"tags":{"__proto__":{}}}',
    '{"experiment":"E","metric":"m","value":1e400,"timestamp":0}',
    '{"experiment":"E","metric":"m","value":1,"timestamp":1e400}',
    '{"experiment":"E","metric":"m","value":-0,"timestamp":-0}',
    '{"experiment":"E","metric":"m","value":1,"timestamp":0,"value":"x"}',
    '{"experiment":"E","metric":"m","value":"x","timestamp":0,"value":2}',
    '{"experiment":"E","metric":"m","value":1,"timestamp":0,"tags":{"b":"1","a":"2","1":"3","0":"4"}}',
    `{"experiment":"E","metric":"m","value":1,"timestamp":0,"tags":{${Array.from({ length: 17 }, (_, i) => `"k${i % 16}":"v"`).join(',')}}}`,
    `{"experiment":"E","metric":"m","value":1,"timestamp":0,"tags":{${Array.from({ length: 16 }, (_, i) => `"k${i}":"v"`).join(',')}}}`,
    `{"experiment":"E","metric":"m","value":1,"timestamp":0,"tags":{${Array.from({ length: 17 }, (_, i) => `"k${i}":"v"`).join(',')}}}`,
  ];

  /** Everything a result holds, -0, key order, frozen and prototype included. */
  function canonical(result: ParsedMessage): string {
    if (result.kind === 'invalid') return json(result);
    const numbers = (_key: string, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : typeof v === 'number' ? (Object.is(v, -0) ? '-0' : `#${v}`) : v;
    const measures = result.measures
      .map((m) => `${JSON.stringify(m, numbers)}|${Object.isFrozen(m.tags)}|${Object.getPrototypeOf(m.tags) === Object.prototype}`)
      .join('\n');
    return result.refused === undefined ? measures : `${measures}\nrefused: ${json(result.refused)}`;
  }

  it('parses fuzzed bodies exactly as ajv alone does, and accepts exactly what ajv accepts', () => {
    const bodies = [...EDGES, ...Array.from({ length: 6000 }, body)];
    const mismatches: string[] = [];
    let accepted = 0;
    let withTags = 0;
    let withStringTimestamps = 0;
    let refusedOne = 0;
    const reasons = new Map<string, number>();
    for (const text of bodies) {
      const buffer = Buffer.from(text);
      const expected = reference.parse(buffer);
      const actual = fast.parse(buffer);
      // The fast check alone must accept exactly the bodies ajv accepts: else valid bodies would pay for both.
      const fastVerdict = acceptMessage(JSON.parse(text)) !== undefined;
      // A list of which only some measures are valid is ajv's to judge, measure by measure.
      const whole = expected.kind === 'measures' && expected.refused === undefined;
      if (canonical(actual) !== canonical(expected) || fastVerdict !== whole) {
        mismatches.push(`${text.slice(0, 300)}\n  ajv:  ${canonical(expected).slice(0, 300)}\n  fast: ${fastVerdict} ${canonical(actual).slice(0, 300)}`);
      }
      if (whole) {
        accepted += 1;
        if (expected.measures.some((m) => Object.keys(m.tags).length > 0)) withTags += 1;
        if (/"timestamp":"/.test(text)) withStringTimestamps += 1;
      } else if (expected.kind === 'invalid') {
        reasons.set(expected.reason, (reasons.get(expected.reason) ?? 0) + 1);
      } else {
        refusedOne += 1;
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The corpus is worth something only if it holds plenty of both verdicts.
    expect(accepted).toBeGreaterThan(2500);
    expect(bodies.length - accepted).toBeGreaterThan(1500);
    expect(withTags).toBeGreaterThan(800);
    expect(withStringTimestamps).toBeGreaterThan(1000);
    expect(refusedOne).toBeGreaterThan(100);
    expect([...reasons.keys()]).toEqual(['schema-violation']);
  });

  it('accepts the boundaries of the edge cases as ajv does', () => {
    const kinds = EDGES.map((text) => fast.parse(Buffer.from(text)).kind);
    // The fifth: 10,000 measures, the last with a negative epoch, is refused that measure alone.
    expect(kinds).toEqual([
      'measures', 'invalid', 'measures', 'invalid', 'measures', 'measures', 'invalid', 'invalid',
      'invalid', 'invalid', 'measures', 'invalid', 'measures', 'measures', 'measures', 'measures', 'invalid',
    ]);
  });
});
