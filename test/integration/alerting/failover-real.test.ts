import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { buildConsumer, startConsumer, type ConsumerProcess } from '../../support/consumer-process';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * Failover and restart with nothing faked: two real `mymonit consume` processes on one database and one
 * queue, the real PromQL engine over MySQL, the real classifiers (thresholds and Lua), measures published
 * over AMQP. The lease holder is SIGKILLed while an alert is pending; the other process takes the group
 * over within two intervals, the pending alert fires at activeAt + for, and every alert's transitions are
 * exactly the expected ones, once each. Then everything stops and one process restarts: states resume.
 * Times are the database's (evaluation times, lease rows), never this test's wall clock.
 */
jest.setTimeout(300_000);

const INTERVAL_MS = 1_000;
const FOR_MS = 10_000;
const LEASE_MS = 1_500; // max(1.5 intervals, 1.5 s): docs/alert-evaluation.md
const CODE = 'FAILREAL';

const GROUP = {
  name: 'failover',
  interval: '1s',
  rules: [
    { alert: 'Hot', expr: 'temp > 50', for: '10s', labels: { severity: 'major' } },
    {
      alert: 'Cold',
      expr: 'temp < 0',
      classifier: {
        thresholds: [
          { severity: 'critical', op: '<', value: -10 },
          { severity: 'minor', op: '<', value: 0 },
        ],
      },
    },
    { alert: 'Load', expr: 'load > 0', classifier: { lua: 'return arrayMax(values) > 90 and "critical" or "minor"', history: 3 } },
  ],
};

let platform: TestPlatform;
let connection: Connection;
let token: string;
let groupId = 0;
const running: ConsumerProcess[] = [];

async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await connection.query<RowDataPacket[]>(sql, params);
  return result;
}

interface Transition {
  alert: string;
  from: string;
  to: string;
  severity: string;
  at: number;
  token: number;
}

async function transitions(): Promise<Transition[]> {
  const found = await rows('SELECT alertname, labels, from_state, to_state, severity, at_ms, fencing_token FROM alert_transitions ORDER BY id');
  return found.map((row) => {
    const labels = new Map<string, string>(JSON.parse(String(row.labels)) as Array<[string, string]>);
    return {
      alert: `${String(row.alertname)}/${labels.get('source') ?? ''}`,
      from: String(row.from_state),
      to: String(row.to_state),
      severity: String(row.severity),
      at: Number(row.at_ms),
      token: Number(row.fencing_token),
    };
  });
}

const of = (all: Transition[], alert: string) => all.filter((t) => t.alert === alert);
const steps = (all: Transition[], alert: string) => of(all, alert).map((t) => `${t.from}->${t.to}:${t.severity}`);

async function lease(): Promise<{ holder: string; token: number; lastEval: number; renewedAt: number } | undefined> {
  const [row] = await rows(
    'SELECT holder, fencing_token, last_eval_ms, ROUND(UNIX_TIMESTAMP(expires_at) * 1000) AS expires_ms FROM rule_group_leases WHERE group_id = ?',
    [groupId],
  );
  if (!row) return undefined;
  return {
    holder: String(row.holder),
    token: Number(row.fencing_token),
    lastEval: Number(row.last_eval_ms ?? 0),
    renewedAt: Number(row.expires_ms) - LEASE_MS,
  };
}

/** The evaluation times committed after `after`: ALERTS is written at every evaluation while an alert is active. */
async function evaluationsAfter(after: number): Promise<number[]> {
  const found = await rows(
    `SELECT DISTINCT m.ts_us FROM measures m JOIN series s ON s.id = m.series_id
     WHERE s.metric = 'ALERTS' AND m.ts_us > ? ORDER BY m.ts_us`,
    [after * 1000],
  );
  return found.map((row) => Number(row.ts_us) / 1000);
}

