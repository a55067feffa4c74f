import { doNotLogFields } from '../domain/do-not-log';

export const MASK = '***';

/**
 * Words that make a key secret or personal wherever they appear in it (`access_token`, `X-Api-Key`,
 * `userEmail`...). Matching by substring over-masks a little (`tokenType`), which is the safe direction.
 */
const SECRET_WORDS = [
  'auth',
  'cookie',
  'session',
  'token',
  'password',
  'passwd',
  'pwd',
  'secret',
  'api[-_]?key',
  'private[-_]?key',
  'credential',
  'signature',
  'e-?mail',
  'username',
  'full[-_]?name',
  'given[-_]?name',
  'family[-_]?name',
  'display[-_]?name',
  'phone',
];
const SECRET_KEY = new RegExp(`(${SECRET_WORDS.join('|')})`, 'i');

/**
 * Keys that are not secret by name but whose values echo data: mysql2 puts the bound values into `sql`,
 * and a body or raw header list holds whatever the client sent. (A `headers` object is redacted by key.)
 */
const DATA_KEY = /^(sql|sqlMessage|rawHeaders|body|rawBody)$/;

/** Words that, in free text, make the value after `=` or `:` secret: `?token=...`, `password: ...`. */
const TEXT_SECRET_KEY = 'authorization|cookie|token|password|passwd|pwd|secret|api[-_]?key|private[-_]?key|credentials?|signature';

/**
 * Each pattern comes with a cheap test that must pass before it runs, and every unbounded run is anchored
 * at the start of a run (lookbehind): a long string without `@` must not cost a quadratic scan per line.
 */
const IN_TEXT: Array<[(text: string) => boolean, RegExp, string]> = [
  // Schemes first: `Authorization: Bearer x` keeps the word Bearer, so the reader knows what was there.
  // Spelled as in headers (not /i), so that prose such as "token signature invalid" stays readable.
  [() => true, /\b(Bearer|bearer|Basic|Digest)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  [(t) => t.includes('eyJ'), /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, MASK],
  [(t) => t.includes('@'), /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,}/g, MASK],
  // Credentials in URLs: amqp://user:password@host.
  [(t) => t.includes('://'), /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/[^:/\s@]{1,256}:)[^@\s/]{1,256}@/gi, `$1${MASK}@`],
  [
    () => true,
    new RegExp(`((?:${TEXT_SECRET_KEY})[\\w-]{0,64}["']?\\s*[=:]\\s*["']?)(?!Bearer |Basic |\\*\\*\\*)[^\\s"'&,;}]+`, 'gi'),
    `$1${MASK}`,
  ],
  // MySQL echoes the offending value in duplicate-key messages; usernames and institute ids are personal.
  [(t) => t.includes('Duplicate entry'), /(Duplicate entry ')[^']*(')/g, `$1${MASK}$2`],
];

/** Longer strings are cut: a log line is not the place for a message body, and redaction cost stays bounded. */
const MAX_STRING = 16 * 1024;
/** Redacted beyond the cut, so that a secret straddling it is masked before it is cut. */
const CUT_MARGIN = 512;

export function redactText(text: string): string {
  const window = text.length > MAX_STRING ? text.slice(0, MAX_STRING + CUT_MARGIN) : text;
  const redacted = IN_TEXT.reduce(
    (out, [applies, pattern, replacement]) => (applies(out) ? out.replace(pattern, replacement) : out),
    window,
  );
  return text.length > MAX_STRING ? `${redacted.slice(0, MAX_STRING)}...[cut at ${MAX_STRING} of ${text.length} chars]` : redacted;
}

/** True when a value under this key must never be logged, whatever it holds. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || DATA_KEY.test(key);
}

const MAX_DEPTH = 8;

/**
 * Returns a copy of `value` fit for a log line: fields marked @doNotLog and keys that name secrets or
 * personal data become `***`, bearer tokens, JWTs, email addresses and URL credentials inside strings are
 * masked, and errors keep name, message, stack, code and cause (and an AggregateError its errors), each
 * redacted. Cycles and depth are bounded. The input is never modified.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  if (value instanceof Map) return redactFields(Object.fromEntries(value), depth, seen);
  if (value instanceof Set) return [...value].map((item) => redact(item, depth + 1, seen));
  if (value instanceof Error) return redactError(value, depth, seen);
  return redactFields(value, depth, seen);
}

/** Redacts each field of `owner` by its key, its @doNotLog mark, then its value. */
export function redactFields(owner: object, depth = 0, seen = new WeakSet<object>()): Record<string, unknown> {
  const marked = doNotLogFields(owner);
  // fromEntries defines own properties: a field named "__proto__" stays a field instead of calling the setter.
  return Object.fromEntries(
    Object.entries(owner).map(([key, inner]) => {
      if (inner === null || inner === undefined) return [key, inner];
      if (marked.has(key) || isSecretKey(key)) return [key, MASK];
      return [key, redact(inner, depth + 1, seen)];
    }),
  );
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  if (error.stack) out.stack = redactText(error.stack);
  if (error.cause !== undefined) out.cause = redact(error.cause, depth + 1, seen);
  if (error instanceof AggregateError) out.errors = redact(error.errors, depth + 1, seen);
  // Spread, not Object.assign: an own "__proto__" field must not replace the prototype of `out`.
  return { ...out, ...redactFields(error, depth, seen) };
}
