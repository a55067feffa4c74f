import { MeasureValidator } from '../../../adapters/sdk/measure-validator';

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