async function publish(metric: string, source: string, value: number): Promise<void> {
  await platform.publish({ experiment: CODE, metric, source, value, unit: 'u', timestamp: Date.now() });
}

async function consumer(): Promise<ConsumerProcess> {
  const config = platform.config;
  const started = await startConsumer({
    DB_HOST: config.db.host,
    DB_PORT: String(config.db.port),
    DB_USER: config.db.user,
    DB_PASSWORD: config.db.password,
    DB_DATABASE: config.db.database,
    RABBIT_URL: config.rabbit.url,
    RABBIT_EXCHANGE: config.rabbit.exchange,
    RABBIT_QUEUE: config.rabbit.queue,
    MIGRATE_ON_START: 'false',
    AUTH_LOCAL_KEY: 'test-signing-key-0123456789abcdef0123456789',
    METRICS_PORT: String(await freePort()),
  });
  running.push(started);
  return started;
}

const holderPid = (holder: string) => Number(holder.split(':')[1]);

beforeAll(async () => {
  await buildConsumer();
  platform = await startPlatform();
  token = await platform.tokenFor(platform.admin);
  expect((await call(platform.baseUrl, 'POST', '/experiments', { token, body: { code: CODE, name: 'failover, real' } })).status).toBe(201);
  const created = await call(platform.baseUrl, 'POST', `/experiments/${CODE}/rule-groups`, { token, body: GROUP });
  expect(created.status).toBe(201);
  groupId = Number(created.body.id);
  const db = platform.config.db;
  connection = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
}, 240_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGKILL')));
  await connection?.end();
  await platform?.stop();
});

