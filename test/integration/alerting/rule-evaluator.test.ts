import type { RowDataPacket } from 'mysql2/promise';
import type { RuleGroup } from '../../../src/alerting/rules/rule';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import { commitEvaluation, StaleEvaluationError, StaleLeaseError } from '../../../src/services/evaluation-commit';
import type { RuleEvaluator } from '../../../src/services/rule-evaluator';
import type { AlertStateStore, RuleGroupLeaseStore } from '../../../src/storage/alerting-stores';
import type { MysqlDatabase } from '../../../src/storage/mysql-database';
import type { ExperimentStore, MeasureStore, Migrator, Transactor } from '../../../src/storage/stores';
import { alertRule, FakeEngine, FakeRuleReader, FakeSeriesSources } from '../../support/alerting-fakes';
import { eventually } from '../../support/eventually';
import { createTestDatabase, testConfig, type TestDatabase } from '../../support/real-services';

/**
 * Evaluators of several "processes" (containers) on one database: one evaluates each group, another takes
 * over when it stops renewing, a stale holder's commit is refused, state survives a restart.
 */
interface Process {
  engine: FakeEngine;
  evaluator: RuleEvaluator;
  db: MysqlDatabase;
  close(): Promise<void>;
}

const INTERVAL_MS = 1_000;

