import { execFileSync } from 'node:child_process';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { freePort } from '../../test/support/free-port';
import { sleep, startNode, stopChild, until, type Child } from './bench-support';
import { EXPERIMENT, median, type RuleGroupJson } from './alerts-workload';

/**
 * MyMONIT's alerting as the bench sees it from outside: rules loaded with `mymonit rules import` (or,
 * failing that, `POST /experiments/{code}/rule-groups` as ADMIN), group evaluation times read from
 * `/prometheus/api/v1/rules` or the consumer's /metrics, transitions read from MySQL. Every reader is
 * tolerant: what is not there yields undefined (printed as n/a), never a crash.
 */

export class MyMonitRest {
  private child?: Child;
  port = 0;
  token = '';

  constructor(
    private readonly main: string,
    private readonly env: Record<string, string>,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  /** `serve` on a free loopback port, and an ADMIN's token (the CLI's `user create` and `token`). */
  async start(): Promise<void> {
    const cli = (args: string[]) => execFileSync(process.execPath, [this.main, ...args], { env: { ...process.env, ...this.env }, encoding: 'utf8' });
    cli(['user', 'create', '--role', 'ADMIN', '--username', 'bench-admin', '--user-id', 'B1', '--name', 'Bench Admin', '--email', 'bench@example.org']);
    this.token = cli(['token', 'bench-admin']).trim();
    this.port = await freePort();
    this.child = startNode(this.main, ['serve'], { ...this.env, REST_HOST: '127.0.0.1', REST_PORT: String(this.port) });
    const child = this.child;
    await until('the REST API', async () => (await fetch(`${this.base}/health/ready`).catch(() => undefined))?.ok === true, 60_000, 100, child);
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
  }

  /** Loads the groups: the CLI import first, else REST. Returns how, or why not (`ok: false`). */
  async loadRules(ruleFile: string, groups: readonly RuleGroupJson[]): Promise<{ ok: boolean; how: string }> {
    try {
      execFileSync(process.execPath, [this.main, 'rules', 'import', ruleFile, '--experiment', EXPERIMENT], { env: { ...process.env, ...this.env }, stdio: 'pipe' });
      return { ok: true, how: `mymonit rules import ${ruleFile} --experiment ${EXPERIMENT}` };
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim().split('\n')[0];
      let failure = `rules import failed (${stderr})`;
      for (const group of groups) {
        const response = await fetch(`${this.base}/experiments/${EXPERIMENT}/rule-groups`, {
          method: 'POST',
          headers: { ...this.headers, 'content-type': 'application/json' },
          body: JSON.stringify(group),
        }).catch((cause: unknown) => cause as Error);
        if (response instanceof Error || !response.ok) {
          const status = response instanceof Error ? response.message : `${response.status} ${(await response.text()).slice(0, 100)}`;
          failure += `; POST /experiments/${EXPERIMENT}/rule-groups: ${status}`;
          return { ok: false, how: failure };
        }
      }
      return { ok: true, how: `POST /experiments/${EXPERIMENT}/rule-groups (${groups.length} groups; ${failure})` };
    }
  }
}

/** One sample of the Prometheus text format. */
interface Sample {
  name: string;
  labels: Map<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = new Map<string, string>();
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels.set(pair[1] as string, pair[2] as string);
    samples.push({ name: match[1] as string, labels, value: Number(match[4]) });
  }
  return samples;
}

/** "BENCH/bench-3", "BENCH;bench-3" or "bench-3": the group's own name. */
export function bareGroupName(name: string): string {
  return name.split(/[/;:]/).pop() ?? name;
}

const GROUP_LABELS = ['rule_group', 'group', 'name'];
/** A per-group evaluation duration metric, whatever MyMONIT calls it exactly. */
const DURATION_METRIC = /rule_group.*(duration|evaluation_time)|rule_.*evaluation_duration/;

export interface GroupTimes {
  /** Per group: evaluation times in seconds (one per evaluation), or a single mean when only _sum/_count exist. */
  seconds: Map<string, number[]>;
  source: string;
}

/**
 * Group evaluation times from MyMONIT's /metrics, sampled every 500 ms for `windowMs`: a gauge (the last
 * duration) gives one value per change; a histogram or summary gives the mean of the window's evaluations
 * (Δ_sum/Δ_count). Undefined when no such metric is exposed.
 */
export async function timesFromMetrics(url: string, groups: readonly string[], windowMs: number): Promise<GroupTimes | undefined> {
  const read = async () => {
    const response = await fetch(url).catch(() => undefined);
    return response?.ok ? parseMetrics(await response.text()).filter((sample) => DURATION_METRIC.test(sample.name)) : [];
  };
  const groupOf = (sample: Sample) => {
    const key = GROUP_LABELS.find((label) => sample.labels.has(label));
    return key === undefined ? undefined : bareGroupName(sample.labels.get(key) as string);
  };
  const first = await read();
  if (first.length === 0) return undefined;
  const gauges = new Map<string, number[]>(groups.map((group) => [group, []]));
  const deadline = Date.now() + windowMs;
  let last = first;
  while (Date.now() < deadline) {
    await sleep(500);
    const now = await read();
    for (const sample of now) {
      if (/_(bucket|sum|count)$/.test(sample.name) || sample.labels.has('quantile')) continue;
      const group = groupOf(sample);
      const values = group === undefined ? undefined : gauges.get(group);
      const before = last.find((old) => old.name === sample.name && groupOf(old) === group);
      if (values && (values.length === 0 || before?.value !== sample.value)) values.push(sample.value);
    }
    last = now;
  }
  const name = first[0]?.name ?? '?';
  if ([...gauges.values()].some((values) => values.length > 0)) return { seconds: gauges, source: `${name} (gauge, one value per change)` };
  // Histogram or summary: the mean over the window.
  const means = new Map<string, number[]>(groups.map((group) => [group, []]));
  const total = (samples: Sample[], suffix: string, group: string) =>
    samples.filter((sample) => sample.name.endsWith(suffix) && groupOf(sample) === group).reduce((sum, sample) => sum + sample.value, 0);
  for (const group of groups) {
    const count = total(last, '_count', group) - total(first, '_count', group);
    if (count > 0) means.get(group)?.push((total(last, '_sum', group) - total(first, '_sum', group)) / count);
  }
  return { seconds: means, source: `${name.replace(/_(bucket|sum|count)$/, '')} (mean over the window: Δ_sum/Δ_count)` };
}

