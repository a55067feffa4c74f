import type { Container } from 'inversify';
import { StaleClaimError, type CheckJob, type CheckResultListener, type CheckResultRecorder, type CheckRunResult, type RecordedResult } from '../../../src/checks/ports';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { CommittedMeasures, CommittedMeasuresListener } from '../../../src/services/contracts';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { Database } from '../../../src/storage/stores';
import { FakeSlotFence, insertCheckModel, selectRows, type CheckModelRows, type Sql } from '../../support/checks-fakes-results';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

const SLOT0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const MINUTE = 60_000;

function run(overrides: Partial<CheckRunResult> = {}): CheckRunResult {
  return { outcome: 'ok', value: 12.5, message: 'connected', startedAtMs: SLOT0 + 7, durationMs: 12.5, ...overrides };
}

describe('ResultRecorder against MariaDB: results stored once, with their classification and as measures', () => {
  let p: TestPlatform;
  let recorder: CheckResultRecorder;
  let sql: Sql;
  let admin: string;
  const fence = new FakeSlotFence();
  const recorded: RecordedResult[] = [];
  const committed: CommittedMeasures[] = [];
  let experiment: { id: number; code: string };
  let tcp: CheckModelRows;

  beforeAll(async () => {
    p = await startPlatform({
      configure: (container: Container) => {
        container.rebindSync(TYPES.SlotFence).toConstantValue(fence);
        container.bind<CheckResultListener>(TYPES.CheckResultListener).toConstantValue({ resultRecorded: (r) => recorded.push(r) });
        container.bind<CommittedMeasuresListener>(TYPES.CommittedMeasuresListener).toConstantValue({ committed: (b) => committed.push(b) });
      },
    });
    admin = await p.tokenFor(p.admin);
    const created = await call(p.baseUrl, 'POST', '/experiments', { token: admin, body: { code: 'CHK', name: 'checks' } });
    expect(created.status).toBe(201);
    experiment = { id: created.body.id, code: 'CHK' };
    const db = p.container.get<MysqlDatabase>(TYPES.Database);
    sql = async (text, values = []) => (await db.executor().query(text, values))[0];
    recorder = p.container.get<CheckResultRecorder>(TYPES.CheckResultRecorder);
    tcp = await insertCheckModel(sql, experiment, { hostNames: ['web-1', 'web-2', 'web-3'], checkName: 'tcp_connect' });
  });
  afterAll(() => p.stop());

  async function rowsOf(job: CheckJob) {
    return selectRows(sql, 'SELECT * FROM check_results WHERE check_id = ? AND host_id = ? AND slot_ms = ?', [job.checkId, job.host.id, job.slotMs]);
  }

  async function measuresOf(metric: string, source: string) {
    return selectRows(
      sql,
      `SELECT m.value, m.ts_us, s.tags FROM measures m JOIN series s ON s.id = m.series_id
        WHERE s.experiment_id = ? AND s.metric = ? AND s.source = ? ORDER BY m.ts_us, s.tags`,
      [experiment.id, metric, source],
    );
  }

  it('stores the row and the measures (metric = check name, source = host), readable through the measures API and PromQL', async () => {
    const job = tcp.job(tcp.hosts[0]!, SLOT0);
    const result = await recorder.record(job, run({ fields: new Map([['connect_ms', 3.25]]) }));
    expect(result).toMatchObject({ checkId: tcp.checkId, hostId: tcp.hosts[0]!.id, slotMs: SLOT0, outcome: 'ok', value: 12.5, severity: 'ok' });
    const [row] = await rowsOf(job);
    expect(row).toMatchObject({ id: result.id, outcome: 'ok', value: 12.5, severity: 'ok', reason: null, started_at_ms: SLOT0 + 7, message: 'connected' });
    expect(fence.asserted).toBeGreaterThan(0);

    const measures = await call(p.baseUrl, 'GET', '/experiments/CHK/measures?metric=tcp_connect&source=web-1', { token: admin });
    expect(measures.status).toBe(200);
    const byField = new Map(measures.body.items.map((m: { tags: { field: string }; value: number }) => [m.tags.field, m]));
    expect(byField.get('value')).toMatchObject({ value: 12.5, tags: { check_kind: 'tcp', field: 'value' }, timestamp: new Date(SLOT0 + 7).toISOString().replace('Z', '000Z') });
    expect(byField.get('connect_ms')).toMatchObject({ value: 3.25, tags: { check_kind: 'tcp', field: 'connect_ms' } });

    const query = encodeURIComponent('tcp_connect{source="web-1",field="value"}');
    const promql = await call(p.baseUrl, 'GET', `/prometheus/api/v1/query?query=${query}&time=${(SLOT0 + 30_000) / 1000}`, { token: admin });
    expect(promql.status).toBe(200);
    expect(promql.body.data.result).toEqual([
      { metric: { __name__: 'tcp_connect', experiment: 'CHK', source: 'web-1', check_kind: 'tcp', field: 'value' }, value: [(SLOT0 + 30_000) / 1000, '12.5'] },
    ]);

    expect(recorded.map((r) => r.id)).toContain(result.id);
    const told = committed.flatMap((b) => b.measures).filter((m) => m.metric === 'tcp_connect' && m.source === 'web-1');
    expect(told.map((m) => m.tags.field).sort()).toEqual(['connect_ms', 'value']);
  });

  it('a second record of the same slot stores nothing and returns the first row', async () => {
    const job = tcp.job(tcp.hosts[1]!, SLOT0);
    const first = await recorder.record(job, run({ value: 1 }));
    const heard = recorded.length;
    const second = await recorder.record(job, run({ value: 2, startedAtMs: SLOT0 + 9 }));
    expect(second).toEqual(first);
    expect(await rowsOf(job)).toHaveLength(1);
    expect((await measuresOf('tcp_connect', 'web-2')).map((m) => m.value)).toEqual([1]);
    expect(recorded.length).toBe(heard);
  });

  it('records of the same slot at once, each on its own connection, store one row and one set of measures', async () => {
    const job = tcp.job(tcp.hosts[2]!, SLOT0 + MINUTE);
    const values = [10, 20, 30, 40, 50];
    const results = await Promise.all(values.map((value, i) => recorder.record(job, run({ value, startedAtMs: SLOT0 + MINUTE + i }))));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.value)).size).toBe(1);
    const rows = await rowsOf(job);
    expect(rows).toHaveLength(1);
    const measures = await measuresOf('tcp_connect', 'web-3');
    expect(measures.map((m) => m.value)).toEqual([results[0]!.value]);
    // Only the record that created the row tells the listeners.
    expect(recorded.filter((r) => r.id === results[0]!.id)).toHaveLength(1);
  });

  it('records of the same slot from two processes\' pools (two containers) store one row', async () => {
    const other = buildContainer(p.config);
    other.rebindSync(TYPES.SlotFence).toConstantValue(fence);
    try {
      const recorders = [recorder, other.get<CheckResultRecorder>(TYPES.CheckResultRecorder)];
      for (let k = 0; k < 5; k++) {
        const job = tcp.job(tcp.hosts[0]!, SLOT0 + (10 + k) * MINUTE);
        const results = await Promise.all([0, 1, 2, 3].map((i) => recorders[i % 2]!.record(job, run({ value: 100 + i, startedAtMs: job.slotMs + i }))));
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
        expect(await rowsOf(job)).toHaveLength(1);
      }
    } finally {
      await other.get<Database>(TYPES.Database).close();
    }
  });

  it('classifies with the check\'s Lua classifier over the last n values and messages of that check and host', async () => {
    const code = `
      if string.find(messages[#messages], 'maintenance', 1, true) then return 'ok' end
      if #values < 3 then return 'unknown' end
      for i = 1, #values do if values[i] <= 100 then return 'minor' end end
      return 'critical'`;
    const lua = await insertCheckModel(sql, experiment, {
      hostNames: ['db-1', 'db-2'],
      checkName: 'db_latency',
      kind: 'plugin',
      plugin: 'pg_latency',
      classifier: JSON.stringify({ lua: code, history: 3 }),
    });
    const [db1, db2] = lua.hosts as [typeof lua.hosts[0], typeof lua.hosts[0]];
    const severities: string[] = [];
    for (const [i, value] of [150, 50, 150, 150, 150].entries()) {
      const result = await recorder.record(lua.job(db1, SLOT0 + i * MINUTE), run({ value, startedAtMs: SLOT0 + i * MINUTE, message: `took ${value} ms` }));
      severities.push(result.severity);
    }
    // 1 and 2 readings: unknown; [150,50,150] and [50,150,150]: minor; [150,150,150]: critical.
    expect(severities).toEqual(['unknown', 'unknown', 'minor', 'minor', 'critical']);
    // Another host's history is its own.
    expect((await recorder.record(lua.job(db2, SLOT0 + 4 * MINUTE), run({ value: 150 }))).severity).toBe('unknown');
    // The message is seen.
    const calm = await recorder.record(lua.job(db1, SLOT0 + 5 * MINUTE), run({ value: 500, message: 'maintenance window' }));
    expect(calm.severity).toBe('ok');
    const stored = await selectRows(sql, 'SELECT severity FROM check_results WHERE check_id = ? AND host_id = ? ORDER BY slot_ms', [lua.checkId, db1.id]);
    expect(stored.map((r) => r.severity)).toEqual([...severities, 'ok']);
    const measures = await call(p.baseUrl, 'GET', '/experiments/CHK/measures?metric=db_latency&source=db-1&limit=1', { token: admin });
    expect(measures.body.items[0].tags).toEqual({ check_kind: 'plugin', plugin: 'pg_latency', field: 'value' });
  });

  it('a stale claim is refused with StaleClaimError and stores nothing', async () => {
    const job = tcp.job(tcp.hosts[0]!, SLOT0 + 2 * MINUTE, { fencingToken: 4 });
    fence.takeOver(job, 5);
    await expect(recorder.record(job, run({ value: 99 }))).rejects.toBeInstanceOf(StaleClaimError);
    await expect(recorder.recordMissed(job)).rejects.toBeInstanceOf(StaleClaimError);
    expect(await rowsOf(job)).toHaveLength(0);
    const measures = await measuresOf('tcp_connect', 'web-1');
    expect(measures.map((m) => m.value)).not.toContain(99);
    // The new holder records it.
    expect((await recorder.record({ ...job, fencingToken: 5 }, run({ value: 98 }))).value).toBe(98);
  });

  it('NaN and Infinity from a plugin: the row is stored with a clear reason, the finite figures as measures, and the API answers', async () => {
    const plugin = await insertCheckModel(sql, experiment, { hostNames: ['odd-1'], checkName: 'odd_plugin', kind: 'plugin', plugin: 'odd' });
    const job = plugin.job(plugin.hosts[0]!, SLOT0);
    const fields = new Map([
      ['load', Number.POSITIVE_INFINITY],
      ['users', 3],
      ['value', 7],
    ]);
    const result = await recorder.record(job, run({ value: Number.NaN, fields, message: 'weird' }));
    expect(result.severity).toBe('unknown');
    expect(result.value).toBeUndefined();
    expect(result.reason).toBe(
      'the check returned NaN, not a finite number; not stored as measures: field=value: the name is the run\'s own value; field=value: NaN is not a finite number; field=load: Infinity is not a finite number',
    );
    const [row] = await rowsOf(job);
    expect(row).toMatchObject({ value: null, severity: 'unknown', reason: result.reason });
    expect((await measuresOf('odd_plugin', 'odd-1')).map((m) => [m.tags, m.value])).toEqual([[expect.stringContaining('"field":"users"'), 3]]);
    const listed = await call(p.baseUrl, 'GET', `/checks/${plugin.checkId}/results`, { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ value: null, severity: 'unknown', reason: result.reason })]);
  });

  it('text the columns cannot hold is cut to fit, not refused: a long message, a lone surrogate', async () => {
    const job = tcp.job(tcp.hosts[1]!, SLOT0 + 3 * MINUTE);
    const result = await recorder.record(job, run({ message: `\uD800${'x'.repeat(5000)}` }));
    const [row] = await rowsOf(job);
    expect(Array.from(String(row!.message))).toHaveLength(2000);
    expect(String(row!.message).startsWith('\uFFFDxxx')).toBe(true);
    expect(row!.id).toBe(result.id);
  });

  it('a missed slot is a row of outcome missed, severity unknown, reason "slot missed", and no measure', async () => {
    const job = tcp.job(tcp.hosts[2]!, SLOT0 + 7 * MINUTE);
    const before = await measuresOf('tcp_connect', 'web-3');
    const missed = await recorder.recordMissed(job);
    expect(missed).toMatchObject({ outcome: 'missed', severity: 'unknown', reason: 'slot missed', message: '' });
    expect(missed.value).toBeUndefined();
    expect(await measuresOf('tcp_connect', 'web-3')).toEqual(before);
    expect(recorded.at(-1)).toEqual(missed);
  });
});