describe('rule evaluator over MySQL', () => {
  let database: TestDatabase;
  const reader = new FakeRuleReader();
  const processes: Process[] = [];
  let experimentId = 0;
  let nextGroupId = 100;

  function start(): Process {
    const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
    const engine = new FakeEngine();
    container.rebindSync(TYPES.PromqlEngine).toConstantValue(engine);
    container.rebindSync(TYPES.SeriesSourceFactory).toConstantValue(new FakeSeriesSources());
    container.rebindSync(TYPES.RuleGroupReader).toConstantValue(reader);
    container.bind(TYPES.RuleEvaluatorOptions).toConstantValue({ refreshMs: 100, debounceMs: 20 });
    const evaluator = container.get<RuleEvaluator>(TYPES.RuleEvaluator);
    const db = container.get<MysqlDatabase>(TYPES.Database);
    const process: Process = {
      engine,
      evaluator,
      db,
      async close() {
        await evaluator.stop();
        await db.close();
      },
    };
    processes.push(process);
    return process;
  }

  async function rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
    const db = processes[0]?.db ?? start().db;
    const [result] = await db.executor().query<RowDataPacket[]>(sql, params);
    return result;
  }

  function group(rules: RuleGroup['rules'], intervalMs = INTERVAL_MS): RuleGroup {
    nextGroupId += 1;
    return { id: nextGroupId, experiment: 'EXP1', experimentId, name: `g${nextGroupId}`, intervalMs, rules, version: 1 };
  }

  const transitionsOf = (groupId: number) =>
    rows('SELECT from_state, to_state, fingerprint, at_ms, fencing_token FROM alert_transitions WHERE group_id = ? ORDER BY id', [groupId]);

  beforeAll(async () => {
    database = await createTestDatabase('mymonit_rules');
    const container = buildContainer(testConfig({ DB_DATABASE: database.name }));
    await container.get<Migrator>(TYPES.Migrator).migrate();
    experimentId = (await container.get<ExperimentStore>(TYPES.ExperimentStore).insert({ code: 'EXP1', name: 'Experiment 1' })).id;
    await container.get<MysqlDatabase>(TYPES.Database).close();
  });

  afterEach(async () => {
    for (const p of processes) p.engine.resume();
    for (const p of processes.splice(0)) await p.close();
    reader.groups = [];
  });

  afterAll(async () => {
    await database.drop();
  });

  it('two processes: exactly one evaluates a group; the other takes over within two intervals when it hangs; no transition lost or repeated', async () => {
    const g = group([alertRule(1, 'Up', 'up > 0')]);
    reader.groups = [g];
    const a = start();
    const b = start();
    for (const p of [a, b]) p.engine.results.set('up > 0', [{ labels: { instance: 'x' }, v: 1 }]);
    await Promise.all([a.evaluator.start(), b.evaluator.start()]);

    await eventually(() => transitionsOf(g.id), (t) => t.length === 1, { what: 'the alert fires' });
    // Several more intervals: still one evaluator.
    const [lease] = await eventually(
      () => rows('SELECT holder, fencing_token, last_eval_ms FROM rule_group_leases WHERE group_id = ?', [g.id]),
      (r) => Number(r[0]?.last_eval_ms ?? 0) >= Date.now() - INTERVAL_MS && (a.engine.calls + b.engine.calls) >= 4,
      { what: 'several evaluations' },
    );
    const holder = lease?.holder === a.evaluator.holder ? a : b;
    const other = holder === a ? b : a;
    expect(other.engine.calls).toBe(0);
    expect(Number(lease?.fencing_token)).toBe(1);

    // The holder hangs inside an evaluation (just after renewing its lease, as a process killed right
    // then): it renews nothing more, and the other process takes the group.
    holder.engine.hang();
    await eventually(() => other.engine.calls, (calls) => calls > 0, { what: 'takeover', timeoutMs: 10_000 });
    // The lease lasts 1.5 intervals from the last renewal (the hung slot) and is taken at the taker's next
    // slot: two intervals later. Compared as evaluation slots, not wall-clock times.
    expect((other.engine.firstAt ?? Infinity) - (holder.engine.hungAt ?? 0)).toBeLessThanOrEqual(2 * INTERVAL_MS);
    const [taken] = await rows('SELECT holder, fencing_token FROM rule_group_leases WHERE group_id = ?', [g.id]);
    expect(taken?.holder).toBe(other.evaluator.holder);
    expect(Number(taken?.fencing_token)).toBe(2);

    // The element disappears: one resolved transition, from the new holder; then the hung one wakes up
    // and its commit is refused (its token is stale).
    other.engine.results.set('up > 0', []);
    holder.engine.results.set('up > 0', []);
    await eventually(() => transitionsOf(g.id), (t) => t.length === 2, { what: 'the alert resolves' });
    holder.engine.resume();
    await eventually(() => rows('SELECT last_eval_ms FROM rule_group_leases WHERE group_id = ?', [g.id]), (r) => Number(r[0]?.last_eval_ms) > Date.now() - 500, {
      what: 'evaluations go on',
    });
    const transitions = await transitionsOf(g.id);
    expect(transitions.map((t) => `${t.from_state}->${t.to_state}@${t.fencing_token}`)).toEqual(['inactive->firing@1', 'firing->resolved@2']);
  });

  it('a restart keeps the for clock of a pending alert', async () => {
    const g = group([alertRule(2, 'Slow', 'slow > 0', { forMs: 4_000 })]);
    reader.groups = [g];
    const first = start();
    first.engine.results.set('slow > 0', [{ labels: { instance: 'y' }, v: 3 }]);
    await first.evaluator.start();
    const [pending] = await eventually(() => transitionsOf(g.id), (t) => t.length === 1, { what: 'pending' });
    expect(pending?.to_state).toBe('pending');
    const activeAt = Number(pending?.at_ms);
    await first.close();
    processes.splice(processes.indexOf(first), 1);

    const second = start();
    second.engine.results.set('slow > 0', [{ labels: { instance: 'y' }, v: 3 }]);
    await second.evaluator.start();
    const transitions = await eventually(() => transitionsOf(g.id), (t) => t.length === 2, { what: 'firing after the restart', timeoutMs: 15_000 });
    expect(transitions[1]?.to_state).toBe('firing');
    const firedAt = Number(transitions[1]?.at_ms);
    expect(firedAt - activeAt).toBeGreaterThanOrEqual(4_000);
    // Fired at the first slot where for had elapsed since the activeAt of the first process.
    expect(firedAt - activeAt).toBeLessThan(4_000 + INTERVAL_MS);
    const [state] = await rows('SELECT active_at_ms, state FROM alert_states WHERE rule_id = 2');
    expect(Number(state?.active_at_ms)).toBe(activeAt);
  });

  it('fences commits: a holder whose lease was taken over writes nothing; an evaluation time is applied once', async () => {
    const p = start();
    const g = group([alertRule(3, 'Fenced', 'f > 0')]);
    const leases = p.evaluator['leases'] as RuleGroupLeaseStore;
    const ports = {
      tx: p.db as Transactor,
      leases,
      alerts: p.evaluator['alerts'] as AlertStateStore,
      measures: p.evaluator['measures'] as MeasureStore,
    };
    const old = await leases.acquire(g.id, 'old-holder', 50);
    expect(old?.fencingToken).toBe(1);
    expect(await leases.acquire(g.id, 'new-holder', 60_000)).toBeUndefined();
    await eventually(() => leases.acquire(g.id, 'new-holder', 60_000), (lease) => lease !== undefined, { what: 'the old lease expires' });
    const fresh = await leases.acquire(g.id, 'new-holder', 60_000);
    expect(fresh?.fencingToken).toBe(2);
    const labels = new Map([['alertname', 'Fenced']]);
    const evaluation = {
      atMs: 1_000_000,
      states: [],
      transitions: [{ ruleId: 3, fingerprint: 'f1', labels, from: 'inactive' as const, to: 'firing' as const, severity: 'major' as const, value: 1, atMs: 1_000_000 }],
      rules: [{ ruleId: 3, health: 'ok' as const, durationMs: 1 }],
      samples: [{ labels: new Map([['__name__', 'ALERTS'], ['alertname', 'Fenced'], ['alertstate', 'firing']]), value: 1 }],
      classifierFailures: 0,
    };
    await expect(commitEvaluation(ports, g, old!, evaluation, 1)).rejects.toBeInstanceOf(StaleLeaseError);
    expect(await transitionsOf(g.id)).toHaveLength(0);
    await commitEvaluation(ports, g, fresh!, evaluation, 1);
    await expect(commitEvaluation(ports, g, fresh!, evaluation, 1)).rejects.toBeInstanceOf(StaleEvaluationError);
    expect(await transitionsOf(g.id)).toHaveLength(1);
    expect(await rows('SELECT o.transition_id FROM alert_outbox o JOIN alert_transitions t ON t.id = o.transition_id WHERE t.group_id = ?', [g.id])).toHaveLength(1);
    // ALERTS was stored as a measure of the group's experiment, in the same transaction.
    const alerts = await rows("SELECT m.value, s.tags FROM measures m JOIN series s ON s.id = m.series_id WHERE s.metric = 'ALERTS' AND m.ts_us = ?", [1_000_000_000]);
    expect(alerts).toHaveLength(1);
  });

  it('evaluates a group at once when measures of its experiment are committed', async () => {
    const g = group([alertRule(4, 'Ingest', 'i > 0')], 60_000);
    reader.groups = [g];
    const p = start();
    await p.evaluator.start();
    await p.evaluator.evaluateNow(g.id);
    expect(await transitionsOf(g.id)).toHaveLength(0);
    p.engine.results.set('i > 0', [{ labels: { instance: 'z' }, v: 7 }]);
    p.evaluator.committed({ measures: [{ experiment: 'OTHER', metric: 'm', source: null, unit: null, value: 1, timestampUs: 1n, tags: {} }], exact: true });
    p.evaluator.committed({ measures: [{ experiment: 'EXP1', metric: 'i', source: null, unit: null, value: 1, timestampUs: 1n, tags: {} }], exact: true });
    const transitions = await eventually(() => transitionsOf(g.id), (t) => t.length === 1, { what: 'the ingest-triggered evaluation', timeoutMs: 5_000 });
    expect(transitions[0]?.to_state).toBe('firing');
  });
});
