import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import type { Measure } from '../domain/measure';
import type { RejectionReason } from '../domain/rejected-message';
import { TYPES } from '../identifiers';
import { openApiDocument } from '../openapi-document';

/** One measure as the contract (openapi.yaml, components.schemas.Measure) lets an adapter publish it. */
interface PublishedMeasure {
  experiment: string;
  metric: string;
  source?: string;
  value: number;
  unit?: string;
  timestamp: string | number;
  tags?: Record<string, string>;
}

type MeasureMessage = PublishedMeasure | PublishedMeasure[] | { measures: PublishedMeasure[] };

export type ParsedMessage =
  | { kind: 'measures'; measures: Measure[] }
  | { kind: 'invalid'; reason: RejectionReason; detail: string };

/** The document is registered under this id so that its `#/components/schemas/...` refs resolve inside it. */
const DOCUMENT_ID = 'https://mymonit.dev/schemas/openapi.json';
/** Keywords OpenAPI 3.1 adds to JSON Schema: known to ajv, so strict mode does not refuse the document. */
const OPENAPI_KEYWORDS = ['components', 'discriminator', 'xml', 'externalDocs', 'example'];
const MAX_DETAILED_ERRORS = 3;
const MAX_DETAIL_LENGTH = 500;

/** RFC 3339 as ajv-formats accepts it: `T`, `t` or a space, `Z`/`z` or an offset of ±hh, ±hhmm or ±hh:mm. */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * MeasureMessageParser turns a delivered body into measures, or into the reason it cannot be stored.
 * It is pure (no I/O): the validator is compiled once, from the same schema REST validates with.
 */
@injectable()
export class MeasureMessageParser {
  private readonly validate: ValidateFunction<MeasureMessage>;
  private readonly maxBytes: number;

  constructor(@inject(TYPES.Config) config: Config) {
    this.maxBytes = config.rabbit.maxMessageBytes;
    // allErrors: an adapter author fixes several mistakes per round trip; bodies are bounded by MAX_MESSAGE_BYTES.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    ajv.addVocabulary(OPENAPI_KEYWORDS);
    // A copy, so that nothing ajv does can change the document REST validates with (and vice versa).
    ajv.addSchema({ $id: DOCUMENT_ID, components: structuredClone(openApiDocument().components) });
    this.validate = ajv.compile<MeasureMessage>({ $ref: `${DOCUMENT_ID}#/components/schemas/MeasureMessage` });
  }

  parse(body: Buffer): ParsedMessage {
    if (body.length === 0) return invalid('empty', 'body is empty');
    if (body.length > this.maxBytes) {
      return invalid('oversize', `body is ${body.length} bytes, the limit is ${this.maxBytes} (MAX_MESSAGE_BYTES)`);
    }
    let text: string;
    try {
      // fatal: invalid UTF-8 is refused rather than silently turned into U+FFFD inside stored strings.
      text = utf8.decode(body);
    } catch {
      return invalid('malformed-json', 'body is not valid UTF-8');
    }
    if (text.trim() === '') return invalid('empty', 'body is only whitespace');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return invalid('malformed-json', withoutEcho((error as Error).message));
    }
    if (!this.validate(value)) return invalid('schema-violation', describe(value, this.validate.errors ?? []));
    const published = Array.isArray(value) ? value : 'measures' in value ? value.measures : [value];
    return { kind: 'measures', measures: published.map(toMeasure) };
  }
}

function invalid(reason: RejectionReason, detail: string): ParsedMessage {
  return { kind: 'invalid', reason, detail };
}

/** V8 quotes the start of the input in some JSON.parse messages; a rejection detail must not echo the body. */
function withoutEcho(message: string): string {
  const cut = message.replace(/, "[\s\S]*" is not valid JSON$/, ' (not valid JSON)');
  return cut.includes('" is not valid JSON') ? 'not valid JSON' : cut;
}

/**
 * A oneOf reports the errors of every branch; only the branch the body's shape was aiming at says what is
 * wrong with it, so the detail keeps those (an array: the array branch; `{measures}`: the wrapper branch).
 */
function describe(value: unknown, errors: readonly ErrorObject[]): string {
  if (value === null || typeof value !== 'object') {
    return '/: must be a measure object, an array of measures, or {"measures": [...]}';
  }
  const branch = Array.isArray(value) ? 1 : 'measures' in value ? 2 : 0;
  const relevant = errors.filter((e) => belongsTo(e, branch));
  const shown = (relevant.length > 0 ? relevant : errors).slice(0, MAX_DETAILED_ERRORS).map(format);
  const detail = shown.join('; ');
  return detail.length > MAX_DETAIL_LENGTH ? `${detail.slice(0, MAX_DETAIL_LENGTH - 3)}...` : detail;
}

function belongsTo(error: ErrorObject, branch: 0 | 1 | 2): boolean {
  if (error.instancePath === '' && error.schemaPath === '#/oneOf') return false;
  const inBranch = (n: number) => error.schemaPath.startsWith(`#/oneOf/${n}/`);
  if (branch === 1) return inBranch(1) || /^\/\d+/.test(error.instancePath);
  if (branch === 2) return inBranch(2) || error.instancePath.startsWith('/measures');
  return !inBranch(1) && !inBranch(2);
}

function format(error: ErrorObject): string {
  const extra = error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : '';
  return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra}`;
}

/** Shared by every measure without tags: most of them, and one allocation per measure less at line rate. */
const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

function toMeasure(published: PublishedMeasure): Measure {
  return {
    experiment: published.experiment,
    metric: published.metric,
    source: published.source ?? null,
    value: published.value,
    unit: published.unit ?? null,
    timestampUs: toMicroseconds(published.timestamp),
    tags: published.tags === undefined ? NO_TAGS : copyTags(published.tags),
  };
}

/** fromEntries defines own properties: a tag named "__proto__" stays a tag and cannot touch the prototype. */
function copyTags(tags: Record<string, string>): Readonly<Record<string, string>> {
  const entries = Object.entries(tags);
  return entries.length === 0 ? NO_TAGS : Object.fromEntries(entries);
}

/** Epoch milliseconds (fractions allowed) or an RFC 3339 string, to integer microseconds since the epoch. */
export function toMicroseconds(timestamp: string | number): number {
  if (typeof timestamp === 'number') return Math.round(timestamp * 1000);
  const m = RFC3339.exec(timestamp);
  // The schema has already checked the format; this only guards against the two drifting apart.
  if (!m) throw new Error(`not an RFC 3339 date-time: ${timestamp}`);
  const [, year, month, day, hour, minute, second, fraction = '', sign, offsetHours, offsetMinutes] = m;
  // A leap second (23:59:60) has no POSIX instant; the last microsecond of the minute keeps it in order
  // without colliding with the next minute's first measure.
  const leap = second === '60';
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), leap ? 59 : Number(second), 0);
  // Date.parse keeps milliseconds only; the fraction is read here, to the microsecond (finer digits are cut).
  const micros = leap ? 999_999 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes ?? 0)) : 0;
  return (date.getTime() - offset * 60_000) * 1000 + micros;
}
