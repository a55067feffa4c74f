/**
 * Stand-ins for the parts of issue 14 the results part (P5) does not own, until integration: rows of the
 * model's tables written with SQL (P1 owns their REST and store), the scheduler's slot fence (P2), jobs as
 * the scheduler builds them.
 */
import type { RowDataPacket } from 'mysql2/promise';
import type { CheckKind, Host } from '../../src/checks/model';
import { StaleClaimError, type CheckJob, type SlotFence } from '../../src/checks/ports';

/** Runs SQL on the test's database (a pool, or a fixture's `rows`). */
export type Sql = (sql: string, values?: unknown[]) => Promise<unknown>;

export interface CheckModelRows {
  readonly hosts: Host[];
  readonly checkId: number;
  job(host: Host, slotMs: number, overrides?: Partial<CheckJob>): CheckJob;
}

let sequence = 0;

/**
 * A check of `experiment` on new hosts: hosts and checks rows, the check on the first half of the hosts
 * directly and on the others through a host group. `classifier`: checks.classifier as JSON text.
 */
export async function insertCheckModel(
  sql: Sql,
  experiment: { id: number; code: string },
  options: { hostNames: string[]; checkName: string; kind?: CheckKind; plugin?: string; classifier?: string | null },
): Promise<CheckModelRows> {
  sequence += 1;
  const kind = options.kind ?? 'tcp';
  const params = kind === 'plugin' ? { kind, args: [] } : { kind: 'tcp', port: 80 };
  const hosts: Host[] = [];
  for (const name of options.hostNames) {
    const header = (await sql(
      'INSERT INTO hosts (experiment_id, name, address, description, created_at, updated_at) VALUES (?, ?, ?, ?, NOW(3), NOW(3))',
      [experiment.id, name, '127.0.0.1', ''],
    )) as { insertId: number };
    hosts.push({ id: Number(header.insertId), experimentId: experiment.id, name, address: '127.0.0.1', description: '' });
  }
  const check = (await sql(
    `INSERT INTO checks (experiment_id, name, kind, params, plugin, timeout_ms, classifier, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 5000, ?, NOW(3), NOW(3))`,
    [experiment.id, options.checkName, kind, JSON.stringify(params), options.plugin ?? null, options.classifier ?? null],
  )) as { insertId: number };
  const checkId = Number(check.insertId);
  const half = Math.ceil(hosts.length / 2);
  for (const host of hosts.slice(0, half)) await sql('INSERT INTO check_hosts (check_id, host_id) VALUES (?, ?)', [checkId, host.id]);
  if (hosts.length > half) {
    const group = (await sql(
      'INSERT INTO host_groups (experiment_id, name, description, created_at, updated_at) VALUES (?, ?, ?, NOW(3), NOW(3))',
      [experiment.id, `group-${sequence}`, ''],
    )) as { insertId: number };
    for (const host of hosts.slice(half)) {
      await sql('INSERT INTO host_group_members (group_id, host_id) VALUES (?, ?)', [group.insertId, host.id]);
    }
    await sql('INSERT INTO check_host_groups (check_id, group_id) VALUES (?, ?)', [checkId, group.insertId]);
  }
  return {
    hosts,
    checkId,
    job: (host, slotMs, overrides = {}) => ({
      checkId,
      checkName: options.checkName,
      checkVersion: 1,
      experimentId: experiment.id,
      experiment: experiment.code,
      kind,
      params: params as CheckJob['params'],
      ...(options.plugin === undefined ? {} : { plugin: options.plugin }),
      timeoutMs: 5000,
      host,
      scheduleId: 1,
      slotMs,
      fencingToken: 1,
      ...overrides,
    }),
  };
}

/** Rows of a SELECT, for assertions. */
export async function selectRows(sql: Sql, text: string, values: unknown[] = []): Promise<RowDataPacket[]> {
  return (await sql(text, values)) as RowDataPacket[];
}

/**
 * The scheduler's fence as a table of current tokens per (check, slot): a job whose token is older than the
 * current one holds a stale claim. `takeOver` is another process claiming the slot.
 */
export class FakeSlotFence implements SlotFence {
  private readonly tokens = new Map<string, number>();
  asserted = 0;

  takeOver(job: Pick<CheckJob, 'checkId' | 'slotMs'>, token: number): void {
    this.tokens.set(`${job.checkId}/${job.slotMs}`, token);
  }

  async assertHeld(job: CheckJob): Promise<void> {
    this.asserted += 1;
    const current = this.tokens.get(`${job.checkId}/${job.slotMs}`);
    if (current !== undefined && current !== job.fencingToken) throw new StaleClaimError(job, `the slot is held with token ${current}`);
  }
}
