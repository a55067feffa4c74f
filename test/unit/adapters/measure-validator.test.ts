import { MeasureValidator, isDateTime } from '../../../adapters/sdk/measure-validator';
import { isTimestamp } from '../../../lib/contract/timestamp';

/** The consumer's date-time format: the SDK must refuse exactly what the consumer would reject. */
const consumerDateTime = isTimestamp;

describe('isDateTime', () => {
  const cases = [
    '2024-05-01T12:00:00Z', '2024-05-01t12:00:00z', '2024-05-01 12:00:00Z', '2024-05-01\t12:00:00Z', '2024-05-01T12:00:00.123456+02:00',
    '2024-05-01T12:00:00+0200', '2024-05-01T12:00:00+02', '2024-05-01T12:00:00', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z',
    '2024-01-00T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '2024-12-31T23:59:60Z', '2024-12-31T23:59:60.5Z',
    '2024-12-31T23:59:61Z', '2024-12-31T22:59:60Z', '2024-12-31T23:59:60+01:00', '2025-01-01T00:59:60+01:00', '2024-12-31T22:59:60-01:00',
    '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00+23:60', '2024-01-01T00:00:00.Z', '2024-01-01TT00:00:00Z', '2024-01-01T00:00:00Zt',
    '24-01-01T00:00:00Z', '2024-1-01T00:00:00Z', '2024-01-01T0:00:00Z', ' 2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z\n',
    '2024-01-01\u00a000:00:00Z', '2024-01-01T00:00:00-00:00', '9999-12-31T23:59:59.999999Z', '0000-01-01T00:00:00Z', '',
    '0000-01-01T00:00:00+00:01', '0000-01-01T00:00:00-00:01', '0000-01-01T00:01:00+00:01', '0000-01-01T00:00:60+00:01',
    '9999-12-31T23:59:59.999999-00:01', '9999-12-31T23:58:59-00:01', '9999-12-31T23:59:60Z', '2024-01-01T29:59:60+06:00',
  ];
  it.each(cases)('agrees with the consumer on %j', (text) => {
    expect(isDateTime(text)).toBe(consumerDateTime(text));
  });

  it('agrees with the consumer on 20000 random near-timestamps', () => {
    const alphabet = '0123456789-:.TtZz+ \n';
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const base = '2024-02-29T23:59:60.5+00:00'.split('');
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * base.length);
        const c = alphabet[Math.floor(random() * alphabet.length)];
        const kind = random();
        if (kind < 0.6) base[at] = c;
        else if (kind < 0.8) base.splice(at, 1);
        else base.splice(at, 0, c);
      }
      const text = base.join('');
      if (isDateTime(text) !== consumerDateTime(text)) throw new Error(`disagree on ${JSON.stringify(text)}`);
    }
  });
});

describe('MeasureValidator', () => {
  const validator = new MeasureValidator();
  it('accepts what the contract accepts and explains what it refuses', () => {
    expect(validator.errors({ experiment: 'E-1', metric: 'm', value: 1.5, timestamp: '2024-05-01T12:00:00Z', tags: { a: 'b' } })).toEqual([]);
    expect(validator.errors({ experiment: 'E', metric: 'm', value: 1, timestamp: 1714564800000, source: 'host:9100', unit: 'ms' })).toEqual([]);
    expect(validator.errors({ experiment: 'E', metric: 'm', value: 1, timestamp: '2024-02-30T00:00:00Z' })).toEqual(['/timestamp: must match format "date-time"']);
    expect(validator.errors({ experiment: 'E', metric: 'm', value: 1 })).toEqual(["/: must have required property 'timestamp'"]);
    expect(validator.errors({ experiment: 'E', metric: 'm', value: 1, timestamp: 1, color: 'red' })).toEqual(["/: must NOT have additional properties 'color'"]);
    const tags = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`t${i}`, 'x']));
    expect(validator.errors({ experiment: 'E', metric: 'm', value: 1, timestamp: 1, tags })).toEqual(['/tags: must NOT have more than 16 properties']);
  });
});
