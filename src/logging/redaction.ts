import { doNotLogFields } from './do-not-log';

export const MASK = '***';

/** Keys whose values are secret or personal whatever object they sit in. */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|token|id_?token|access_?token|refresh_?token|password|passwd|secret|client_?secret|api_?key|private_?key|credentials?|email|e-mail|username|full_?name)$/i;

const IN_TEXT: Array<[RegExp, string]> = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, `Bearer ${MASK}`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, MASK],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, MASK],
  [/([?&](?:token|access_token|id_token|key|api_key|password|secret)=)[^&\s"]*/gi, `$1${MASK}`],
];

export function redactText(text: string): string {
  return IN_TEXT.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * Returns a copy of `value` fit for a log line: fields marked @doNotLog and keys that name secrets or
 * personal data become `***`, bearer tokens, JWTs and email addresses inside strings are masked, and
 * errors keep name, message, stack and cause, each redacted. Cycles and depth are bounded.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth > 8) return '[Truncated]';
  seen.add(value);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  if (value instanceof Error) {
    const error: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    if (value.stack) error.stack = redactText(value.stack);
    if (value.cause !== undefined) error.cause = redact(value.cause, depth + 1, seen);
    for (const [key, inner] of Object.entries(value)) error[key] = redactEntry(key, inner, value, depth, seen);
    return error;
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = redactEntry(key, inner, value, depth, seen);
  return out;
}

function redactEntry(key: string, inner: unknown, owner: object, depth: number, seen: WeakSet<object>): unknown {
  if (inner === null || inner === undefined) return inner;
  if (SECRET_KEY.test(key) || doNotLogFields(owner).has(key)) return MASK;
  return redact(inner, depth + 1, seen);
}
