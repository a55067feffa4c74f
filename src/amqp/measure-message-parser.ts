import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { inject, injectable } from 'inversify';
import type { Config } from '../config';
import type { Measure } from '../domain/measure';
import type { RefusedMeasure, RejectionReason } from '../domain/rejected-message';
import { epochMsToUs, isTimestamp, MAX_EPOCH_MS, parseTimestampUs } from '../../lib/contract/timestamp';
import { TYPES } from '../identifiers';
import { openApiDocument } from '../../lib/contract/openapi-document';

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
  | { kind: 'measures'; measures: Measure[]; refused?: PerMeasureRefusals }
  | { kind: 'invalid'; reason: RejectionReason; detail: string };

/** The document is registered under this id so that its `#/components/schemas/...` refs resolve inside it. */
const DOCUMENT_ID = 'https://mymonit.dev/schemas/openapi.json';
/** Keywords OpenAPI 3.1 adds to JSON Schema: known to ajv, so strict mode does not refuse the document. */
const OPENAPI_KEYWORDS = ['components', 'discriminator', 'xml', 'externalDocs', 'example'];
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
    // allErrors: an adapter author fixes several mistakes per round trip; bodies are bounded by MAX_MESSAGE_BYTES.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    // RFC 3339 as the platform reads it (src/domain/timestamp.ts), not ajv-formats' looser reading of it.
    ajv.addFormat('date-time', { type: 'string', validate: isTimestamp });
    ajv.addVocabulary(OPENAPI_KEYWORDS);
    // A copy, so that nothing ajv does can change the document REST validates with (and vice versa).
    ajv.addSchema({ $id: DOCUMENT_ID, components: structuredClone(openApiDocument().components) });
    this.validate = ajv.compile<MeasureMessage>({ $ref: `${DOCUMENT_ID}#/components/schemas/MeasureMessage` });
    this.validateMeasure = ajv.compile<PublishedMeasure>({ $ref: `${DOCUMENT_ID}#/components/schemas/Measure` });
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
 * common case, a valid body, in one pass that also builds the measures. It implements FAST_PATH_SCHEMAS
 * and only them, with ajv's semantics (numbers are finite, lengths count code points, patterns are the
 * schema's, date-time is parseTimestampUs), and returns undefined for anything it does not accept:
 * ajv then decides, so rejections and their details are ajv's. The unit tests prove on fuzzed bodies that
 * it accepts exactly what ajv accepts, and builds exactly what toMeasure builds.
 */

/** The schemas acceptMessage implements, as openapi.yaml's components.schemas holds them (descriptions aside). */
export const FAST_PATH_SCHEMAS = {
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

/** Keywords that annotate a schema without constraining it. */
const ANNOTATIONS = new Set(['description', 'example']);

/** Whether `schemas` (openapi.yaml's components.schemas) still hold FAST_PATH_SCHEMAS, annotations aside. */
export function fastPathApplies(schemas: Record<string, unknown> | undefined): boolean {
  if (!schemas) return false;
  return Object.entries(FAST_PATH_SCHEMAS).every(([name, schema]) => sameSchema(schemas[name], schema, false));
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
const EXPERIMENT_CODE = new RegExp(FAST_PATH_SCHEMAS.ExperimentCode.pattern, 'u');
const NAME = new RegExp(FAST_PATH_SCHEMAS.Name.pattern, 'u');
const TAG_NAME = new RegExp(FAST_PATH_SCHEMAS.Tags.propertyNames.pattern, 'u');
const MAX_ITEMS = 10000;
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

/** The fields of a JSON object that may be a published measure; any of them may have any JSON type. */
interface Candidate {
  experiment?: unknown;
  metric?: unknown;
  source?: unknown;
  value?: unknown;
  unit?: unknown;
  timestamp?: unknown;
  tags?: unknown;
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
  let timestampUs: bigint | undefined;
  if (typeof timestamp === 'number') {
    // Comparisons are false for NaN; Infinity is beyond the maximum. -0 passes, as in ajv (-0 < 0 is false).
    if (!(timestamp >= 0 && timestamp <= MAX_EPOCH_MS)) return undefined;
    timestampUs = epochMsToUs(timestamp);
  } else if (typeof timestamp === 'string') {
    timestampUs = parseTimestampUs(timestamp);
    if (timestampUs === undefined) return undefined;
  } else {
    return undefined;
  }
  const copied = tags === undefined ? NO_TAGS : acceptTags(tags);
  if (copied === undefined) return undefined;
  // The object toMeasure builds, field for field and in the same order (one hidden class for both paths).
  return {
    experiment,
    metric,
    source: source ?? null,
    value,
    unit: unit ?? null,
    timestampUs,
    tags: copied,
  };
}

/** What copyTags makes of `tags` if they satisfy the Tags schema, else undefined. */
function acceptTags(tags: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return undefined;
  let n = 0;
  for (const key in tags) {
    n += 1;
    const value = (tags as Record<string, unknown>)[key];
    if (n > MAX_TAGS || !tagNames.test(key) || typeof value !== 'string' || !withinLength(value, MAX_TAG_VALUE_LENGTH)) {
      return undefined;
    }
  }
  // Spread defines own properties in the same order as fromEntries(entries()) does, "__proto__" included.
  return n === 0 ? NO_TAGS : { ...(tags as Record<string, string>) };
}

/** ucs2length(text) <= max, as ajv counts (a surrogate pair is one character, a lone surrogate too). */
function withinLength(text: string, max: number): boolean {
  const len = text.length;
  if (len <= max) return true;
  if (len > 2 * max) return false;
  let count = 0;
  for (let pos = 0; pos < len; ) {
    count += 1;
    const code = text.charCodeAt(pos++);
    if (code >= 0xd800 && code <= 0xdbff && pos < len && (text.charCodeAt(pos) & 0xfc00) === 0xdc00) pos += 1;
  }
  return count <= max;
}
