import type { Experiment } from '../domain/experiment';
import type { SeriesAggregate } from '../domain/aggregate';
import type { Series, StoredMeasure } from '../domain/measure';
import type { RejectedMessage } from '../domain/rejected-message';
import { formatTimestampUs } from '../../lib/contract/timestamp';
import type { User } from '../domain/user';

/** JSON shapes of the API (snake_case, as openapi.yaml describes them), kept apart from the domain types. */
export function userJson(user: User) {
  return {
    id: user.id,
    pseudonym: user.pseudonym,
    user_id: user.userId,
    name: user.name,
    username: user.username,
    email: user.email,
    role: user.role,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    erased_at: user.erasedAt ? user.erasedAt.toISOString() : null,
  };
}

export function experimentJson(experiment: Experiment) {
  return {
    id: experiment.id,
    code: experiment.code,
    name: experiment.name,
    description: experiment.description,
    created_at: experiment.createdAt.toISOString(),
    updated_at: experiment.updatedAt.toISOString(),
  };
}

const MINUTE_US = 60_000_000;
/** The last minute formatted: consecutive measures mostly share it, and Date formatting dominated large pages. */
let cachedMinute = Number.NaN;
let cachedPrefix = '';

/** RFC 3339 with microseconds: Date alone would drop the last three digits. */
export function isoMicros(timestampUs: bigint): string {
  const us = Number(timestampUs);
  // Past 2^53 the double is not the instant: the exact, slower path.
  if (!Number.isSafeInteger(us)) return formatTimestampUs(timestampUs);
  const minute = Math.floor(us / MINUTE_US);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17); // YYYY-MM-DDTHH:MM:
  }
  const rest = us - minute * MINUTE_US;
  const seconds = Math.floor(rest / 1_000_000);
  const micros = String(rest - seconds * 1_000_000).padStart(6, '0');
  return `${cachedPrefix}${seconds < 10 ? '0' : ''}${seconds}.${micros}Z`;
}

export function measureJson(measure: StoredMeasure) {
  return {
    series_id: measure.seriesId,
    metric: measure.metric,
    source: measure.source,
    unit: measure.unit,
    tags: measure.tags,
    value: measure.value,
    timestamp: isoMicros(measure.timestampUs),
  };
}

export function seriesJson(series: Series) {
  return { id: series.id, metric: series.metric, source: series.source, unit: series.unit, tags: series.tags };
}

export function aggregateJson(step: string, fn: string, series: readonly SeriesAggregate[]) {
  return {
    step,
    fn,
    series: series.map((s) => ({
      ...seriesJson(s.series),
      // A sum past the double range has no JSON number: null, as openapi.yaml says.
      points: s.points.map((p) => ({ timestamp: isoMicros(p.timestampUs), value: Number.isFinite(p.value) ? p.value : null, count: p.count })),
    })),
  };
}

export function rejectedJson(message: RejectedMessage, withBody: boolean) {
  const summary = {
    id: message.id,
    received_at: message.receivedAt.toISOString(),
    reason: message.reason,
    detail: message.detail,
    message_id: message.messageId,
    routing_key: message.routingKey,
    content_type: message.contentType,
    body_truncated: message.bodyTruncated,
    body_sha256: message.bodySha256?.toString('hex') ?? null,
    partial: message.partial,
  };
  if (!withBody) return summary;
  return {
    ...summary,
    refused_measures: message.refusedMeasures,
    body: message.body.toString('utf8'),
    body_base64: message.body.toString('base64'),
  };
}
