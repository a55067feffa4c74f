import { MeasureMessageParser, type ParsedMessage } from '../../../src/amqp/measure-message-parser';
import type { Measure } from '../../../src/domain/measure';
import { testConfig } from '../../support/real-services';
import { measure } from './fakes';

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

function timestampUs(timestamp: string | number): number {
  return measuresOf(measure({ timestamp }))[0].timestampUs;
}

function expectInvalid(body: unknown, reason: string): string {
  const result = parse(body);
  expect(result).toMatchObject({ kind: 'invalid', reason });
  return result.kind === 'invalid' ? result.detail : '';
}

/** Microseconds of a UTC instant given to the second, plus a fraction in microseconds. */
function utcUs(year: number, month: number, day: number, h: number, m: number, s: number, us = 0): number {
  return Date.UTC(year, month - 1, day, h, m, s) * 1000 + us;
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
      timestampUs: 1709296496123000,
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

    it('refuses the whole message when one item of an array is bad, and points at it', () => {
      const detail = expectInvalid([measure(), measure({ value: 'hot' })], 'schema-violation');
      expect(detail).toBe('/1/value: must be number');
    });

    it('points into {"measures": [...]}', () => {
      const detail = expectInvalid({ measures: [measure(), measure(), measure({ unit: '' })] }, 'schema-violation');
      expect(detail).toBe('/measures/2/unit: must NOT have fewer than 1 characters');
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
      ['+0530', -(5 * 60 + 30)],
      ['+01', -60],
      ['+00:00', 0],
      ['-00:00', 0],
    ])('honours the offset %s', (offset, minutesToUtc) => {
      expect(timestampUs(`2024-03-01T12:34:56.000007${offset}`)).toBe(
        utcUs(2024, 3, 1, 12, 34, 56, 7) + minutesToUtc * 60_000_000,
      );
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
      for (const text of ['1970-01-01T00:00:00Z', '2000-02-29T23:59:59.999+14:00', '2038-01-19T03:14:07.5-12:00']) {
        expect(Math.floor(timestampUs(text) / 1000)).toBe(Date.parse(text));
      }
    });

    it('reads years below 100 as themselves, and instants before 1970 as negative', () => {
      expect(timestampUs('0001-01-01T00:00:00Z')).toBe(-62135596800000000);
      expect(timestampUs('1969-12-31T23:59:59.999999Z')).toBe(-1);
    });

    it('keeps a leap second in its minute, at its last microsecond', () => {
      expect(timestampUs('2016-12-31T23:59:60Z')).toBe(utcUs(2016, 12, 31, 23, 59, 59, 999999));
      expect(timestampUs('2016-12-31T23:59:60.5Z')).toBeLessThan(utcUs(2017, 1, 1, 0, 0, 0));
    });

    it('reads epoch milliseconds', () => {
      expect(timestampUs(0)).toBe(0);
      expect(timestampUs(1709296496123)).toBe(1709296496123000);
    });

    it('reads fractional epoch milliseconds to the microsecond', () => {
      expect(timestampUs(1709296496123.456)).toBe(1709296496123456);
      expect(timestampUs(0.001)).toBe(1);
      expect(Number.isInteger(timestampUs(1709296496123 + 0.4567))).toBe(true);
    });
  });
});
