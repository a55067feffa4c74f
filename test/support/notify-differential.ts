import type { RecordedWebhook } from './webhook-recorder';

/**
 * The differential harness's pieces that do not depend on a server: the scripted alert stream, the
 * notifications it must produce on Alertmanager, and the comparison of two notification sequences.
 */

/** The configuration both sides load; `{{WEBHOOK}}` becomes the recorder's URL plus the side's path. */
export const DIFFERENTIAL_CONFIG = `# The differential test's configuration: Alertmanager's format, short timers.
global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 3s
  repeat_interval: 10s
  routes:
    - receiver: db
      matchers: ['service="db"']
      group_by: [alertname, cluster]
      continue: true
    - receiver: pager
      matchers: ['service="db"', 'severity="critical"']
      group_by: [cluster]
    - receiver: web
      matchers: ['service=~"web|frontend"']
      group_by: ['...']
inhibit_rules:
  - source_matchers: ['alertname="ClusterDown"', 'severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
receivers:
  - name: default
    webhook_configs:
      - url: '{{WEBHOOK}}/default'
        send_resolved: true
  - name: db
    webhook_configs:
      - url: '{{WEBHOOK}}/db'
        send_resolved: true
  - name: pager
    webhook_configs:
      - url: '{{WEBHOOK}}/pager'
        send_resolved: true
  - name: web
    webhook_configs:
      - url: '{{WEBHOOK}}/web'
        send_resolved: true
`;

export type Labels = Record<string, string>;

/** The alerts of the script, by short name. */
export const ALERTS = {
  a1: { alertname: 'DiskFull', service: 'db', cluster: 'c1', severity: 'warning', instance: 'db1' },
  a2: { alertname: 'DiskFull', service: 'db', cluster: 'c1', severity: 'warning', instance: 'db2' },
  a3: { alertname: 'Replication', service: 'db', cluster: 'c1', severity: 'critical', instance: 'db1' },
  w1: { alertname: 'HighLatency', service: 'web', cluster: 'c2', severity: 'warning', instance: 'web1' },
  w2: { alertname: 'HighLatency', service: 'web', cluster: 'c2', severity: 'warning', instance: 'web2' },
  o1: { alertname: 'Other', cluster: 'c3', severity: 'info' },
  i1: { alertname: 'ClusterDown', service: 'net', cluster: 'c2', severity: 'critical' },
} satisfies Record<string, Labels>;

export type AlertName = keyof typeof ALERTS;

/**
 * One step of the script at `at` seconds after its start: post alerts (`fire`: firing, endsAt left to
 * the server's resolve_timeout, or `endsIn` seconds ahead; `resolve`: endsAt = now), or act on the
 * silence. A group's flushes fall at creation + 1 s + k * 3 s; every step keeps at least 0.5 s from
 * a flush that could see it, so neither side's few milliseconds of lag can change what a flush sends.
 */
export type Step =
  | { at: number; fire: AlertName[]; endsIn?: number; why: string }
  | { at: number; resolve: AlertName[]; why: string }
  | { at: number; silence: 'create' | 'expire'; why: string };

export const SCRIPT: Step[] = [
  { at: 0, fire: ['a1', 'o1'], why: 'two new groups: db{DiskFull,c1} and default{Other}; flush at 1' },
  { at: 2, fire: ['a2', 'a1', 'o1'], why: 'a2 joins db{DiskFull,c1} (sent at 4); a1, o1 re-posted: deduplicated' },
  { at: 2.5, fire: ['w1', 'w2'], why: 'group_by "...": one group per alert on web; flush at 3.5' },
  { at: 5, fire: ['a3'], why: 'a3 routes to db (continue) and to pager{c1}; both flush at 6' },
  { at: 5.5, silence: 'create', why: 'silence alertname="HighLatency", instance=~"web2|web9" (w2)' },
  { at: 7.5, fire: ['i1'], why: 'ClusterDown c2 (default{ClusterDown}, flush at 8.5) inhibits the c2 warnings w1, w2' },
  { at: 8, resolve: ['a1'], why: 'a1 resolved: db{DiskFull,c1} sends a1 resolved, a2 firing at 10' },
  { at: 11, fire: ['a3'], endsIn: 2, why: 'a3 re-posted to end at 13 (resolution by time, as Prometheus does): resolved at 15' },
  { at: 16, resolve: ['i1'], why: 'ClusterDown resolved (sent at 17.5); inhibition lifts: w1 repeats at 18.5, w2 still silenced' },
  { at: 19, silence: 'expire', why: 'silence expired: w2 repeats at 21.5' },
  { at: 19.5, resolve: ['a2'], why: 'a2 resolved: db{DiskFull,c1} all resolved at 22' },
  { at: 20.5, resolve: ['o1'], why: 'o1 resolved: default{Other} all resolved at 22 (after its repeat at 13)' },
];

