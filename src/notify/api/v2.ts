/**
 * Alertmanager 0.25's API v2 read side (api/v2/api.go, api/v2/compat.go, dispatch.Groups), pure: the
 * filters of GET /alerts and /alerts/groups, GettableAlert and AlertGroup JSON byte for byte as go-swagger
 * writes them (its key order; Go sorts map keys; times RFC 3339 with milliseconds), and the groups' order.
 */
import type { LabelSet, NotifyAlert } from '../alert';
import type { Route } from '../config/model';
import type { CompiledMatcher } from '../matchers';

export interface AlertMarks {
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
}

export interface AlertFilterParams {
  readonly matchers: readonly CompiledMatcher[];
  readonly active: boolean;
  readonly silenced: boolean;
  readonly inhibited: boolean;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'ok', 'y', 'on', 'selected', 'checked', 't', 'enabled']);

/** go-swagger's boolean query parameter (swag.ConvertBool): its true words, anything else false; absent or empty: the default. */
export function boolParam(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  return TRUE_WORDS.has(raw.trim().toLowerCase());
}

/** api/v2 matchFilterLabels: an empty value on a label the alert has (!=, !~) or lacks (=, =~) is skipped. */
export function matchesFilter(matchers: readonly CompiledMatcher[], labels: LabelSet): boolean {
  for (const m of matchers) {
    const present = labels.has(m.name);
    const value = labels.get(m.name) ?? '';
    if (m.type === '!=' || m.type === '!~') {
      if (m.value === '' && present) continue;
    } else if (m.value === '' && !present) {
      continue;
    }
    if (!m.matches(value)) return false;
  }
  return true;
}

export function isSuppressed(marks: AlertMarks): boolean {
  return marks.silencedBy.length > 0 || marks.inhibitedBy.length > 0;
}

/** api.alertFilter: not resolved before now, the state flags, then the filter matchers. */
export function keepAlert(alert: NotifyAlert, marks: AlertMarks, nowMs: number, params: AlertFilterParams): boolean {
  if (alert.endsAtMs < nowMs) return false;
  if (!params.active && !isSuppressed(marks)) return false;
  if (!params.silenced && marks.silencedBy.length > 0) return false;
  if (!params.inhibited && marks.inhibitedBy.length > 0) return false;
  return matchesFilter(params.matchers, alert.labels);
}

/** strfmt.DateTime's JSON: RFC 3339 with milliseconds, UTC. */
export function dateTimeJson(ms: number): string {
  return new Date(ms).toISOString();
}

/** A label set as Go writes a map: keys sorted (by UTF-8 bytes, which code-point order of well-formed text is). */
export function labelSetJson(labels: LabelSet): string {
  const entries = [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;
}

const stringsJson = (list: readonly string[]): string => JSON.stringify([...list]);

/** compat.go AlertToOpenAPIAlert, serialised as go-swagger's GettableAlert.MarshalJSON orders it. */
export function gettableAlertJson(alert: NotifyAlert, marks: AlertMarks, receivers: readonly string[]): string {
  const state = isSuppressed(marks) ? 'suppressed' : 'active';
  const parts = [
    `"annotations":${labelSetJson(alert.annotations)}`,
    `"endsAt":${JSON.stringify(dateTimeJson(alert.endsAtMs))}`,
    `"fingerprint":${JSON.stringify(alert.fingerprint)}`,
    `"receivers":[${receivers.map((name) => `{"name":${JSON.stringify(name)}}`).join(',')}]`,
    `"startsAt":${JSON.stringify(dateTimeJson(alert.startsAtMs))}`,
    `"status":{"inhibitedBy":${stringsJson(marks.inhibitedBy)},"silencedBy":${stringsJson(marks.silencedBy)},"state":"${state}"}`,
    `"updatedAt":${JSON.stringify(dateTimeJson(alert.updatedAtMs))}`,
    ...(alert.generatorURL === '' ? [] : [`"generatorURL":${JSON.stringify(alert.generatorURL)}`]),
    `"labels":${labelSetJson(alert.labels)}`,
  ];
  return `{${parts.join(',')}}`;
}

/** prometheus/common LabelSet.Before: fewer labels first, then the first differing label (name, then value). */
export function labelSetBefore(a: LabelSet, b: LabelSet): boolean {
  if (a.size !== b.size) return a.size < b.size;
  const names = [...a.keys(), ...b.keys()].sort();
  for (const name of names) {
    const av = a.get(name);
    const bv = b.get(name);
    if (av === undefined) return true;
    if (bv === undefined) return false;
    if (av !== bv) return av < bv;
  }
  return false;
}

const compare = (before: (x: LabelSet, y: LabelSet) => boolean) => (x: LabelSet, y: LabelSet) => (before(x, y) ? -1 : before(y, x) ? 1 : 0);

/** types.AlertSlice's order: by `job`, then `instance` (an alert with the label first), then LabelSet.Before. */
export function compareAlerts(a: NotifyAlert, b: NotifyAlert): number {
  for (const key of ['job', 'instance']) {
    const av = a.labels.get(key);
    const bv = b.labels.get(key);
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return 1;
    if (bv === undefined) return -1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return compare(labelSetBefore)(a.labels, b.labels);
}

export interface AlertGroupView {
  readonly labels: LabelSet;
  readonly receiver: string;
  readonly alerts: readonly NotifyAlert[];
}

export interface GroupingPorts {
  readonly matchRoutes: (route: Route, labels: LabelSet) => Route[];
  readonly groupLabels: (route: Route, labels: LabelSet) => LabelSet;
}

/**
 * dispatch.Dispatcher.Groups: the aggregation groups (route x group labels) of the alerts that pass
 * `keep`, on the routes whose receiver passes `receiverFilter`, sorted as AlertGroups sorts (labels, then
 * receiver), each group's alerts as AlertSlice sorts; and each alert's receivers over those groups, sorted.
 */
export function alertGroups(
  root: Route,
  alerts: readonly NotifyAlert[],
  keep: (alert: NotifyAlert) => boolean,
  receiverFilter: (receiver: string) => boolean,
  ports: GroupingPorts,
): { groups: AlertGroupView[]; receivers: Map<string, string[]> } {
  const groups = new Map<string, { labels: LabelSet; receiver: string; alerts: NotifyAlert[] }>();
  const receivers = new Map<string, string[]>();
  for (const alert of alerts) {
    for (const route of ports.matchRoutes(root, alert.labels)) {
      if (!receiverFilter(route.receiver) || !keep(alert)) continue;
      const labels = ports.groupLabels(route, alert.labels);
      const key = `${route.id}\u0000${labelSetJson(labels)}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { labels, receiver: route.receiver, alerts: [] };
        groups.set(key, group);
      }
      group.alerts.push(alert);
      const list = receivers.get(alert.fingerprint) ?? [];
      list.push(route.receiver);
      receivers.set(alert.fingerprint, list);
    }
  }
  for (const list of receivers.values()) list.sort();
  const sorted = [...groups.values()].sort((a, b) => compare(labelSetBefore)(a.labels, b.labels) || (a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0));
  for (const group of sorted) group.alerts.sort(compareAlerts);
  return { groups: sorted, receivers };
}