it('SIGKILL of the holder: takeover within two intervals, for clock kept, transitions exact; restart resumes states', async () => {
  const a = await consumer();
  const b = await consumer();
  const pids = [a.child.pid, b.child.pid];
  await eventually(lease, (l) => l !== undefined && l.lastEval > 0 && pids.includes(holderPid(l.holder)), {
    what: 'a process holding and evaluating the group',
    timeoutMs: 120_000,
    intervalMs: 200,
  });

  // Cold fires minor (no for), the Lua-classified Load fires minor.
  await publish('temp', 'b', -5);
  await publish('load', 'l', 50);
  await eventually(transitions, (t) => t.length === 2, { what: 'Cold and Load fire', timeoutMs: 60_000, intervalMs: 200 });

  // Hot goes pending; the holder is killed while it is.
  await publish('temp', 'a', 60);
  const [pending] = of(await eventually(transitions, (t) => of(t, 'Hot/a').length === 1, { what: 'Hot pending', timeoutMs: 60_000, intervalMs: 50 }), 'Hot/a');
  expect(pending).toMatchObject({ from: 'inactive', to: 'pending' });
  const activeAt = pending!.at;
  const held = await lease();
  const victim = [a, b].find((p) => p.child.pid === holderPid(held!.holder))!;
  const survivor = victim === a ? b : a;
  expect(await victim.kill('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
  const [killedBy] = await rows('SELECT ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS now_ms');
  const killedAtOrBefore = Number(killedBy!.now_ms);
  // The dead holder's last renewal and last committed evaluation are final now.
  const last = (await lease())!;
  expect(last.holder).toBe(held!.holder);
  expect(last.renewedAt).toBeLessThanOrEqual(killedAtOrBefore);

  const taken = await eventually(lease, (l) => l !== undefined && holderPid(l.holder) === survivor.child.pid && l.lastEval > last.lastEval, {
    what: 'the survivor takes over',
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  expect(taken!.token).toBe(last.token + 1);
  // The survivor's first evaluation (a slot time): at most two intervals after the holder's last sign of
  // life, which was before the kill.
  const [firstBySurvivor] = await evaluationsAfter(last.lastEval);
  expect(firstBySurvivor).toBeDefined();
  expect(firstBySurvivor! - last.renewedAt).toBeLessThanOrEqual(2 * INTERVAL_MS);

  // Hot fires on the for clock the dead process started: at the first evaluation at or after activeAt + for.
  const fired = of(await eventually(transitions, (t) => of(t, 'Hot/a').length === 2, { what: 'Hot fires', timeoutMs: 30_000, intervalMs: 100 }), 'Hot/a')[1]!;
  expect(fired).toMatchObject({ from: 'pending', to: 'firing', token: taken!.token });
  const survivorEvaluations = await evaluationsAfter(last.lastEval);
  const due = survivorEvaluations.find((at) => at >= activeAt + FOR_MS);
  expect(fired.at).toBe(due);
  expect(fired.at - activeAt).toBeGreaterThanOrEqual(FOR_MS);

  // The rest of the story under the survivor: Cold turns critical, then resolves; Hot resolves; the Lua
  // classifier sees 95 in its last 3 values (critical), then only 60s (minor).
  await publish('temp', 'b', -20);
  await publish('load', 'l', 95);
  await eventually(transitions, (t) => steps(t, 'Cold/b').length === 2 && steps(t, 'Load/l').length === 2, {
    what: 'Cold and Load critical',
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  await publish('temp', 'a', 20);
  await publish('temp', 'b', 5);
  await publish('load', 'l', 60);
  const all = await eventually(
    transitions,
    (t) => steps(t, 'Hot/a').length === 3 && steps(t, 'Cold/b').length === 3 && steps(t, 'Load/l').length === 3,
    { what: 'Hot and Cold resolve, Load back to minor', timeoutMs: 30_000, intervalMs: 100 },
  );
  // A resolution carries the severity the alert last fired with.
  expect(steps(all, 'Hot/a')).toEqual(['inactive->pending:major', 'pending->firing:major', 'firing->resolved:major']);
  expect(steps(all, 'Cold/b')).toEqual(['inactive->firing:minor', 'firing->firing:critical', 'firing->resolved:critical']);
  expect(steps(all, 'Load/l')).toEqual(['inactive->firing:minor', 'firing->firing:critical', 'firing->firing:minor']);
  // The Lua alert went back to minor only once 95 left its last 3 values: 3 evaluations after 60 arrived.
  const [, critical, minor] = of(all, 'Load/l');
  expect(minor!.at).toBeGreaterThan(critical!.at);
  // Nothing else, nothing twice, one outbox row each.
  expect(all).toHaveLength(9);
  expect(new Set(all.map((t) => `${t.alert}@${t.at}`)).size).toBe(all.length);
  const [outbox] = await rows('SELECT COUNT(*) AS n, COUNT(DISTINCT transition_id) AS d FROM alert_outbox');
  expect([Number(outbox!.n), Number(outbox!.d)]).toEqual([9, 9]);
  // Transitions of the dead holder carry its token, the survivor's the next.
  expect(of(all, 'Hot/a').map((t) => t.token)).toEqual([last.token, taken!.token, taken!.token]);

  // A second Hot alert goes pending, then everything stops and one process restarts: the states resume
  // (no transition for the unchanged alerts) and the pending alert fires on the for clock started before.
  await publish('temp', 'a2', 70);
  const [pending2] = of(await eventually(transitions, (t) => of(t, 'Hot/a2').length >= 1, { what: 'Hot/a2 pending', timeoutMs: 30_000, intervalMs: 50 }), 'Hot/a2');
  expect(pending2).toMatchObject({ from: 'inactive', to: 'pending' });
  expect(await survivor.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  const states = () =>
    rows(
      `SELECT rule_id, fingerprint, state, severity, active_at_ms, fired_at_ms FROM alert_states
       WHERE labels NOT LIKE '%"a2"%' ORDER BY rule_id, fingerprint`,
    );
  const before = await states();
  expect(before.filter((s) => s.state === 'firing')).toHaveLength(1); // Load, minor
  const stopped = (await lease())!;
  const restarted = await consumer();
  const resumed = await eventually(lease, (l) => l !== undefined && holderPid(l.holder) === restarted.child.pid && l.lastEval > 0, {
    what: 'the restarted process holds the group',
    timeoutMs: 120_000,
    intervalMs: 200,
  });
  expect(resumed!.token).toBe(stopped.token + 1);
  const final = await eventually(transitions, (t) => of(t, 'Hot/a2').length >= 2, { what: 'Hot/a2 fires', timeoutMs: 60_000, intervalMs: 100 });
  // A few more evaluations by the restarted process (ALERTS: Load and Hot/a2 fire).
  await eventually(() => evaluationsAfter(stopped.lastEval), (e) => e.length >= 3, { what: 'three evaluations after the restart', timeoutMs: 60_000, intervalMs: 200 });
  expect(await transitions()).toEqual(final);
  expect(final.filter((t) => t.alert !== 'Hot/a2')).toEqual(all);
  expect(steps(final, 'Hot/a2')).toEqual(['inactive->pending:major', 'pending->firing:major']);
  const fired2 = of(final, 'Hot/a2')[1]!;
  expect(fired2.at).toBe((await evaluationsAfter(pending2!.at)).find((at) => at >= pending2!.at + FOR_MS));
  const after = await states();
  expect(after).toEqual(before);
  expect(await restarted.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  for (const p of running) expect(p.output()).not.toMatch(/"level":"error"/);
});

it('ingest triggers the evaluation: the transition is at the evaluation the commit triggered, not at a slot', async () => {
  // One consumer only: a commit triggers an evaluation only in the process that committed it, so a
  // second process (left over if the first test failed) could take the message and leave it to a slot.
  await Promise.all(running.map((p) => p.kill('SIGKILL')));
  const PROMPT = 'PROMPTEVAL';
  const INTERVAL = 30_000;
  expect((await call(platform.baseUrl, 'POST', '/experiments', { token, body: { code: PROMPT, name: 'prompt evaluation' } })).status).toBe(201);
  const created = await call(platform.baseUrl, 'POST', `/experiments/${PROMPT}/rule-groups`, {
    token,
    body: { name: 'prompt', interval: '30s', rules: [{ alert: 'Hot', expr: 'temp > 50', labels: { severity: 'major' } }] },
  });
  expect(created.status).toBe(201);
  const id = Number(created.body.id);
  const process = await consumer();
  // The first evaluation is at a slot: it gives the group's slot offset.
  const [first] = await eventually(
    () => rows('SELECT holder, last_eval_ms FROM rule_group_leases WHERE group_id = ?', [id]),
    (r) => r[0]?.last_eval_ms !== null && r[0]?.last_eval_ms !== undefined && holderPid(String(r[0].holder)) === process.child.pid,
    { what: 'a first evaluation of the group', timeoutMs: 120_000, intervalMs: 200 },
  );
  const slotOffset = Number(first!.last_eval_ms) % INTERVAL;

  const sampleAt = Date.now();
  await platform.publish({ experiment: PROMPT, metric: 'temp', source: 'p', value: 70, unit: 'u', timestamp: sampleAt });
  const [fired] = await eventually(
    () => rows('SELECT from_state, to_state, at_ms FROM alert_transitions WHERE group_id = ?', [id]),
    (r) => r.length === 1,
    { what: 'Hot fires', timeoutMs: 60_000, intervalMs: 100 },
  );
  expect(fired).toMatchObject({ from_state: 'inactive', to_state: 'firing' });
  const at = Number(fired!.at_ms);
  // The evaluation saw the sample, and it was not a slot's: the one the commit triggered (a slot after the
  // commit would have been at a slot time; any slot evaluation before it did not see the sample).
  expect(at).toBeGreaterThanOrEqual(sampleAt);
  expect((at - slotOffset) % INTERVAL).not.toBe(0);
  expect(await process.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(process.output()).not.toMatch(/"level":"error"/);
});