/** Where the script stops listening: after the last expected notification (22) and before the next repeats (28.5). */
export const SCRIPT_END_S = 25.5;

/** A notification reduced to what the comparison looks at. */
export interface Digest {
  receiver: string;
  groupLabels: Labels;
  status: 'firing' | 'resolved';
  alerts: Array<{ labels: Labels; status: 'firing' | 'resolved' }>;
  /** ms after the script's start. */
  at: number;
}

/** The notifications the script must produce, in Alertmanager's order (script second of each, approximately). */
export const EXPECTED: Array<Omit<Digest, 'at'> & { second: number }> = (() => {
  const f = (name: AlertName) => ({ labels: ALERTS[name], status: 'firing' as const });
  const r = (name: AlertName) => ({ labels: ALERTS[name], status: 'resolved' as const });
  const disk: Labels = { alertname: 'DiskFull', cluster: 'c1' };
  const list: Array<Omit<Digest, 'at'> & { second: number }> = [
    { second: 1, receiver: 'db', groupLabels: disk, status: 'firing', alerts: [f('a1')] },
    { second: 1, receiver: 'default', groupLabels: { alertname: 'Other' }, status: 'firing', alerts: [f('o1')] },
    { second: 3.5, receiver: 'web', groupLabels: ALERTS.w1, status: 'firing', alerts: [f('w1')] },
    { second: 3.5, receiver: 'web', groupLabels: ALERTS.w2, status: 'firing', alerts: [f('w2')] },
    { second: 4, receiver: 'db', groupLabels: disk, status: 'firing', alerts: [f('a1'), f('a2')] },
    { second: 6, receiver: 'db', groupLabels: { alertname: 'Replication', cluster: 'c1' }, status: 'firing', alerts: [f('a3')] },
    { second: 6, receiver: 'pager', groupLabels: { cluster: 'c1' }, status: 'firing', alerts: [f('a3')] },
    { second: 8.5, receiver: 'default', groupLabels: { alertname: 'ClusterDown' }, status: 'firing', alerts: [f('i1')] },
    { second: 10, receiver: 'db', groupLabels: disk, status: 'firing', alerts: [r('a1'), f('a2')] },
    { second: 13, receiver: 'default', groupLabels: { alertname: 'Other' }, status: 'firing', alerts: [f('o1')] },
    { second: 15, receiver: 'db', groupLabels: { alertname: 'Replication', cluster: 'c1' }, status: 'resolved', alerts: [r('a3')] },
    { second: 15, receiver: 'pager', groupLabels: { cluster: 'c1' }, status: 'resolved', alerts: [r('a3')] },
    { second: 17.5, receiver: 'default', groupLabels: { alertname: 'ClusterDown' }, status: 'resolved', alerts: [r('i1')] },
    { second: 18.5, receiver: 'web', groupLabels: ALERTS.w1, status: 'firing', alerts: [f('w1')] },
    { second: 21.5, receiver: 'web', groupLabels: ALERTS.w2, status: 'firing', alerts: [f('w2')] },
    { second: 22, receiver: 'db', groupLabels: disk, status: 'resolved', alerts: [r('a2')] },
    { second: 22, receiver: 'default', groupLabels: { alertname: 'Other' }, status: 'resolved', alerts: [r('o1')] },
  ];
  return list;
})();

