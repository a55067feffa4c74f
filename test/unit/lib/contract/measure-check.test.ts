import type { Measure } from '../../../../adapters/sdk';
import { serializeMappedMeasure } from '../../../../adapters/sdk/mapped-measure';
import { isValidMeasure, measureCheckApplies } from '../../../../lib/contract/measure-check';
import { ContractSchemas } from '../../../../lib/contract/measure-schema';
import { openApiDocument } from '../../../../lib/contract/openapi-document';

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const text = (alphabet: string, min: number, max: number) =>
  Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => pick([...alphabet])).join('');

/** ajv with openapi.yaml's Measure schema: the reference the fast check must agree with. */
const ajvMeasure = new ContractSchemas(openApiDocument().components).compile<Measure>('Measure');
const validator = { schemas: openApiDocument().components.schemas, isValid: (m: unknown) => ajvMeasure(m) };

describe('the fast measure check (lib/contract), on measures of the shape common/mapping.ts produces', () => {
  it('implements the Measure schema openapi.yaml holds now', () => {
    expect(measureCheckApplies(validator.schemas)).toBe(true);
    expect(measureCheckApplies({ ...validator.schemas, Name: { type: 'string', pattern: '^[a-z]{1,128}$' } })).toBe(false);
  });

  const names = 'abcXYZ019_.:/- \t"\\é😀,';
  const timestamps = () =>
    pick<string | number>([
      '2024-05-01T12:00:00Z', '2024-02-30T00:00:00Z', '2024-12-31T23:59:60Z', '2024-05-01\t12:00:00Z', '2024-05-01 12:00:00+02:00',
      '2024-05-01t12:00:00.123456z', '2024-05-01T12:00:00', 'yesterday', '', 0, -1, 253402300799999, 253402300800000, 1714564800000.5,
    ]);
  const measure = (): Measure => {
    const m: Measure = {
      experiment: pick(['E-1', text(names, 0, 3), 'x'.repeat(64), 'x'.repeat(65)]),
      metric: pick(['temperature', text(names, 0, 3), 'm'.repeat(128), 'm'.repeat(129)]),
      value: pick([1.5, -0, 1e21, 0.1, Number.MAX_VALUE, -7]),
      timestamp: timestamps(),
    };
    if (random() < 0.5) m.source = pick(['host:9100', text(names, 0, 3), 's'.repeat(129)]);
    if (random() < 0.4) m.unit = pick(['C', '', 'u'.repeat(32), 'u'.repeat(33), '😀'.repeat(32), '😀'.repeat(33), text(names, 0, 4)]);
    if (random() < 0.4) {
      const n = pick([0, 1, 16, 17]);
      m.tags = Object.fromEntries(
        Array.from({ length: n }, (_, i) => [pick([`k${i}`, `${text(names, 0, 2)}${i}`, 'k'.repeat(65) + i]), pick(['v', '', 'v'.repeat(128), 'v'.repeat(129), '"é\n'])]),
      );
    }
    return m;
  };

  it('answers as ajv does, and serialises as JSON.stringify does, on 30000 random mapped measures', () => {
    let valid = 0;
    for (let i = 0; i < 30_000; i++) {
      const m = measure();
      const expected = validator.isValid(m);
      if (isValidMeasure(m) !== expected) throw new Error(`disagree with ajv on ${JSON.stringify(m)}`);
      if (expected) {
        valid += 1;
        if (serializeMappedMeasure(m) !== JSON.stringify(m)) throw new Error(`serialised differently: ${JSON.stringify(m)}`);
      }
    }
    expect(valid).toBeGreaterThan(1000);
  });
});

