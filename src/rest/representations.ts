import type { Experiment } from '../domain/experiment';
import type { Series, StoredMeasure } from '../domain/measure';
import type { RejectedMessage } from '../domain/rejected-message';
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

/** RFC 3339 with microseconds: Date alone would drop the last three digits. */
export function isoMicros(timestampUs: number): string {
  const ms = Math.floor(timestampUs / 1000);
  const micros = String(timestampUs - ms * 1000).padStart(3, '0');
  return new Date(ms).toISOString().replace('Z', `${micros}Z`);
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
  };
  if (!withBody) return summary;
  return { ...summary, body: message.body.toString('utf8'), body_base64: message.body.toString('base64') };
}