/**
 * Group evaluation times from MySQL: `rule_group_leases.last_duration_ms` at each new `last_eval_ms`
 * (what the evaluator records per evaluation, migration 008), polled every 250 ms until every group has
 * `rounds` evaluations or `windowMs` passes. Undefined when those columns do not exist.
 */
export async function timesFromLeases(db: Connection, database: string, groups: readonly string[], rounds: number, windowMs: number): Promise<GroupTimes | undefined> {
  const [columns] = await db.query<RowDataPacket[]>(
    `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = ? AND table_name = 'rule_group_leases' AND column_name IN ('group_id', 'last_eval_ms', 'last_duration_ms')`,
    [database],
  );
  if (columns.length < 3) return undefined;
  const read = async () =>
    (
      await db.query<RowDataPacket[]>(
        'SELECT g.name AS name, l.last_eval_ms AS at, l.last_duration_ms AS ms FROM rule_group_leases l JOIN rule_groups g ON g.id = l.group_id WHERE l.last_duration_ms IS NOT NULL',
      )
    )[0];
  // The evaluation already recorded when the window opens may have run under the earlier phases' load.
  const before = new Map((await read()).map((row) => [String(row.name), String(row.at)]));
  const seen = new Map<string, Map<string, number>>(groups.map((group) => [group, new Map<string, number>()]));
  const deadline = Date.now() + windowMs;
  while (Date.now() < deadline && [...seen.values()].some((byTime) => byTime.size < rounds)) {
    for (const row of await read()) {
      if (before.get(String(row.name)) !== String(row.at)) seen.get(String(row.name))?.set(String(row.at), Number(row.ms) / 1000);
    }
    await sleep(250);
  }
  const seconds = new Map([...seen].map(([group, byTime]) => [group, [...byTime.values()]]));
  if (![...seconds.values()].some((values) => values.length > 0)) return undefined;
  return { seconds, source: 'rule_group_leases.last_duration_ms at each new last_eval_ms (MySQL)' };
}

/** Medians per group, in the order given; NaN for groups without figures. */
export function medians(times: Map<string, number[]> | Map<string, Map<string, number>>, groups: readonly string[]): number[] {
  return groups.map((group) => {
    const values = times.get(group);
    return values === undefined ? Number.NaN : median(values instanceof Map ? [...values.values()] : values);
  });
}

/**
 * The latency rule's transitions in MySQL (`alert_transitions`), with whatever columns exist: the newest
 * row's id for the rule and its state. Undefined from `open` when the table or the rule is not there.
 */
export class TransitionWatcher {
  private constructor(
    private readonly db: Connection,
    private readonly ruleId: number,
    private readonly order: string,
  ) {}

  static async open(db: Connection, database: string, alert: string): Promise<TransitionWatcher | { reason: string }> {
    const [columns] = await db.query<RowDataPacket[]>(
      'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = ?',
      [database],
    );
    const has = (table: string, column: string) => columns.some((row) => row.t === table && row.c === column);
    if (!has('alert_transitions', 'rule_id') || !has('alert_transitions', 'to_state')) return { reason: 'no alert_transitions(rule_id, to_state) table' };
    const order = ['id', 'created_at', 'at'].find((column) => has('alert_transitions', column));
    if (order === undefined) return { reason: 'alert_transitions has no id or time column' };
    // `rules` (migration 007) first; other rule tables only if it is named differently after integration.
    const tables = [...new Set(['rules', ...columns.map((row) => String(row.t))])].filter(
      (table) => /rule/.test(table) && table !== 'rule_groups' && has(table, 'id'),
    );
    for (const table of tables) {
      for (const column of ['name', 'alert']) {
        if (!has(table, column)) continue;
        const [rows] = await db.query<RowDataPacket[]>(`SELECT id FROM \`${table}\` WHERE \`${column}\` = ? ORDER BY id DESC LIMIT 1`, [alert]);
        if (rows[0]) return new TransitionWatcher(db, Number(rows[0].id), order);
      }
    }
    return { reason: `no rule named ${alert} found in ${tables.join(', ') || 'any rule table'}` };
  }

  /** The newest transition of the rule: its order key and state. */
  async newest(): Promise<{ key: string; state: string } | undefined> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT \`${this.order}\` AS k, to_state AS s FROM alert_transitions WHERE rule_id = ? ORDER BY \`${this.order}\` DESC LIMIT 1`,
      [this.ruleId],
    );
    return rows[0] ? { key: String(rows[0].k), state: String(rows[0].s) } : undefined;
  }
}
