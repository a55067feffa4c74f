import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isTimestamp } from './timestamp';

/** The document is registered under this id so that its `#/components/schemas/...` refs resolve inside it. */
const DOCUMENT_ID = 'https://mymonit.dev/schemas/openapi.json';
/** Keywords OpenAPI 3.1 adds to JSON Schema: known to ajv, so strict mode does not refuse the document. */
const OPENAPI_KEYWORDS = ['components', 'discriminator', 'xml', 'externalDocs', 'example'];

/**
 * Validators compiled from the schemas of an OpenAPI document (openapi.yaml): the consumer validates messages
 * with its MeasureMessage schema and the adapter SDK measures with its Measure schema, both from here, so
 * that they accept exactly what the contract says.
 */
export class ContractSchemas {
  private readonly ajv: Ajv2020;

  constructor(components: object) {
    // allErrors: an adapter author fixes several mistakes per round trip; bodies are bounded by MAX_MESSAGE_BYTES.
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(this.ajv);
    // RFC 3339 as the platform reads it (lib/contract/timestamp.ts), not ajv-formats' looser reading of it.
    this.ajv.addFormat('date-time', { type: 'string', validate: isTimestamp });
    this.ajv.addVocabulary(OPENAPI_KEYWORDS);
    // A copy, so that nothing ajv does can change the document REST validates with (and vice versa).
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: structuredClone(components) });
  }

  /** The validator of `components.schemas[name]`. */
  compile<T>(name: string): ValidateFunction<T> {
    return this.ajv.compile<T>({ $ref: `${DOCUMENT_ID}#/components/schemas/${name}` });
  }
}

/** One ajv error as a line of a rejection, e.g. `/timestamp: must match format "date-time"`. */
export function formatError(error: ErrorObject): string {
  const extra = error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : '';
  return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`;
}
