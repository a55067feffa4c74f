/**
 * Alertmanager API v2's silence JSON (0.25): PostableSilence decoded with go-swagger's checks and messages
 * (a wrong type: 400 `parsing silence body ... failed`; a missing field: 422 code 602; no matcher: 422
 * code 612), GettableSilence written with its field order, times to the millisecond in UTC, and Go's
 * escaping of <, > and &. MyMONIT's extension `untilResolved` (boolean) is read when posted and written
 * only when true, so that ordinary silences read byte for byte as Alertmanager's.
 */
import { parseTimestampUs } from '../../../lib/contract/timestamp';
import { apiFromMatcher, matcherFromApi, type ApiMatcher } from '../../notify/silence/matchers';
import type { SilenceInput } from '../../notify/silence/set';
import { silenceState, type Silence } from '../../notify/silence/silence';

/** A refusal in Alertmanager's shape: a status and the JSON body it answers. */
export interface AlertmanagerRefusal {
  readonly status: number;
  readonly body: unknown;
}

/** A posted silence: `untilResolved` absent means false for a new silence, unchanged for an update (amtool does not know it). */
export type PostedSilence = Omit<SilenceInput, 'untilResolved'> & { readonly untilResolved?: boolean };

export type Decoded = { readonly ok: true; readonly input: PostedSilence } | { readonly ok: false; readonly refusal: AlertmanagerRefusal };

/** JSON as Go's encoding/json writes it: <, >, &, U+2028 and U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** strfmt.DateTime's JSON: millisecond precision, UTC. */
export function goTime(ms: number): string {
  return new Date(ms).toISOString();
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value;
}

function parseFailure(detail: string): Decoded {
  return { ok: false, refusal: { status: 400, body: { code: 400, message: `parsing silence body from "" failed, because ${detail}` } } };
}

function wrongType(value: unknown, field: string, goType: string): Decoded {
  return parseFailure(`json: cannot unmarshal ${typeName(value)} into Go struct field ${field} of type ${goType}`);
}

function required(path: string): Decoded {
  return { ok: false, refusal: { status: 422, body: { code: 602, message: `${path} in body is required` } } };
}

/** Go decodes invalid UTF-16 (a lone surrogate) to U+FFFD; so does MyMONIT, instead of storing what MySQL would refuse. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function present(o: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(o, key) && o[key] !== null;
}

/** The time a posted field names, or the refusal. */
function time(value: unknown, field: string): number | Decoded {
  if (typeof value !== 'string') return wrongType(value, `Silence.${field}`, 'strfmt.DateTime');
  const us = parseTimestampUs(value);
  if (us === undefined) return parseFailure(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000Z07:00": not an RFC 3339 date-time`);
  return Number(us / 1000n);
}

/** Decodes a PostableSilence. */
export function decodePostableSilence(body: unknown): Decoded {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return parseFailure(`json: cannot unmarshal ${typeName(body)} into Go value of type models.PostableSilence`);
  }
  const o = body as Record<string, unknown>;
  // Types first (decoding), then the required fields (validation), in go-swagger's order.
  for (const key of ['id', 'comment', 'createdBy'] as const) {
    if (present(o, key) && typeof o[key] !== 'string') return wrongType(o[key], `${key === 'id' ? 'PostableSilence' : 'Silence'}.${key}`, 'string');
  }
  if (present(o, 'untilResolved') && typeof o.untilResolved !== 'boolean') return wrongType(o.untilResolved, 'PostableSilence.untilResolved', 'bool');
  let startsAtMs: number | undefined;
  let endsAtMs: number | undefined;
  if (present(o, 'startsAt')) {
    const t = time(o.startsAt, 'startsAt');
    if (typeof t !== 'number') return t;
    startsAtMs = t;
  }
  if (present(o, 'endsAt')) {
    const t = time(o.endsAt, 'endsAt');
    if (typeof t !== 'number') return t;
    endsAtMs = t;
  }
  const rawMatchers = present(o, 'matchers') ? o.matchers : undefined;
  if (rawMatchers !== undefined && !Array.isArray(rawMatchers)) return wrongType(rawMatchers, 'Silence.matchers', 'models.Matchers');
  const list: unknown[] = rawMatchers ?? [];
  for (const m of list) {
    if (m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) return wrongType(m, 'Silence.matchers', 'models.Matcher');
    const mo = m as Record<string, unknown>;
    for (const key of ['isEqual', 'isRegex'] as const) if (present(mo, key) && typeof mo[key] !== 'boolean') return wrongType(mo[key], `Matcher.matchers.${key}`, 'bool');
    for (const key of ['name', 'value'] as const) if (present(mo, key) && typeof mo[key] !== 'string') return wrongType(mo[key], `Matcher.matchers.${key}`, 'string');
  }
  if (!present(o, 'comment')) return required('comment');
  if (!present(o, 'createdBy')) return required('createdBy');
  if (endsAtMs === undefined) return required('endsAt');
  if (rawMatchers === undefined) return required('matchers');
  if (list.length === 0) return { ok: false, refusal: { status: 422, body: { code: 612, message: 'matchers in body should have at least 1 items' } } };
  const matchers: ApiMatcher[] = [];
  for (const [i, m] of list.entries()) {
    if (m === null) continue;
    const mo = m as Record<string, unknown>;
    for (const key of ['isRegex', 'name', 'value'] as const) if (!present(mo, key)) return required(`matchers.${i}.${key}`);
    matchers.push({ name: wellFormed(String(mo.name)), value: wellFormed(String(mo.value)), isRegex: mo.isRegex === true, isEqual: mo.isEqual !== false });
  }
  if (startsAtMs === undefined) return required('startsAt');
  return {
    ok: true,
    input: {
      ...(present(o, 'id') && o.id !== '' ? { id: String(o.id) } : {}),
      matchers: matchers.map(matcherFromApi),
      startsAtMs,
      endsAtMs,
      createdBy: wellFormed(String(o.createdBy)),
      comment: wellFormed(String(o.comment)),
      ...(present(o, 'untilResolved') ? { untilResolved: o.untilResolved === true } : {}),
    },
  };
}

/** GettableSilence, fields in Alertmanager's order. */
export function gettableSilence(silence: Silence, nowMs: number): Record<string, unknown> {
  return {
    id: silence.id,
    status: { state: silenceState(silence, nowMs) },
    updatedAt: goTime(silence.updatedAtMs),
    comment: silence.comment,
    createdBy: silence.createdBy,
    endsAt: goTime(silence.endsAtMs),
    matchers: silence.matchers.map((m) => {
      const api = apiFromMatcher(m);
      return { isEqual: api.isEqual, isRegex: api.isRegex, name: api.name, value: api.value };
    }),
    startsAt: goTime(silence.startsAtMs),
    ...(silence.untilResolved ? { untilResolved: true } : {}),
  };
}
