import { spawn, type ChildProcess } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { fingerprint } from '../../../src/alerting/state/alert-labels';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import type { NotifyAlert } from '../../../src/notify/alert';
import { alertToJson } from '../../../src/storage/mysql-notify-dispatch-store';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { Migrator } from '../../../src/storage/stores';
import { buildConsumer } from '../../support/consumer-process';
import { eventually } from '../../support/eventually';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/**
 * Several instances, one send (issue 13, 6), with real processes: two dispatcher processes on one database
 * (test/support/dispatcher-child.js: the real Dispatcher and MySQL stores; the alert store, the
 * configuration and the delivery stood in for, see there), one receiver with two webhooks, both pointing at
 * this test's HTTP recorder. A notification counts as sent when the recorder acknowledged it (2xx).
 *
 * - both running: one notification per group and webhook, none twice, over several group intervals;
 * - SIGKILL of the process whose delivery to the second webhook hangs (the first was confirmed): the other
 *   process takes the group once the lease expires and sends to the second webhook only;
 * - both stopped, alerts change, two new processes: what became due is sent once, nothing else.
 */
jest.setTimeout(240_000);

const GROUP_WAIT_MS = 1_000;
// Generous for a loaded machine: a delivery must end within group_interval, and a flush within its lease
// after the last renewal, or it counts as lost and is sent again (at least once, as documented).
const GROUP_INTERVAL_MS = 3_000;
const LEASE_MS = 5_000;

interface Received {
  readonly hook: string;
  readonly holder: string;
  readonly group: string;
  readonly alerts: ReadonlyArray<{ name: string; instance: string; status: string }>;
  acked: boolean;
}

interface Child {
  child: ChildProcess;
  holder: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

let database: TestDatabase;
let connection: Connection;
let server: http.Server;
let baseUrl = '';
const received: Received[] = [];
const held: ServerResponse[] = [];
/** Requests matching this are held without an answer (a receiver that hangs). */
let hang: (hook: string, body: { alerts: ReadonlyArray<{ name: string }> }) => boolean = () => false;
const children: Child[] = [];

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await connection.query<RowDataPacket[]>(sql, params);
  return result;
}

let now = Date.now();
function alert(name: string, instance: string, startsAtMs: number, endsAtMs = startsAtMs + 3_600_000): NotifyAlert {
  const labels = new Map([
    ['alertname', name],
    ['instance', instance],
  ]);
  return {
    fingerprint: fingerprint(labels),
    labels,
    annotations: new Map(),
    startsAtMs,
    endsAtMs,
    endsAtGiven: false,
    updatedAtMs: Date.now(),
    generatorURL: '',
    origin: 'api',
  };
}

async function post(...alerts: NotifyAlert[]): Promise<void> {
  for (const a of alerts) await connection.query('INSERT INTO test_notify_alerts (fingerprint, alert) VALUES (?, ?)', [a.fingerprint, alertToJson(a)]);
}

