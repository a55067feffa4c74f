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
    // The same check as ajv-formats' full date-time, four times faster (test/unit/adapters proves them equal).
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

const DATE_TIME = /^\d{4}-\d\d-\d\d[t\s]\d\d:\d\d:\d\d(?:\.\d+)?(?:z|[+-]\d\d(?::?\d\d)?)$/i;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by the two ASCII digits at `at` (the shape was checked by DATE_TIME). */
function two(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

/**
 * RFC 3339 date-time with a mandatory offset: exactly what ajv-formats' full `date-time` accepts (a real
 * calendar date, hours 00-23, a leap second only at 23:59:60 UTC), with one capture-free regular
 * expression and digit arithmetic instead of a split and three capturing ones. Validation is most of
 * what the SDK spends per measure, and this check was most of that (test/unit/adapters proves the two equal).
 */
export function isDateTime(text: string): boolean {
  if (!DATE_TIME.test(text)) return false;
  // Fixed positions: YYYY-MM-DDTHH:MM:SS, then an optional fraction, then the offset.
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS[month]))) return false;
  const hr = two(text, 11);
  const min = two(text, 14);
  const sec = two(text, 17); // a fraction never changes `sec < 60` or `sec < 61` for whole seconds 00-99
  let at = 19;
  if (text.charCodeAt(at) === 46 /* . */) {
    at += 1;
    while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at += 1;
  }
  let tzSign = 1;
  let tzH = 0;
  let tzM = 0;
  const sign = text[at];
  if (sign === '+' || sign === '-') {
    tzSign = sign === '-' ? -1 : 1;
    tzH = two(text, at + 1);
    const rest = text.length - (at + 3); // 0 (+hh), 2 (+hhmm) or 3 (+hh:mm)
    if (rest > 0) tzM = two(text, text.length - 2);
  }
  if (tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
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
