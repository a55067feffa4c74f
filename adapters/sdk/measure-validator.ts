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

  constructor(schemaPath: string = findUpwards('openapi.yaml', __dirname)) {
    const document = parse(fs.readFileSync(schemaPath, 'utf8')) as { components?: { schemas?: Record<string, unknown> } };
    if (!document.components?.schemas?.Measure) throw new Error(`${schemaPath} has no components.schemas.Measure`);
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
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

function describe(errors: readonly ErrorObject[]): string[] {
  // A oneOf (timestamp) reports each branch and then the oneOf itself; the branch errors say more.
  const useful = errors.filter((e) => e.keyword !== 'oneOf');
  return (useful.length > 0 ? useful : errors).slice(0, MAX_ERRORS).map((error) => {
    const extra =
      error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : '';
    return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`;
  });
}