export function digest(hook: RecordedWebhook, startedAt: number): Digest {
  const body = hook.body;
  return {
    receiver: body.receiver,
    groupLabels: sortKeys(body.groupLabels),
    status: body.status,
    alerts: body.alerts.map((alert) => ({ labels: sortKeys(alert.labels), status: alert.status })),
    at: hook.receivedAt - startedAt,
  };
}

/** A notification's group: receiver and group labels (the group key, for what the comparison needs). */
export function groupOf(d: Pick<Digest, 'receiver' | 'groupLabels'>): string {
  return `${d.receiver}${JSON.stringify(sortKeys(d.groupLabels))}`;
}

function sortKeys(labels: Labels): Labels {
  const out: Labels = {};
  for (const [key, value] of Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[key] = value;
  return out;
}

function content(d: Omit<Digest, 'at'>): string {
  return JSON.stringify({ receiver: d.receiver, groupLabels: sortKeys(d.groupLabels), status: d.status, alerts: d.alerts.map((a) => ({ labels: sortKeys(a.labels), status: a.status })) });
}

/**
 * Two notifications closer than this are simultaneous: flushes of two groups due at the same instant
 * (a `continue` route's two groups, groups created by one post) go out in either order on Alertmanager
 * too. Every other pair must keep its order.
 */
export const SIMULTANEOUS_MS = 300;

/**
 * Compares a sequence with the reference: the same notifications group by group (receiver, group
 * labels, status, alerts with labels and status, in order), the same global order except between
 * simultaneous ones, and each within `toleranceMs` of its counterpart. Returns the differences, one
 * line each (empty: equal).
 */
export function compareNotifications(reference: Digest[], candidate: Digest[], toleranceMs: number, names = ['alertmanager', 'mymonit']): string[] {
  const problems: string[] = [];
  const byGroup = (list: Digest[]) => {
    const groups = new Map<string, Digest[]>();
    for (const d of list) {
      const key = groupOf(d);
      const seq = groups.get(key) ?? [];
      seq.push(d);
      groups.set(key, seq);
    }
    return groups;
  };
  const ref = byGroup(reference);
  const cand = byGroup(candidate);
  const counterpart = new Map<Digest, Digest>();
  for (const key of new Set([...ref.keys(), ...cand.keys()])) {
    const a = ref.get(key) ?? [];
    const b = cand.get(key) ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      const x = a[i];
      const y = b[i];
      if (!x || !y) {
        if (y) problems.push(`${key} #${i + 1}: only ${names[1]} sent ${content(y)} at ${fmt(y.at)}`);
        if (x) problems.push(`${key} #${i + 1}: only ${names[0]} sent ${content(x)} at ${fmt(x.at)}`);
        continue;
      }
      if (content(x) !== content(y)) {
        problems.push(`${key} #${i + 1}: ${names[0]} sent ${content(x)} at ${fmt(x.at)}, ${names[1]} ${content(y)} at ${fmt(y.at)}`);
        continue;
      }
      counterpart.set(x, y);
      if (Math.abs(y.at - x.at) > toleranceMs) {
        problems.push(`${key} #${i + 1}: ${names[1]} at ${fmt(y.at)}, ${names[0]} at ${fmt(x.at)}: ${Math.round(y.at - x.at)} ms apart (more than ${toleranceMs})`);
      }
    }
  }
  for (const x of reference) {
    for (const y of reference) {
      if (y.at - x.at <= SIMULTANEOUS_MS) continue;
      const cx = counterpart.get(x);
      const cy = counterpart.get(y);
      if (cx && cy && !(cx.at < cy.at)) {
        problems.push(`order: ${names[0]} sent ${groupOf(x)} (${fmt(x.at)}) before ${groupOf(y)} (${fmt(y.at)}); ${names[1]} after (${fmt(cx.at)}, ${fmt(cy.at)})`);
      }
    }
  }
  return problems;
}

