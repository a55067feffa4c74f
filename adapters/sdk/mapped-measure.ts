import { isDateTime } from './measure-validator';
import type { Measure } from './measure';

/**
 * A compiled check and a serializer for measures whose shape is already guaranteed by a column mapping
 * (`common/mapping.ts`): `experiment`, `metric` and the optional `source` and `unit` are strings, `value`
 * is a finite number, `timestamp` a string or a number, `tags` an object of strings, and no other key.
 * For such a measure, `isValidMappedMeasure` answers exactly what ajv answers with openapi.yaml's Measure
 * schema (test/unit/adapters/mapped-measure.test.ts proves it on edge cases and fuzzed measures), at a
 * fraction of the cost. It implements the schema below, and only that: `MeasureValidator.implements()`
 * says whether openapi.yaml still holds it, and callers fall back to ajv when it does not.
 */
export const MAPPED_MEASURE_SCHEMAS = {
  Measure: {
    type: 'object',
    additionalProperties: false,
    required: ['experiment', 'metric', 'value', 'timestamp'],
    properties: {
      experiment: { $ref: '#/components/schemas/ExperimentCode' },
      metric: { $ref: '#/components/schemas/Name' },
      source: { $ref: '#/components/schemas/Name' },
      value: { type: 'number' },
      unit: { type: 'string', minLength: 1, maxLength: 32 },
      timestamp: {
        oneOf: [
          { type: 'string', format: 'date-time' },
          { type: 'number', minimum: 0, maximum: 253402300799999 },
        ],
      },
      tags: { $ref: '#/components/schemas/Tags' },
    },
  },
  ExperimentCode: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
  Name: { type: 'string', pattern: '^[A-Za-z0-9_.:/-]{1,128}$' },
  Tags: {
    type: 'object',
    maxProperties: 16,
    propertyNames: { pattern: '^[A-Za-z0-9_.:/-]{1,64}$' },
    additionalProperties: { type: 'string', maxLength: 128 },
  },
} as const;

const EXPERIMENT = /^[A-Za-z0-9_.-]{1,64}$/;
const NAME = /^[A-Za-z0-9_.:/-]{1,128}$/;
const TAG_KEY = /^[A-Za-z0-9_.:/-]{1,64}$/;
const MAX_EPOCH_MS = 253402300799999;

/** String length as JSON Schema counts it (code points, as ajv's ucs2length), compared to a maximum. */
function withinLength(text: string, max: number): boolean {
  if (text.length <= max) return true;
  if (text.length > 2 * max) return false;
  let points = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    points += 1;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
  }
  return points <= max;
}

/** ajv's verdict on a measure of the mapped shape (see above), without ajv. */
export function isValidMappedMeasure(m: Measure): boolean {
  if (!EXPERIMENT.test(m.experiment) || !NAME.test(m.metric)) return false;
  if (m.source !== undefined && !NAME.test(m.source)) return false;
  if (typeof m.value !== 'number' || !Number.isFinite(m.value)) return false;
  const ts = m.timestamp;
  if (typeof ts === 'number') {
    if (!(ts >= 0 && ts <= MAX_EPOCH_MS)) return false;
  } else if (!isDateTime(ts)) return false;
  if (m.unit !== undefined && (m.unit.length === 0 || !withinLength(m.unit, 32))) return false;
  if (m.tags !== undefined) {
    let n = 0;
    for (const key in m.tags) {
      n += 1;
      const value = m.tags[key];
      if (n > 16 || !TAG_KEY.test(key) || value === undefined || !withinLength(value, 128)) return false;
    }
  }
  return true;
}

/**
 * `JSON.stringify(m)` for a measure of the mapped shape that `isValidMappedMeasure` accepted, built from
 * its fields: experiment, metric and source match patterns that need no escaping, and so does a date-time
 * unless a tab (or another \s) separates its date and time.
 */
export function serializeMappedMeasure(m: Measure): string {
  const ts = m.timestamp;
  let timestamp: string;
  if (typeof ts === 'number') timestamp = String(ts);
  else {
    const separator = ts.charCodeAt(10);
    timestamp = separator === 84 /* T */ || separator === 116 /* t */ || separator === 32 ? `"${ts}"` : JSON.stringify(ts);
  }
  let json = `{"experiment":"${m.experiment}","metric":"${m.metric}","value":${String(m.value)},"timestamp":${timestamp}`;
  if (m.source !== undefined) json += `,"source":"${m.source}"`;
  if (m.unit !== undefined) json += `,"unit":${JSON.stringify(m.unit)}`;
  if (m.tags !== undefined) json += `,"tags":${JSON.stringify(m.tags)}`;
  return `${json}}`;
}

/** Whether `schemas` (openapi.yaml's components.schemas) hold the schemas this check implements, descriptions aside. */
export function mappedCheckApplies(schemas: Record<string, unknown> | undefined): boolean {
  if (!schemas) return false;
  return Object.entries(MAPPED_MEASURE_SCHEMAS).every(([name, schema]) => sameSchema(schemas[name], schema));
}

function sameSchema(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => sameSchema(actual[i], item));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = (o: object) => Object.keys(o).filter((k) => k !== 'description' && k !== 'example').sort();
    const a = keys(actual);
    const e = keys(expected);
    return a.length === e.length && a.every((k, i) => k === e[i] && sameSchema((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
  }
  return actual === expected;
}