async function start(): Promise<Child> {
  const main = await buildConsumer();
  const child = spawn(process.execPath, [path.join(__dirname, '../../support/dispatcher-child.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      AUTH_LOCAL_KEY: 'test-signing-key-0123456789abcdef0123456789',
      DB_DATABASE: database.name,
      MYMONIT_OUT: path.dirname(main),
      FAKE_CONFIG: JSON.stringify({
        groupWaitMs: GROUP_WAIT_MS,
        groupIntervalMs: GROUP_INTERVAL_MS,
        repeatIntervalMs: 3_600_000,
        webhooks: [`${baseUrl}/hook/0`, `${baseUrl}/hook/1`],
        options: { ingestPollMs: 100, maxPollMs: 100, leaseMs: LEASE_MS, maintenanceMs: 1_000, stopGraceMs: 2_000 },
      }),
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
    child.once('exit', (code) => reject(new Error(`dispatcher process exited (${code}) before it was ready: ${output}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = { child, holder, exited, output: () => output };
  children.push(started);
  await holder;
  return started;
}

async function kill(c: Child, signal: NodeJS.Signals) {
  if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill(signal);
  return c.exited;
}

const acked = () => received.filter((r) => r.acked);
/** `hook group firing|resolved` of each acknowledged notification, sorted. */
const sent = () =>
  acked()
    .map((r) => {
      const names = (status: string) => r.alerts.filter((a) => a.status === status).map((a) => a.instance).sort().join(',');
      return `${r.hook} ${r.group} ${names('firing')}|${names('resolved')}`;
    })
    .sort();

/** Every group has flushed at least `n` more times after `sinceMs` (its last flush is that far on). */
async function flushesPast(sinceMs: number, intervals: number): Promise<void> {
  await eventually(
    () => rows('SELECT MIN(last_flush_at_ms) AS oldest, COUNT(*) AS n FROM notify_groups'),
    (r) => Number(r[0]?.n) > 0 && Number(r[0]?.oldest) >= sinceMs + intervals * GROUP_INTERVAL_MS,
    { what: `every group flushed ${intervals} intervals after ${sinceMs}`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

beforeAll(async () => {
  database = await createTestDatabase('mymonit_dispatch');
  const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
  await container.get<Migrator>(TYPES.Migrator).migrate();
  await container.get<MysqlDatabase>(TYPES.Database).close();
  const config = testConfig({ DB_DATABASE: database.name }).db;
  connection = await mysql.createConnection({ host: config.host, port: config.port, user: config.user, password: config.password, database: database.name });
  await connection.query(
    `CREATE TABLE test_notify_alerts (seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, fingerprint CHAR(16) NOT NULL, alert MEDIUMTEXT NOT NULL, KEY (fingerprint, seq))`,
  );
  server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(text) as { holder: string; groupKey: string; alerts: Received['alerts'] };
      const hook = request.url ?? '';
      const entry: Received = { hook, holder: body.holder, group: body.alerts[0]?.name ?? '', alerts: body.alerts, acked: false, at: Date.now() } as Received;
      received.push(entry);
      if (hang(hook, body)) {
        held.push(response);
        return;
      }
      response.on('finish', () => (entry.acked = true));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  for (const c of children) await kill(c, 'SIGKILL');
  for (const response of held) response.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await connection?.end();
  await database?.drop();
});

it('two processes: each notification once; SIGKILL mid-flush: the other sends what was due, nothing twice; restart: nothing lost or repeated', async () => {
  let a = await start();
  let b = await start();
  now = Date.now();
  // Five groups (alertname), two alerts each.
  for (const name of ['A', 'B', 'C', 'D', 'E']) await post(alert(name, `${name}1`, now), alert(name, `${name}2`, now));
  const first = ['A', 'B', 'C', 'D', 'E'].flatMap((n) => [`/hook/0 ${n} ${n}1,${n}2|`, `/hook/1 ${n} ${n}1,${n}2|`]).sort();
  await eventually(sent, (s) => s.length >= first.length, { what: 'the first notifications', timeoutMs: 30_000 });
  await flushesPast(now, 3);
  // On a failure, who sent what, and what the processes said.
  expect({ sent: sent(), output: sent().length === first.length ? '' : JSON.stringify(received) + a.output() + b.output() }).toEqual({ sent: first, output: '' });
  expect(received.filter((r) => !r.acked)).toEqual([]);

  // One alert of A resolves: one notification more per webhook, for A only.
  await post(alert('A', 'A2', now, Date.now()));
  const resolved = [...first, '/hook/0 A A1|A2', '/hook/1 A A1|A2'].sort();
  const resolvedAt = Date.now();
  await eventually(sent, (s) => s.length >= resolved.length, { what: 'A2 resolution', timeoutMs: 30_000 });
  await flushesPast(resolvedAt, 2);
  expect(sent()).toEqual(resolved);

  // F fires; its delivery to webhook 1 hangs; the process that sent it is killed once webhook 0 confirmed.
  hang = (hook, body) => hook === '/hook/1' && body.alerts.some((x) => x.name === 'F');
  await post(alert('F', 'F1', Date.now()));
  const hanging = await eventually(
    () => received.find((r) => r.hook === '/hook/1' && r.group === 'F'),
    (r) => r !== undefined,
    { what: 'the hanging delivery of F', timeoutMs: 30_000, intervalMs: 20 },
  );
  await eventually(
    () => rows("SELECT COUNT(*) AS n FROM notification_log WHERE group_key LIKE '%\"F\"%' AND integration_index = 0"),
    (r) => Number(r[0]?.n) === 1,
    { what: 'webhook 0 of F logged', timeoutMs: 10_000, intervalMs: 20 },
  );
  const victim = (await a.holder) === hanging!.holder ? a : b;
  const survivor = victim === a ? b : a;
  expect(await kill(victim, 'SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
  hang = () => false;
  const afterKill = [...resolved, '/hook/0 F F1|', '/hook/1 F F1|'].sort();
  await eventually(sent, (s) => s.length >= afterKill.length, { what: 'the survivor sends F to webhook 1', timeoutMs: 30_000 });
  const killedAt = Date.now();
  await flushesPast(killedAt, 2);
  expect(sent()).toEqual(afterKill);
  const fHooks = acked().filter((r) => r.group === 'F');
  expect(fHooks.map((r) => [r.hook, r.holder])).toEqual([
    ['/hook/0', hanging!.holder],
    ['/hook/1', await survivor.holder],
  ]);
  // The group was taken with a new fencing token; the killed holder's flush never committed.
  const [fGroup] = await rows("SELECT fencing_token, lease_holder FROM notify_groups WHERE group_key LIKE '%\"F\"%'");
  expect(Number(fGroup!.fencing_token)).toBeGreaterThanOrEqual(2);

  // Everything stops; meanwhile F resolves and G fires; two new processes send exactly that.
  expect(await kill(survivor, 'SIGTERM')).toEqual({ code: 0, signal: null });
  await post(alert('F', 'F1', now, Date.now()), alert('G', 'G1', Date.now()));
  a = await start();
  b = await start();
  const restartedAt = Date.now();
  const afterRestart = [...afterKill, '/hook/0 F |F1', '/hook/1 F |F1', '/hook/0 G G1|', '/hook/1 G G1|'].sort();
  await eventually(sent, (s) => s.length >= afterRestart.length, { what: 'F resolved and G sent after the restart', timeoutMs: 30_000 });
  await flushesPast(restartedAt, 3);
  expect(sent()).toEqual(afterRestart);
  // The only unacknowledged requests are the ones the killed process left hanging (it may have tried again
  // before it was killed).
  const unanswered = received.filter((r) => !r.acked).map((r) => `${r.hook} ${r.group} ${r.holder}`);
  expect(unanswered.length).toBeGreaterThanOrEqual(1);
  expect(new Set(unanswered)).toEqual(new Set([`/hook/1 F ${hanging!.holder}`]));
  // The empty group F is removed by maintenance; the others stay.
  for (const c of [a, b]) {
    expect(await kill(c, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(c.output()).not.toMatch(/"level":"error"/);
  }
});
