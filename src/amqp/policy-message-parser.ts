import type { RejectionReason } from '../domain/rejected-message';
import type { PolicyEventsBody } from '../services/policies/ports';

/**
 * A delivery on the policy events routing key (issue 15): `{"policy": <id>, "final"?: bool, "events": [...]}`
 * or `{"policy": <id>, "final"?: bool, "log": "<MonPoly text>"}`. Only the envelope is judged here; the time
 * points and their events are the ingest's to judge (a refused time point becomes a policy rejection there).
 */
export type ParsedPolicyMessage =
  | { readonly kind: 'events'; readonly policyId: number; readonly body: PolicyEventsBody; readonly final: boolean }
  | { readonly kind: 'invalid'; readonly reason: RejectionReason; readonly detail: string };

/** policies.id is INT UNSIGNED. */
const MAX_POLICY_ID = 4294967295;
const KEYS = new Set(['policy', 'final', 'events', 'log']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const invalid = (reason: RejectionReason, detail: string): ParsedPolicyMessage => ({ kind: 'invalid', reason, detail });

/** Pure and total: every body gets an answer, never a throw. */
export function parsePolicyMessage(body: Buffer, maxBytes: number): ParsedPolicyMessage {
  if (body.length === 0) return invalid('empty', 'body is empty');
  if (body.length > maxBytes) return invalid('oversize', `body is ${body.length} bytes, the limit is ${maxBytes} (MAX_MESSAGE_BYTES)`);
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return invalid('malformed-json', 'body is not valid UTF-8');
  }
  if (text.trim() === '') return invalid('empty', 'body is only whitespace');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the body: a rejection's detail must not echo what may be personal data.
    return invalid('malformed-json', 'not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid('schema-violation', 'the message must be a JSON object: {"policy": <id>, "events": [...]} or {"policy": <id>, "log": "..."}');
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) {
    return invalid('schema-violation', `unknown field(s) ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64))).join(', ')}: the fields are policy, final, events, log`);
  }
  const policy = fields.policy;
  if (typeof policy !== 'number' || !Number.isSafeInteger(policy) || policy < 1 || policy > MAX_POLICY_ID) {
    return invalid('schema-violation', `policy must be the policy's id, an integer from 1 to ${MAX_POLICY_ID}`);
  }
  const final = fields.final ?? false;
  if (typeof final !== 'boolean') return invalid('schema-violation', 'final must be true or false');
  const hasEvents = 'events' in fields;
  const hasLog = 'log' in fields;
  if (hasEvents === hasLog) return invalid('schema-violation', 'the message must have exactly one of events (JSON time points) and log (MonPoly text)');
  if (hasLog) {
    if (typeof fields.log !== 'string') return invalid('schema-violation', 'log must be a string (MonPoly\'s log text)');
    return { kind: 'events', policyId: policy, body: { kind: 'log', text: fields.log }, final };
  }
  if (!Array.isArray(fields.events)) return invalid('schema-violation', 'events must be an array of time points [{"ts": ..., "events": [{"pred": ..., "args": [...]}]}]');
  return { kind: 'events', policyId: policy, body: { kind: 'json', value: fields.events }, final };
}
