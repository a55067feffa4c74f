import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { ContractSchemas, formatError } from '../../lib/contract/measure-schema';
import { openApiPath, readOpenApiDocument } from '../../lib/contract/openapi-document';
import type { Measure } from './measure';

const MAX_ERRORS = 3;

/**
 * MeasureValidator checks measures against `components.schemas.Measure` of openapi.yaml with the validator
 * the consumer uses (lib/contract), so that an adapter refuses bad input where it can still say which file
 * and line it came from, instead of the consumer rejecting a whole message later.
 *
 * openapi.yaml is found upwards (works from the checkout and from dist/), or given.
 */
export class MeasureValidator {
  private readonly validateFn: ValidateFunction<Measure>;
  /** openapi.yaml's components.schemas, as loaded. */
  readonly schemas: Record<string, unknown>;

  constructor(schemaPath: string = openApiPath()) {
    const document = readOpenApiDocument(schemaPath);
    if (!document.components.schemas.Measure) throw new Error(`${schemaPath} has no components.schemas.Measure`);
    this.schemas = document.components.schemas;
    this.validateFn = new ContractSchemas(document.components).compile<Measure>('Measure');
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
  // A oneOf (timestamp) reports each branch and then the oneOf itself; the branch errors say more, and
  // of those, a wrong format says more than "must be number" from the branch the value did not aim at.
  const branches = errors.filter((e) => e.keyword !== 'oneOf');
  const specific = new Set(branches.filter((e) => e.keyword !== 'type').map((e) => e.instancePath));
  const useful = branches.filter((e) => e.keyword !== 'type' || !specific.has(e.instancePath));
  return (useful.length > 0 ? useful : errors).slice(0, MAX_ERRORS).map(formatError);
}
