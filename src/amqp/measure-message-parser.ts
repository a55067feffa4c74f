import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { inject, injectable } from 'inversify';
import { holdsSchemas, type MeasureCandidate, measureCheckApplies, measureTimestampUs } from '../../lib/contract/measure-check';
import { ContractSchemas, formatError } from '../../lib/contract/measure-schema';
import { openApiDocument } from '../../lib/contract/openapi-document';
import type { PublishedMeasure } from '../../lib/contract/published-measure';
import { epochMsToUs, parseTimestampUs } from '../../lib/contract/timestamp';
import type { Config } from '../config';
import type { Measure } from '../domain/measure';
import type { RefusedMeasure, RejectionReason } from '../domain/rejected-message';
import { TYPES } from '../identifiers';

type MeasureMessage = PublishedMeasure | PublishedMeasure[] | { measures: PublishedMeasure[] };

export type ParsedMessage =
  | { kind: 'measures'; measures: Measure[]; refused?: PerMeasureRefusals }
  | { kind: 'invalid'; reason: RejectionReason; detail: string };

const MAX_DETAILED_ERRORS = 3;
const MAX_DETAIL_LENGTH = 500;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * MeasureMessageParser turns a delivered body into measures, or into the reason it cannot be stored.
 * It is pure (no I/O): the validator is compiled once, from the same schema REST validates with.
 */
@injectable()
export class MeasureMessageParser {
  private readonly validate: ValidateFunction<MeasureMessage>;
  private readonly validateMeasure: ValidateFunction<PublishedMeasure>;
  private readonly maxBytes: number;
  /** Whether `acceptMessage` may answer before ajv: only while openapi.yaml holds the schemas it implements. */
  private fastPath: boolean;

  constructor(@inject(TYPES.Config) config: Config) {
    this.maxBytes = config.rabbit.maxMessageBytes;
    const schemas = new ContractSchemas(openApiDocument().components);
    this.validate = schemas.compile<MeasureMessage>('MeasureMessage');
    this.validateMeasure = schemas.compile<PublishedMeasure>('Measure');
    this.fastPath = fastPathApplies(openApiDocument().components.schemas);
  }

  /** A parser that validates every body with ajv: the reference the fast path is tested against. */
  static withoutFastPath(config: Config): MeasureMessageParser {
    const parser = new MeasureMessageParser(config);
    parser.fastPath = false;
    return parser;
  }

  /** Whether valid bodies are accepted by the hand-written check (see `acceptMessage`) rather than by ajv. */
  get usesFastPath(): boolean {
    return this.fastPath;
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
    if (this.fastPath) {
      const measures = acceptMessage(value);
      if (measures !== undefined) return { kind: 'measures', measures };
    }
    // Everything the fast check does not accept: ajv decides, and words the rejection.
    if (!this.validate(value)) {
      return this.perMeasure(value) ?? invalid('schema-violation', describe(value, this.validate.errors ?? []));
    }
    const published = Array.isArray(value) ? value : 'measures' in value ? value.measures : [value];
    return { kind: 'measures', measures: published.map(toMeasure) };
  }

  /**
   * A list whose envelope is valid (an array, or {"measures": [...]}, of 1 to 10,000 items) is judged item
   * by item: the valid measures are kept and the others refused with their index. Undefined when the
   * envelope is wrong or no item is valid: the message is then refused whole.
   */
  private perMeasure(value: unknown): ParsedMessage | undefined {
    const list = listOf(value);
    if (list === undefined) return undefined;
    const measures: Measure[] = [];
    const positions: number[] = [];
    const refused: RefusedMeasure[] = [];
    list.forEach((item, index) => {
      if (this.validateMeasure(item)) {
        measures.push(toMeasure(item));
        positions.push(index);
      } else {
        refused.push({ index, reason: 'schema-violation', detail: describeItem(item, this.validateMeasure.errors ?? []) });
      }
    });
    return measures.length === 0 ? undefined : { kind: 'measures', measures, refused: { positions, refused } };
  }
}

/** Measures refused by the schema in a message whose other measures are valid. */
export interface PerMeasureRefusals {
  /** The index in the message of each measure kept (measures[i] was item positions[i]). */
  positions: number[];
  refused: RefusedMeasure[];
}

function describeItem(item: unknown, errors: readonly ErrorObject[]): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return '/: must be a measure object';
  return describe(item, errors);
}