/** A readable table of a sequence, for the test's output (the closing note quotes it). */
export function table(list: Digest[], other?: Digest[]): string {
  const pair = new Map<string, Digest[]>();
  for (const d of other ?? []) {
    const key = groupOf(d);
    pair.set(key, [...(pair.get(key) ?? []), d]);
  }
  const seen = new Map<string, number>();
  return list
    .map((d) => {
      const key = groupOf(d);
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      const twin = pair.get(key)?.[n];
      const alerts = d.alerts.map((a) => `${a.labels.alertname}/${a.labels.instance ?? a.labels.cluster}:${a.status === 'firing' ? 'F' : 'R'}`).join(' ');
      const when = twin ? `${fmt(d.at)}  ${fmt(twin.at)} (${signed(twin.at - d.at)} ms)` : fmt(d.at);
      return `${when.padEnd(30)} ${d.receiver.padEnd(8)} ${d.status.padEnd(9)} ${JSON.stringify(d.groupLabels).slice(0, 70).padEnd(72)} ${alerts}`;
    })
    .join('\n');
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

function signed(ms: number): string {
  const r = Math.round(ms);
  return r >= 0 ? `+${r}` : `${r}`;
}

/** One server the script drives: Alertmanager's API v2 under `apiBase` (e.g. http://h:p/api/v2 or .../alertmanager/api/v2). */
export interface ScriptTarget {
  name: string;
  apiBase: string;
  token?: string;
}

export interface PostableAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

async function send(target: ScriptTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const response = await fetch(`${target.apiBase}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.name}: ${method} ${path} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export const SILENCE_MATCHERS = [
  { name: 'alertname', value: 'HighLatency', isRegex: false, isEqual: true },
  { name: 'instance', value: 'web2|web9', isRegex: true, isEqual: true },
];

/**
 * Plays SCRIPT against every target on one schedule, and returns the script's start (ms, this process's
 * clock). Each target runs the steps in order on its own, so a slow answer from one server never delays
 * the other. Timestamps come from the schedule, not from when a request leaves, so both servers get the
 * same bodies: an alert's startsAt is the instant of its first step, endsAt of a resolution is its step's
 * instant. A step that starts more than 400 ms late fails the script (the machine is too busy for it).
 */
export async function playScript(targets: ScriptTarget[], log: (line: string) => void = () => undefined): Promise<number> {
  const startedAt = Date.now() + 200;
  const at = (seconds: number) => new Date(startedAt + seconds * 1000);
  const firstFired = new Map<AlertName, number>();
  for (const step of SCRIPT) if ('fire' in step) for (const name of step.fire) if (!firstFired.has(name)) firstFired.set(name, step.at);
  const alertsOf = (step: Step): PostableAlert[] => {
    if (!('fire' in step) && !('resolve' in step)) return [];
    const names = 'fire' in step ? step.fire : step.resolve;
    return names.map((name) => {
      const alert: PostableAlert = {
        labels: ALERTS[name],
        annotations: { summary: `${name} of the differential script` },
        startsAt: at(firstFired.get(name) ?? step.at).toISOString(),
        generatorURL: `http://prometheus.example/graph?g0.expr=${name}`,
      };
      if ('resolve' in step) alert.endsAt = at(step.at).toISOString();
      else if (step.endsIn !== undefined) alert.endsAt = at(step.at + step.endsIn).toISOString();
      return alert;
    });
  };
  const silence = {
    matchers: SILENCE_MATCHERS,
    startsAt: at(SCRIPT.find((step) => 'silence' in step && step.silence === 'create')?.at ?? 0).toISOString(),
    endsAt: at(3_600).toISOString(),
    createdBy: 'differential-test',
    comment: 'silences web2 mid-stream',
  };
  await Promise.all(
    targets.map(async (target) => {
      let silenceId: string | undefined;
      for (const step of SCRIPT) {
        const due = at(step.at).getTime();
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const late = Date.now() - due;
        if (late > 400) throw new Error(`${target.name}: the script ran ${late} ms late at step ${step.at}s (${step.why}): the machine is too busy for this test`);
        if ('silence' in step) {
          if (step.silence === 'create') silenceId = ((await send(target, 'POST', '/silences', silence)) as { silenceID: string }).silenceID;
          else await send(target, 'DELETE', `/silence/${silenceId}`);
        } else {
          await send(target, 'POST', '/alerts', alertsOf(step));
        }
        log(`${target.name} ${((Date.now() - startedAt) / 1000).toFixed(3)}s done step ${step.at}s (started ${late} ms late): ${step.why}`);
      }
    }),
  );
  return startedAt;
}
