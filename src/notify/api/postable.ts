/**
 * POST /api/v2/alerts as Alertmanager 0.25 reads it: go-swagger's decoding and validation of the body
 * (a whole-request error: `{code, message}`, 400 for what does not decode, 422 for a missing `labels` or a
 * `generatorURL` that is no URI), then the handler's defaults (startsAt, endsAt + resolve_timeout) and
 * types.Alert.Validate per alert: the valid alerts are kept, the invalid ones reported together (400, a
 * JSON string, messages joined by "; ").
 */
import { fingerprint, sortedLabels } from '../../alerting/state/alert-labels';
import type { LabelSet } from '../alert';

/** Go's zero time.Time (0001-01-01T00:00:00Z) in ms: Alertmanager treats it as "not given". */
const GO_ZERO_MS = -62_135_596_800_000;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?| (\d{2}):(\d{2}):(\d{2}))$/;

/** A posted alert after decoding, before the handler's defaults. */
export interface DecodedAlert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  /** undefined: not given (or Go's zero time). */
  readonly startsAtMs?: number;
  readonly endsAtMs?: number;
  readonly generatorURL: string;
}

/** A whole-request refusal as go-swagger answers it. */
export interface RequestError {
  readonly status: 400 | 422;
  readonly body: { readonly code: number; readonly message: string };
}

export type Decoded = { readonly ok: true; readonly alerts: DecodedAlert[] } | { readonly ok: false; readonly error: RequestError };

const parseFailure = (message: string): { ok: false; error: RequestError } => ({
  ok: false,
  error: { status: 400, body: { code: 400, message: `parsing alerts body from "" failed, because ${message}` } },
});

/** Go replaces invalid UTF-16 (a lone surrogate) by U+FFFD when it decodes JSON. */
const wellFormed = (text: string): string => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function daysIn(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** strfmt.ParseDateTime's formats (RFC 3339 with any fraction, local times as UTC, `YYYY-MM-DD HH:MM:SS`); ms, or undefined when invalid. */
export function parseDateTime(text: string): number | undefined {
  if (text === '') return 0; // strfmt: the empty text is the Unix epoch
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const sortable = m[9] !== undefined;
  const hour = Number(sortable ? m[9] : m[4]);
  const minute = Number(sortable ? m[10] : m[5]);
  const second = Number(sortable ? m[11] : (m[6] ?? '0'));
  const fraction = m[7] ?? '';
  const zone = m[8];
  // Minutes-only forms take no fraction; a zone needs seconds unless the form is `hh:mmZ`.
  if (m[6] === undefined && !sortable && zone !== undefined && zone !== 'Z') return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number((fraction + '000').slice(0, 3)));
  let ms = date.getTime();
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return ms;
}