/** The items of a MeasureMessage list envelope (array or {"measures": [...]}), if the envelope is valid. */
export function listOf(value: unknown): unknown[] | undefined {
  let list: unknown = value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'measures') return undefined;
    list = (value as { measures: unknown }).measures;
  }
  return Array.isArray(list) && list.length >= 1 && list.length <= MAX_ITEMS ? list : undefined;
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
  const shown = (relevant.length > 0 ? relevant : errors).slice(0, MAX_DETAILED_ERRORS).map(formatError);
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
export function toMicroseconds(timestamp: string | number): bigint {
  if (typeof timestamp === 'number') return epochMsToUs(timestamp);
  const us = parseTimestampUs(timestamp);
  // The schema's date-time format is parseTimestampUs itself; this only guards against the two drifting apart.
  if (us === undefined) throw new Error(`not an RFC 3339 date-time: ${timestamp}`);
  return us;
}

/*
 * The fast path. ajv's oneOf tries every shape of MeasureMessage and collects errors in all of them, and
 * then toMeasure copies each measure: together as much as JSON.parse itself. acceptMessage answers the
 * common case, a valid body, in one pass that also builds the measures. It implements MESSAGE_SCHEMAS,
 * and the Measure schemas through lib/contract/measure-check.ts, with ajv's semantics, and returns
 * undefined for anything it does not accept: ajv then decides, so rejections and their details are ajv's.
 * The unit tests prove on fuzzed bodies that it accepts exactly what ajv accepts, and builds exactly what
 * toMeasure builds.
 */

/** The envelope schema acceptMessage implements, as openapi.yaml's components.schemas holds it (descriptions aside). */
const MESSAGE_SCHEMAS = {
  MeasureMessage: {
    oneOf: [
      { $ref: '#/components/schemas/Measure' },
      { type: 'array', minItems: 1, maxItems: 10000, items: { $ref: '#/components/schemas/Measure' } },
      {
        type: 'object',
        additionalProperties: false,
        required: ['measures'],
        properties: {
          measures: { type: 'array', minItems: 1, maxItems: 10000, items: { $ref: '#/components/schemas/Measure' } },
        },
      },
    ],
  },
} as const;

const MAX_ITEMS = MESSAGE_SCHEMAS.MeasureMessage.oneOf[1].maxItems;

/** Whether `schemas` (openapi.yaml's components.schemas) still hold the schemas acceptMessage implements. */
export function fastPathApplies(schemas: Record<string, unknown> | undefined): boolean {
  return measureCheckApplies(schemas) && holdsSchemas(schemas, MESSAGE_SCHEMAS);
}

/** The fields of a JSON object that may be a published measure or the wrapper; any may have any JSON type. */
interface Candidate extends MeasureCandidate {
  measures?: unknown;
}

/**
 * The measures of a JSON.parse result that certainly satisfies MeasureMessage, built as toMeasure builds
 * them; undefined when it may not (ajv then decides).
 */
export function acceptMessage(value: unknown): Measure[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) return acceptList(value);
  // A Measure may not have a `measures` property, nor the wrapper any other: at most one branch can apply.
  if ((value as Candidate).measures === undefined) {
    const measure = acceptMeasure(value as Candidate);
    return measure === undefined ? undefined : [measure];
  }
  for (const key in value) if (key !== 'measures') return undefined;
  const list = (value as Candidate).measures;
  return Array.isArray(list) ? acceptList(list) : undefined;
}

function acceptList(list: unknown[]): Measure[] | undefined {
  const n = list.length;
  if (n < 1 || n > MAX_ITEMS) return undefined;
  const measures: Measure[] = [];
  for (let i = 0; i < n; i++) {
    const item = list[i];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    const measure = acceptMeasure(item as Candidate);
    if (measure === undefined) return undefined;
    measures.push(measure);
  }
  return measures;
}

/** `m` is an object that is not an array. */
function acceptMeasure(m: Candidate): Measure | undefined {
  const timestampUs = measureTimestampUs(m);
  if (timestampUs === undefined) return undefined;
  const { experiment, metric, source, value, unit, tags } = m as PublishedMeasure;
  // The object toMeasure builds, field for field and in the same order (one hidden class for both paths).
  return {
    experiment,
    metric,
    source: source ?? null,
    value,
    unit: unit ?? null,
    timestampUs,
    tags: tags === undefined ? NO_TAGS : copyValidTags(tags),
  };
}

/** What copyTags makes of tags the Tags schema accepts. */
function copyValidTags(tags: Record<string, string>): Readonly<Record<string, string>> {
  // Spread defines own properties in the same order as fromEntries(entries()) does, "__proto__" included.
  for (const _ in tags) return { ...tags };
  return NO_TAGS;
}
