import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { ExperimentStore, Migrator } from '../../../src/storage/stores';
import { buildConsumer } from '../../support/consumer-process';
import { eventually } from '../../support/eventually';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/**
 * Failover with real processes: two evaluator processes on one database, the lease holder is SIGKILLed,
 * the other takes the group over within two intervals; no transition is lost or repeated, and a pending
 * alert keeps its `for` clock across the change of process.
 */
const INTERVAL_MS = 1_000;
const FOR_MS = 5_000;

interface Child {
  child: ChildProcess;
  holder: Promise<string>;
  output(): string;
}

describe('rule evaluator failover (real processes, SIGKILL)', () => {
  let database: TestDatabase;
  let connection: Connection;
  let dir: string;
  const children: Child[] = [];
  let experimentId = 0;

  beforeAll(async () => {
    database = await createTestDatabase('mymonit_failover');
    const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
    await container.get<Migrator>(TYPES.Migrator).migrate();
    experimentId = (await container.get<ExperimentStore>(TYPES.ExperimentStore).insert({ code: 'FAIL', name: 'failover' })).id;
    await container.get<MysqlDatabase>(TYPES.Database).close();
    const config = testConfig({ DB_DATABASE: database.name }).db;
    connection = await mysql.createConnection({ host: config.host, port: config.port, user: config.user, password: config.password, database: database.name });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mymonit-failover-'));
  }, 180_000);

  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await connection?.end();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const results = (value: Record<string, unknown>) => fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(value));

  async function start(): Promise<Child> {
    const main = await buildConsumer();
    const child = spawn(process.execPath, [path.join(__dirname, '../../support/evaluator-child.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        AUTH_LOCAL_KEY: 'test-signing-key-0123456789abcdef0123456789',
        DB_DATABASE: database.name,
        MYMONIT_OUT: path.dirname(main),
        FAKE_RESULTS: path.join(dir, 'results.json'),
        FAKE_GROUPS: JSON.stringify([
          {
            id: 1,
            experiment: 'FAIL',
            experimentId,
            name: 'failover',
            intervalMs: INTERVAL_MS,
            version: 1,
            rules: [
              { kind: 'alert', id: 1, name: 'Up', expr: 'up > 0', forMs: 0, keepFiringForMs: 0, labels: { severity: 'major' } },
              { kind: 'alert', id: 2, name: 'Slow', expr: 'slow > 0', forMs: FOR_MS, keepFiringForMs: 0, labels: { severity: 'minor' } },
            ],
          },
        ]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const holder = new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const ready = /ready (\S+)/.exec(output);
        if (ready?.[1]) resolve(ready[1]);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      child.once('exit', (code) => reject(new Error(`evaluator process exited (${code}) before it was ready: ${output}`)));
    });
    const started = { child, holder, output: () => output };
    children.push(started);
    return started;
  }

  async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
    const [result] = await connection.query<RowDataPacket[]>(sql, params);
    return result;
  }

  const transitions = () => rows('SELECT rule_id, from_state, to_state, at_ms, fencing_token FROM alert_transitions ORDER BY id');

  it('another process takes over within two intervals of a SIGKILL; transitions are neither lost nor repeated; for clocks survive', async () => {
    results({ 'up > 0': [{ labels: { instance: 'x' }, v: 1 }] });
    const a = await start();
    const b = await start();
    const holders = await Promise.all([a.holder, b.holder]);
    await eventually(transitions, (t) => t.length === 1, { what: 'Up fires', timeoutMs: 30_000 });

    // Slow becomes pending under the first holder.
    results({ 'up > 0': [{ labels: { instance: 'x' }, v: 1 }], 'slow > 0': [{ labels: { instance: 'y' }, v: 2 }] });
    const [, pending] = await eventually(transitions, (t) => t.length === 2, { what: 'Slow pending' });
    expect(pending).toMatchObject({ rule_id: 2, to_state: 'pending' });
    const activeAt = Number(pending?.at_ms);

    const [lease] = await rows('SELECT holder FROM rule_group_leases WHERE group_id = 1');
    const victim = lease?.holder === holders[0] ? a : b;
    const survivor = victim === a ? b : a;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));

    const [taken] = await eventually(
      () => rows('SELECT holder, fencing_token, last_eval_ms FROM rule_group_leases WHERE group_id = 1'),
      (r) => r[0]?.holder === holders[children.indexOf(survivor)] && r[0]?.last_eval_ms !== null && Number(r[0]?.fencing_token) === 2,
      { what: 'takeover', timeoutMs: 15_000 },
    );
    expect(taken).toBeDefined();
    // The survivor's first committed evaluation slot (ALERTS is written at every evaluation): a slot time,
    // so scheduling delays of this test do not count; at most two intervals after the kill.
    const [first] = await rows(
      `SELECT MIN(m.ts_us) AS ts FROM measures m JOIN series s ON s.id = m.series_id
       WHERE s.metric = 'ALERTS' AND m.ts_us > ?`,
      [killedAt * 1000],
    );
    expect(Number(first?.ts) / 1000 - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS);

    // The pending alert fires under the survivor, for counted from the first process's activeAt.
    const all = await eventually(transitions, (t) => t.length === 3, { what: 'Slow fires', timeoutMs: 15_000 });
    expect(all[2]).toMatchObject({ rule_id: 2, from_state: 'pending', to_state: 'firing' });
    expect(Number(all[2]?.at_ms) - activeAt).toBeGreaterThanOrEqual(FOR_MS);
    expect(Number(all[2]?.at_ms) - activeAt).toBeLessThan(FOR_MS + INTERVAL_MS);

    // Both end: one resolution each.
    results({});
    const final = await eventually(transitions, (t) => t.length === 5, { what: 'both resolve', timeoutMs: 15_000 });
    // Rules run in group order: within one evaluation, rule 1's transitions come first.
    expect(final.map((t) => `${t.rule_id}:${t.from_state}->${t.to_state}`)).toEqual([
      '1:inactive->firing',
      '2:inactive->pending',
      '2:pending->firing',
      '1:firing->resolved',
      '2:firing->resolved',
    ]);
    expect(new Set(final.map((t) => `${t.rule_id}:${t.to_state}`)).size).toBe(5);
    expect(final.slice(0, 2).every((t) => Number(t.fencing_token) === 1)).toBe(true);
    expect(final.slice(2).every((t) => Number(t.fencing_token) === 2)).toBe(true);
    expect(await rows('SELECT COUNT(*) AS n FROM alert_outbox')).toEqual([expect.objectContaining({ n: 5 })]);

    const stop = new Promise((resolve) => survivor.child.once('exit', resolve));
    survivor.child.kill('SIGTERM');
    await stop;
  }, 180_000);
});
