import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { Measure } from './measure';

/** Keywords OpenAPI 3.1 adds to JSON Schema; registered so that ajv's strict mode accepts the document. */
const OPENAPI_KEYWORDS = ['components', 'discriminator', 'xml', 'externalDocs', 'example'];
const DOCUMENT_ID = 'https://mymonit.dev/schemas/adapters/openapi.json';
const MAX_ERRORS = 3;

/** The first `name` found in `from` or one of its parents. */
export function findUpwards(name: string, from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} not found in ${from} or any parent directory`);
  }
}

/**
 * MeasureValidator checks measures against `components.schemas.Measure` of openapi.yaml, the schema the
 * consumer validates messages with, so that an adapter refuses bad input where it can still say which file
 * and line it came from, instead of the consumer rejecting a whole message later.
 *
 * openapi.yaml is found upwards from this file (works from adapters/sdk and dist/adapters/sdk), or given.
 */
export class MeasureValidator {
  private readonly validateFn: ValidateFunction<Measure>;
  /** openapi.yaml's components.schemas, as loaded. */
  readonly schemas: Record<string, unknown>;

  constructor(schemaPath: string = findUpwards('openapi.yaml', __dirname)) {
    const document = parse(fs.readFileSync(schemaPath, 'utf8')) as { components?: { schemas?: Record<string, unknown> } };
    if (!document.components?.schemas?.Measure) throw new Error(`${schemaPath} has no components.schemas.Measure`);
    this.schemas = document.components.schemas;
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    // The consumer's date-time (stricter than ajv-formats'), without ajv-formats' cost (test/unit/adapters proves them equal).
    ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
    ajv.addVocabulary(OPENAPI_KEYWORDS);
    ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
    this.validateFn = ajv.compile<Measure>({ $ref: `${DOCUMENT_ID}#/components/schemas/Measure` });
  }

  /** The problems of `value` as a Measure (at most three, e.g. `/timestamp: must match format "date-time"`); empty when valid. */
  errors(value: unknown): string[] {
    if (this.validateFn(value)) return [];
    return describe(this.validateFn.errors ?? []);
  }

  isValid(value: unknown): value is Measure {
    return this.validateFn(value);
  }
}

/** RFC 3339 `date-time`: `T`, `t` or a space; `Z`, `z` or a `±hh:mm` offset (not ISO 8601's `+hhmm` or `+hh`). */
const DATE_TIME = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by the two ASCII digits at `at` (the shape was checked by DATE_TIME). */
function two(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

/**
 * The consumer's `date-time` (src/domain/timestamp.ts, which the SDK does not import so that it builds
 * alone; test/unit/adapters proves the two equal): a real calendar date, hours 00-23, minutes 00-59, an
 * offset of at most 23:59, a leap second only at 23:59:60 UTC, and an instant inside years 0000-9999 UTC.
 * One capture-free regular expression and digit arithmetic: validation is most of what the SDK spends
 * per measure.
 */
export function isDateTime(text: string): boolean {
  if (!DATE_TIME.test(text)) return false;
  // Fixed positions: YYYY-MM-DDTHH:MM:SS, then an optional fraction, then the offset.
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : (DAYS[month] ?? 0)))) return false;
  const hr = two(text, 11);
  const min = two(text, 14);
  const sec = two(text, 17);
  let at = 19;
  if (text.charCodeAt(at) === 46 /* . */) {
    at += 1;
    while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at += 1;
  }
  let offset = 0;
  const sign = text[at];
  if (sign === '+' || sign === '-') {
    const tzH = two(text, at + 1);
    const tzM = two(text, at + 4);
    if (tzH > 23 || tzM > 59) return false;
    offset = (sign === '-' ? -1 : 1) * (tzH * 60 + tzM);
  }
  if (hr > 23 || min > 59 || sec > 60) return false;
  const utcMinute = hr * 60 + min - offset;
  if (sec === 60 && ((utcMinute % 1440) + 1440) % 1440 !== 1439) return false;
  // Only the first and the last day of the range can leave it, through their offset.
  if (year === 0 && month === 1 && day === 1 && utcMinute < 0) return false;
  return !(year === 9999 && month === 12 && day === 31 && utcMinute >= 1440);
}

function describe(errors: readonly ErrorObject[]): string[] {
  // A oneOf (timestamp) reports each branch and then the oneOf itself; the branch errors say more, and
  // of those, a wrong format says more than "must be number" from the branch the value did not aim at.
  const branches = errors.filter((e) => e.keyword !== 'oneOf');
  const specific = new Set(branches.filter((e) => e.keyword !== 'type').map((e) => e.instancePath));
  const useful = branches.filter((e) => e.keyword !== 'type' || !specific.has(e.instancePath));
  return (useful.length > 0 ? useful : errors).slice(0, MAX_ERRORS).map((error) => {
    const extra =
      error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : '';
    return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`;
  });
}
