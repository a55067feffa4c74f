import type { Labels } from '../alerting/promql/values';
import type { ListedAlert, StoredTransition } from '../storage/alerting-stores';

/** Labels as a JSON object without a prototype (a label may be called `__proto__`). */
export function labelsJson(labels: Labels): Record<string, string> {
  const json = Object.create(null) as Record<string, string>;
  for (const [name, value] of labels) json[name] = value;
  return json;
}

/** PromQL values as Prometheus writes them in JSON: text, NaN and infinities included. */
export function valueJson(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function alertJson(alert: ListedAlert): Record<string, unknown> {
  return {
    rule: alert.ruleId,
    group: alert.groupId,
    experiment: alert.experiment,
    alertname: alert.alertname,
    fingerprint: alert.fingerprint,
    labels: labelsJson(alert.labels),
    state: alert.state,
    severity: alert.severity,
    reason: alert.reason,
    value: valueJson(alert.value),
    active_at: iso(alert.activeAtMs),
    fired_at: iso(alert.firedAtMs),
    keep_firing_since: iso(alert.keepFiringSinceMs),
    last_evaluation: iso(alert.lastEvalMs),
  };
}

export function transitionJson(transition: StoredTransition): Record<string, unknown> {
  return {
    id: transition.id,
    rule: transition.ruleId,
    group: transition.groupId,
    experiment: transition.experiment,
    alertname: transition.alertname,
    fingerprint: transition.fingerprint,
    labels: labelsJson(transition.labels),
    from: transition.from,
    to: transition.to,
    severity: transition.severity,
    reason: transition.reason,
    value: valueJson(transition.value),
    at: iso(transition.atMs),
  };
}