/** strfmt's `uri` format as Alertmanager's generatorURL is checked (Go's url.ParseRequestURI): absolute URI or absolute path. */
export function isUri(text: string): boolean {
  if ([...text].some((ch) => /\s/.test(ch) || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return false;
  if (text.startsWith('/')) return true;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value);

function labelSet(value: unknown, field: string): LabelSet | string {
  if (value === undefined || value === null) return new Map();
  if (typeName(value) !== 'object') return `json: cannot unmarshal ${typeName(value)} into Go struct field .${field} of type models.LabelSet`;
  const set = new Map<string, string>();
  for (const [name, text] of Object.entries(value as Record<string, unknown>)) {
    if (typeof text !== 'string') return `json: cannot unmarshal ${typeName(text)} into Go struct field .${field} of type string`;
    set.set(wellFormed(name), wellFormed(text));
  }
  return set;
}

function time(value: unknown, field: string): number | undefined | string {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return `json: cannot unmarshal ${typeName(value)} into Go struct field .${field} of type strfmt.DateTime`;
  const ms = parseDateTime(value);
  if (ms === undefined) return `parsing time ${JSON.stringify(value)}: not an RFC 3339 date-time (${field})`;
  return ms === GO_ZERO_MS ? undefined : ms;
}

/**
 * Decodes the body (already JSON-parsed; Object.entries never reads a prototype, so user-chosen names are
 * safe). `null` is an empty batch, as in Go.
 */
export function decodePostableAlerts(body: unknown): Decoded {
  if (body === null || body === undefined) return { ok: true, alerts: [] };
  if (!Array.isArray(body)) return parseFailure(`json: cannot unmarshal ${typeName(body)} into Go value of type models.PostableAlerts`);
  const alerts: DecodedAlert[] = [];
  const missingLabels = new Set<number>();
  for (const item of body as unknown[]) {
    if (typeName(item) !== 'object') return parseFailure(`json: cannot unmarshal ${typeName(item)} into Go value of type models.PostableAlert`);
    const record = item as Record<string, unknown>;
    const labels = labelSet(record.labels, 'labels');
    const annotations = labelSet(record.annotations, 'annotations');
    const startsAt = time(record.startsAt, 'startsAt');
    const endsAt = time(record.endsAt, 'endsAt');
    const url = record.generatorURL;
    for (const decoded of [labels, annotations, startsAt, endsAt]) if (typeof decoded === 'string') return parseFailure(decoded);
    if (url !== undefined && url !== null && typeof url !== 'string') {
      return parseFailure(`json: cannot unmarshal ${typeName(url)} into Go struct field Alert.generatorURL of type string`);
    }
    alerts.push({
      labels: labels as LabelSet,
      annotations: annotations as LabelSet,
      ...(startsAt === undefined ? {} : { startsAtMs: startsAt as number }),
      ...(endsAt === undefined ? {} : { endsAtMs: endsAt as number }),
      generatorURL: typeof url === 'string' ? wellFormed(url) : '',
    });
    if (record.labels === undefined || record.labels === null) missingLabels.add(alerts.length - 1);
  }
  // go-swagger validates after decoding: the first failing item and field.
  for (const [index, alert] of alerts.entries()) {
    if (missingLabels.has(index)) {
      return { ok: false, error: { status: 422, body: { code: 602, message: `${index}.labels in body is required` } } };
    }
    if (alert.generatorURL !== '' && !isUri(alert.generatorURL)) {
      return {
        ok: false,
        error: { status: 422, body: { code: 601, message: `${index}.generatorURL in body must be of type uri: ${JSON.stringify(alert.generatorURL)}` } },
      };
    }
  }
  return { ok: true, alerts };
}

/** A posted alert after the handler's defaults, valid: what the provider stores (experiment and origin set by the caller). */
export interface AcceptedAlert {
  readonly fingerprint: string;
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly endsAtGiven: boolean;
  readonly updatedAtMs: number;
  readonly generatorURL: string;
}

function invalidName(set: LabelSet): string | undefined {
  return [...set.keys()].sort().find((name) => !LABEL_NAME.test(name));
}

/**
 * postAlertsHandler's defaults and types.Alert.Validate: startsAt defaults to now (or endsAt when only that
 * is given); without endsAt, the alert ends at now + resolve_timeout unless updated (endsAtGiven false);
 * empty label values are dropped. Each result is the accepted alert or Alertmanager's message.
 */
export function acceptAlert(alert: DecodedAlert, nowMs: number, resolveTimeoutMs: number): AcceptedAlert | string {
  const startsAtMs = alert.startsAtMs ?? alert.endsAtMs ?? nowMs;
  const endsAtGiven = alert.endsAtMs !== undefined;
  const endsAtMs = alert.endsAtMs ?? nowMs + resolveTimeoutMs;
  const labels = sortedLabels(new Map([...alert.labels].filter(([, value]) => value !== '')));
  if (endsAtMs < startsAtMs) return 'start time must be before end time';
  const badLabel = invalidName(labels);
  if (badLabel !== undefined) return `invalid label set: invalid name ${JSON.stringify(badLabel)}`;
  if (labels.size === 0) return 'at least one label pair required';
  const badAnnotation = invalidName(alert.annotations);
  if (badAnnotation !== undefined) return `invalid annotations: invalid name ${JSON.stringify(badAnnotation)}`;
  return {
    fingerprint: fingerprint(labels),
    labels,
    annotations: sortedLabels(alert.annotations),
    startsAtMs,
    endsAtMs,
    endsAtGiven,
    updatedAtMs: nowMs,
    generatorURL: alert.generatorURL,
  };
}
