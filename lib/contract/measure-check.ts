import { withinLength } from '../within-length';
import { epochMsToUs, MAX_EPOCH_MS, parseTimestampUs } from './timestamp';

/*
 * The fast check of one measure, shared by the consumer (src/amqp/measure-message-parser.ts) and the adapter
 * SDK (adapters/sdk, adapters/file). ajv (measure-schema.ts) is the reference: it validates with openapi.yaml
 * itself, and it is what decides whenever openapi.yaml no longer holds MEASURE_SCHEMAS, so a schema change
 * is made in openapi.yaml alone (the fast check then stands aside until it is brought up to date). While
 * openapi.yaml holds them, `measureTimestampUs` answers exactly what ajv answers, with ajv's semantics:
 * numbers are finite, lengths count code points, patterns are the schema's, date-time is parseTimestampUs.
 * The unit tests prove it on edge cases and fuzzed measures.
 */

/** The schemas `measureTimestampUs` implements, as openapi.yaml's components.schemas holds them (descriptions aside). */
export const MEASURE_SCHEMAS = {
  Name: { type: 'string', pattern: '^[A-Za-z0-9_.:/-]{1,128}$' },
  ExperimentCode: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
  Tags: {
    type: 'object',
    maxProperties: 16,
    propertyNames: { pattern: '^[A-Za-z0-9_.:/-]{1,64}$' },
    additionalProperties: { type: 'string', maxLength: 128 },
  },
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
} as const;

/** Keywords that annotate a schema without constraining it. */
const ANNOTATIONS = new Set(['description', 'example']);

/** Whether `schemas` (openapi.yaml's components.schemas) still hold MEASURE_SCHEMAS, annotations aside. */
export function measureCheckApplies(schemas: Record<string, unknown> | undefined): boolean {
  return holdsSchemas(schemas, MEASURE_SCHEMAS);
}

/** Whether `schemas` hold every schema of `expected` under its name, annotations aside. */
export function holdsSchemas(schemas: Record<string, unknown> | undefined, expected: Record<string, unknown>): boolean {
  if (!schemas) return false;
  return Object.entries(expected).every(([name, schema]) => sameSchema(schemas[name], schema, false));
}

/** `inProperties`: the keys of `actual` are property names (under `properties`), not keywords. */
function sameSchema(actual: unknown, expected: unknown, inProperties: boolean): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => sameSchema(actual[i], item, false))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = (o: object) => Object.keys(o).filter((k) => inProperties || !ANNOTATIONS.has(k)).sort();
    const a = keys(actual);
    const e = keys(expected);
    return (
      a.length === e.length &&
      a.every(
        (k, i) =>
          k === e[i] &&
          sameSchema(
            (actual as Record<string, unknown>)[k],
            (expected as Record<string, unknown>)[k],
            !inProperties && k === 'properties',
          ),
      )
    );
  }
  return actual === expected;
}

// The schema patterns, compiled as ajv compiles them (unicodeRegExp: the `u` flag).
const EXPERIMENT_CODE = new RegExp(MEASURE_SCHEMAS.ExperimentCode.pattern, 'u');
const NAME = new RegExp(MEASURE_SCHEMAS.Name.pattern, 'u');
const TAG_NAME = new RegExp(MEASURE_SCHEMAS.Tags.propertyNames.pattern, 'u');
const MAX_UNIT_LENGTH = 32;
const MAX_TAGS = 16;
const MAX_TAG_VALUE_LENGTH = 128;
/** Strings a PatternMemo remembers before it starts over: a bound on memory, whatever the bodies hold. */
const MEMO_SIZE = 1024;

/**
 * A pattern test that remembers the strings that matched. A message repeats the same few experiment
 * codes, metric, source and tag names in every measure, and so do the messages of one adapter: a Set
 * lookup is several times cheaper than a regular expression. Only matches are remembered, and a pattern's
 * answer depends on the string alone, so the answer is the pattern's.
 */
class PatternMemo {
  private readonly matched = new Set<string>();

  constructor(private readonly pattern: RegExp) {}

  test(text: string): boolean {
    if (this.matched.has(text)) return true;
    if (!this.pattern.test(text)) return false;
    if (this.matched.size >= MEMO_SIZE) this.matched.clear();
    this.matched.add(text);
    return true;
  }
}

const experimentCodes = new PatternMemo(EXPERIMENT_CODE);
const names = new PatternMemo(NAME);
const tagNames = new PatternMemo(TAG_NAME);

/** The fields of a JSON object that may be a measure; any of them may have any JSON type. */
export interface MeasureCandidate {
  experiment?: unknown;
  metric?: unknown;
  source?: unknown;
  value?: unknown;
  unit?: unknown;
  timestamp?: unknown;
  tags?: unknown;
}

/**
 * The timestamp of `m` in microseconds when `m` (an object, not an array) satisfies MEASURE_SCHEMAS.Measure,
 * else undefined: ajv's verdict, with the timestamp the valid measure is stored at.
 */
export function measureTimestampUs(m: MeasureCandidate): bigint | undefined {
  // additionalProperties: false, as ajv checks it: every enumerable key (an own "__proto__" included).
  for (const key in m) {
    if (
      key !== 'experiment' &&
      key !== 'metric' &&
      key !== 'value' &&
      key !== 'timestamp' &&
      key !== 'source' &&
      key !== 'unit' &&
      key !== 'tags'
    ) {
      return undefined;
    }
  }
  const { experiment, metric, source, value, unit, timestamp, tags } = m;
  if (typeof experiment !== 'string' || !experimentCodes.test(experiment)) return undefined;
  if (typeof metric !== 'string' || !names.test(metric)) return undefined;
  if (source !== undefined && (typeof source !== 'string' || !names.test(source))) return undefined;
  // ajv's `type: number` (strictNumbers): finite; JSON.parse turns 1e400 into Infinity.
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (unit !== undefined && (typeof unit !== 'string' || unit.length === 0 || !withinLength(unit, MAX_UNIT_LENGTH))) {
    return undefined;
  }
  if (tags !== undefined && !validTags(tags)) return undefined;
  if (typeof timestamp === 'number') {
    // Comparisons are false for NaN; Infinity is beyond the maximum. -0 passes, as in ajv (-0 < 0 is false).
    return timestamp >= 0 && timestamp <= MAX_EPOCH_MS ? epochMsToUs(timestamp) : undefined;
  }
  return typeof timestamp === 'string' ? parseTimestampUs(timestamp) : undefined;
}

/** Whether `tags` satisfy the Tags schema. */
function validTags(tags: unknown): boolean {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return false;
  let n = 0;
  for (const key in tags) {
    n += 1;
    const value = (tags as Record<string, unknown>)[key];
    if (n > MAX_TAGS || !tagNames.test(key) || typeof value !== 'string' || !withinLength(value, MAX_TAG_VALUE_LENGTH)) {
      return false;
    }
  }
  return true;
}

/** Whether `m` satisfies MEASURE_SCHEMAS.Measure (what ajv answers while openapi.yaml holds them). */
export function isValidMeasure(m: MeasureCandidate): boolean {
  return measureTimestampUs(m) !== undefined;
}
