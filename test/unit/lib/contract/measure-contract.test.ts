import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { MeasureValidator } from '../../../../adapters/sdk/measure-validator';
import { isValidMeasure, measureCheckApplies } from '../../../../lib/contract/measure-check';
import { openApiDocument, type OpenApiDocument } from '../../../../lib/contract/openapi-document';
import type { MeasureMessageParser } from '../../../../src/amqp/measure-message-parser';
import { testConfig } from '../../../support/real-services';

const config = testConfig({ MAX_MESSAGE_BYTES: String(64 * 1024) });

/** A parser built (as the consumer builds it) from `document` in place of the project's openapi.yaml. */
function consumerParser(document: OpenApiDocument): MeasureMessageParser {
  let parser: MeasureMessageParser | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../../../lib/contract/openapi-document', () => ({ openApiDocument: () => document }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MeasureMessageParser: Parser } = require('../../../../src/amqp/measure-message-parser') as typeof import('../../../../src/amqp/measure-message-parser');
    parser = new Parser(config);
  });
  if (!parser) throw new Error('parser not built');
  return parser;
}

/** `document` written to a temporary openapi.yaml, as an adapter would be given it (`schemaPath`). */
function schemaFile(document: OpenApiDocument): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-contract-'));
  const file = path.join(dir, 'openapi.yaml');
  fs.writeFileSync(file, stringify(document));
  return file;
}

const base = { experiment: 'E-1', metric: 'temperature', value: 21.5, timestamp: '2024-05-01T12:00:00Z' };
const measures: Record<string, unknown>[] = [
  base,
  { ...base, unit: 'abcde' },
  { ...base, unit: '' },
  { ...base, timestamp: '2024-05-01T12:00:00.123456789012345678Z' },
  { ...base, timestamp: '2024-02-30T00:00:00Z' },
  { ...base, timestamp: '2024-12-31T23:59:60Z' },
  { ...base, timestamp: 253402300799999 },
  { ...base, timestamp: 253402300800000 },
  { ...base, source: 'host:9100', tags: { site: 'lab' } },
  { ...base, tags: { 'bad key': 'x' } },
  { ...base, color: 'red' },
  { ...base, experiment: 'x'.repeat(65) },
];

function consumerAccepts(parser: MeasureMessageParser, m: unknown): boolean {
  return parser.parse(Buffer.from(JSON.stringify(m))).kind === 'measures';
}

describe('one measure contract for the consumer and the adapter SDK', () => {
  it('the SDK refuses exactly the measures the consumer refuses', () => {
    const consumer = consumerParser(openApiDocument());
    const sdk = new MeasureValidator();
    for (const m of measures) {
      const verdict = consumerAccepts(consumer, m);
      expect({ m, sdk: sdk.isValid(m), fast: isValidMeasure(m) }).toEqual({ m, sdk: verdict, fast: verdict });
    }
  });

  it('a Measure schema changed in openapi.yaml alone changes both verdicts and sets the fast checks aside', () => {
    const document = structuredClone(openApiDocument());
    const measure = document.components.schemas.Measure as { properties: { unit: { maxLength: number } } };
    measure.properties.unit.maxLength = 4;
    const consumer = consumerParser(document);
    const sdk = new MeasureValidator(schemaFile(document));
    const longUnit = { ...base, unit: 'abcde' };

    expect(measureCheckApplies(document.components.schemas)).toBe(false);
    expect(consumer.usesFastPath).toBe(false);
    expect(consumerAccepts(consumer, longUnit)).toBe(false);
    expect(sdk.isValid(longUnit)).toBe(false);
    expect(sdk.errors(longUnit)).toEqual(['/unit: must NOT have more than 4 characters']);
    expect(consumerAccepts(consumer, { ...base, unit: 'abcd' })).toBe(true);
    expect(sdk.isValid({ ...base, unit: 'abcd' })).toBe(true);
  });
});
